// The network explorer: loads the whole network, draws it, and wires the
// panels (search, actor card, scope, brokers, summary, paths, removal).

import { ApiError, getApiKey, isKeyRemembered, setApiKey } from "./api";
import { colourByCommunity, fetchCommunities, renderCommunityLegend, type CommunityEntry, type Partition } from "./communities";
import { byId, debounce, fill, h, num, swatch } from "./dom";
import { fetchActor, fetchProfile, renderCard, type Profile } from "./card";
import { applyChange, Editor } from "./edit";
import { historySection, setupChangesPanel } from "./history";
import { openImporter } from "./importer";
import { fetchScores, fetchSummary, renderBrokers, renderSummary } from "./insights";
import { InsightsView } from "./insights-view";
import { Layout } from "./layout";
import { NetworkMap } from "./map";
import { GROUP_BY, METRICS, Scope, scopeInput } from "./model";
import { colourNodes, dateRange, inheritSectors, linkTypeCounts, loadNetwork, sizeNodes, type Network } from "./network";
import { PathsPanel } from "./paths";
import { actorPicker, type ActorRef } from "./picker";
import { RemovalPanel } from "./removal";
import { ScopeBar } from "./scope";
import { Timeline } from "./timeline";
import { TrendsPanel } from "./trends";

/** What the browser tests and the curious can inspect: window.explorer. */
interface Explorer {
  timings: Record<string, number>;
  graph?: Network;
  map?: NetworkMap;
  layout?: Layout;
  /** The partition the map is coloured by, when colouring by community. */
  partition?: Partition;
  /** Resolves once the network is drawn and the brokers are sized. */
  ready: Promise<void>;
}

let resolveReady: () => void = () => {};
const explorer: Explorer = { timings: {}, ready: new Promise((r) => (resolveReady = r)) };
(window as unknown as { explorer: Explorer }).explorer = explorer;

const statusEl = byId("status");
let pending = 0;

function status(text: string, kind: "info" | "error" = "info"): void {
  statusEl.textContent = text;
  statusEl.classList.toggle("error", kind === "error");
}

function showError(e: unknown): void {
  const msg = e instanceof Error ? e.message : String(e);
  status(msg, "error");
  if (e instanceof ApiError && e.needsKey) {
    const access = byId<HTMLDetailsElement>("access");
    access.open = true;
    byId("api-key").focus();
  }
}

async function busy<T>(what: string, work: Promise<T>): Promise<T> {
  pending++;
  status(what);
  try {
    return await work;
  } finally {
    if (--pending === 0 && !statusEl.classList.contains("error")) status("");
  }
}

const nextFrame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

function setupAccess(onKey: () => void): void {
  const key = byId<HTMLInputElement>("api-key");
  const remember = byId<HTMLInputElement>("api-remember");
  key.value = getApiKey();
  remember.checked = isKeyRemembered();
  byId("access-form").addEventListener("submit", (e) => {
    e.preventDefault();
    setApiKey(key.value, remember.checked);
    byId<HTMLDetailsElement>("access").open = false;
    status(key.value ? "API key set." : "API key cleared.");
    onKey();
  });
}

function setupTabs(): (name: "card" | "paths" | "removal" | "changes") => void {
  const tabs = [...document.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
  const show = (tab: HTMLButtonElement, focus = false) => {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute("aria-selected", String(on));
      t.tabIndex = on ? 0 : -1;
      byId(t.getAttribute("aria-controls")!).hidden = !on;
    }
    if (focus) tab.focus();
  };
  tabs.forEach((t, i) => {
    t.addEventListener("click", () => show(t));
    t.addEventListener("keydown", (e) => {
      const j = e.key === "ArrowRight" ? i + 1 : e.key === "ArrowLeft" ? i - 1 : e.key === "Home" ? 0 : e.key === "End" ? tabs.length - 1 : null;
      if (j === null) return;
      e.preventDefault();
      show(tabs[(j + tabs.length) % tabs.length], true);
    });
  });
  return (name) => show(byId<HTMLButtonElement>(`tab-${name}`));
}

function fillSelect(select: HTMLSelectElement, options: Record<string, string>, value: string): void {
  select.replaceChildren(...Object.entries(options).map(([v, label]) => h("option", { value: v }, label)));
  select.value = value;
}

function renderLegend(el: HTMLElement, actors: { label: string; color: string; count: number }[]): void {
  fill(el, actors.map((a) => h("li", {}, swatch(a.color), ` ${a.label} `, h("span", { class: "count" }, num(a.count)))));
}

function renderCaption(metric: string): void {
  byId("map-caption").textContent = `Size: ${METRICS[metric].label.toLowerCase()} · bold: the top 10 brokers (the top 5 always labelled)`;
}

async function start(): Promise<void> {
  let metric = "BETWEENNESS";
  let groupBy = "SECTOR";
  let colourBy: "sector" | "type" | "community" = "sector";
  let selected: ActorRef | null = null;
  let profile: Profile | Error | null = null;
  // Set once every actor is in (the panels below only use them after that).
  let g: Network | undefined;
  let map: NetworkMap | undefined;
  let scopeBar: ScopeBar | undefined;
  const scope = () => scopeInput(scopeBar?.current() ?? {});

  const showTab = setupTabs();
  const legendEl = byId("legend");
  // The community whose members are highlighted (from the legend).
  let highlighted: number | null = null;
  const highlight = (e: CommunityEntry | null) => {
    highlighted = e && e.community !== highlighted ? e.community : null;
    map?.setHighlight(highlighted === null ? null : e!.members);
    legendEl.querySelectorAll<HTMLButtonElement>("button[data-community]").forEach((b) =>
      b.setAttribute("aria-pressed", String(b.dataset.community === String(highlighted))));
  };
  // Colours the actors as chosen: sector and type from the graph, the
  // scope's communities from the server (the last asked wins).
  let colourSeq = 0;
  const recolour = async () => {
    const seq = ++colourSeq;
    if (!g) return;
    if (colourBy !== "community") {
      explorer.partition = undefined;
      highlight(null);
      renderLegend(legendEl, colourNodes(g, colourBy));
      return;
    }
    try {
      const p = await busy("Finding communities…", fetchCommunities(scope()));
      if (seq !== colourSeq || !g || colourBy !== "community") return;
      const entries = colourByCommunity(g, p);
      explorer.partition = p;
      const kept = entries.find((e) => e.community === highlighted);
      highlighted = null;
      renderCommunityLegend(legendEl, p, entries, null, highlight);
      highlight(kept ?? null);
    } catch (e) {
      showError(e);
    }
  };

  const removal = new RemovalPanel({
    scope,
    marked: (ids) => map?.setMarked(ids),
    show: (removed, isolated) => map?.setRemoval(removed, isolated),
    open: (a) => void openCard(a, true),
    error: showError,
    busy,
  });
  const paths = new PathsPanel({
    scope,
    show: (p) => map?.setPaths(p),
    frame: (ids) => map?.frame(ids),
    focus: (i) => map?.focusPath(i),
    open: (a) => void openCard(a, true),
    error: showError,
    busy,
  });

  // Edits saved from the page go onto the map (the layout stops: its
  // worker knows the old graph) and re-rank the brokers.
  const editor = new Editor({
    changed: (c) => {
      if (g) {
        if (explorer.layout?.isRunning()) explorer.layout.stop();
        applyChange(g, c);
        void recolour();
      }
      if (c.op === "deleteActor" && selected?.id === c.id) selected = null;
      void refreshAnalytics();
    },
    open: (a) => void openCard(a, true),
    error: showError,
  });
  const editorReady = editor.init(() => openImporter((message) => {
    editor.say(`${message} Reload the page to see it all on the map.`);
    void refreshAnalytics();
  }));

  const cardEl = byId("card");
  let cardSeq = 0;
  const cardActions = {
    editActor: (a: { id: string; name: string; __typename: string }) => editor.actorTools(a),
    editLink: (l: { id: string; key: string }, label: string) => editor.linkTools(l, label),
    history: (a: { id: string; name: string }) => historySection(a.id, a.name),
    open: (a: ActorRef) => void openCard(a, true),
    centre: (id: string) => map?.centreOn(id),
    traceFrom: (a: ActorRef) => { paths.setFrom(a); showTab("paths"); byId("path-to").focus(); },
    traceTo: (a: ActorRef) => { paths.setTo(a); showTab("paths"); byId("path-from").focus(); },
    toggleRemoval: (a: ActorRef) => removal.toggle(a),
    inRemoval: (id: string) => removal.has(id),
  };
  const drawCard = async (a: ActorRef, seq: number, focus: boolean) => {
    const actor = await fetchActor(a.id);
    if (seq !== cardSeq) return;
    if (!actor) {
      fill(cardEl, h("p", { class: "error" }, `${a.name} is no longer in the network.`));
      return;
    }
    fill(cardEl, renderCard(actor, profile, groupBy, cardActions));
    if (focus) cardEl.querySelector<HTMLElement>("#card-name")?.focus({ preventScroll: true });
  };
  async function openCard(a: ActorRef, focus: boolean): Promise<void> {
    const seq = ++cardSeq;
    selected = a;
    profile = null;
    map?.select(a.id);
    showTab("card");
    if (focus) map?.centreOn(a.id);
    fill(cardEl, h("p", { class: "hint" }, `Loading ${a.name}…`));
    const profileP = fetchProfile(a.id, scope(), groupBy).catch((e: Error) => e);
    try {
      await busy(`Loading ${a.name}…`, drawCard(a, seq, focus));
      profile = await profileP;
      if (seq === cardSeq) await drawCard(a, seq, false);
    } catch (e) {
      showError(e);
    }
  }
  setupChangesPanel(byId<HTMLFormElement>("changes-form"), byId<HTMLInputElement>("changes-since"), byId("changes-results"), showError);
  actorPicker(byId<HTMLInputElement>("search"), (a) => void openCard(a, true), showError);

  // The brokers are ranked while the network loads.
  type Ranking = Awaited<ReturnType<typeof rank>>;
  const rank = () => Promise.all([fetchScores(scope(), metric, groupBy, g?.order ?? 1000), fetchSummary(scope())]);
  let ranking = rank();
  ranking.catch(() => {}); // reported where it is awaited
  // The ranking in by the time the network is: sized before the map is
  // made, so the map draws once instead of drawing, then redrawing all.
  let early: Ranking | undefined;
  ranking.then((r) => (early = r), () => {});
  let onMap: Ranking | undefined; // the ranking the map's sizes show
  const topBrokers = (r: Ranking) => r[0].slice(0, 10);
  let analyticsSeq = 0;
  const refreshAnalytics = async (fresh = true) => {
    const seq = ++analyticsSeq;
    if (fresh) {
      ranking = rank();
      ranking.catch(() => {});
    }
    try {
      const r = await busy("Ranking brokers…", ranking);
      if (seq !== analyticsSeq || !g || !map) return;
      const [scores, summary] = r;
      const top = topBrokers(r);
      if (r !== onMap) {
        // One redraw for sizes and brokers both.
        sizeNodes(g, scores, !!METRICS[metric].ascending);
        map.setBrokers(top.map((b) => b.id), 5, false);
        map.reindex();
        onMap = r;
      }
      renderBrokers(byId<HTMLOListElement>("brokers"), top, metric, (a) => void openCard(a, true));
      renderSummary(byId("summary"), summary);
      if (selected) void openCard(selected, false);
    } catch (e) {
      showError(e);
    }
  };

  status("Loading the network…");
  const progress = { actors: "", links: "" };
  const loaded = await loadNetwork((what, n, total) => {
    progress[what] = `${n.toLocaleString("en-GB")} of ${total.toLocaleString("en-GB")} ${what}`;
    status(`Loading ${[progress.actors, progress.links].filter(Boolean).join(", ")}…`);
  }, (graph) => {
    // Every actor is in: draw them now, links follow as they arrive.
    g = explorer.graph = graph;
    inheritSectors(graph);
    renderLegend(legendEl, colourNodes(graph, "sector"));
    renderCaption(metric);
    if (early) {
      sizeNodes(graph, early[0], !!METRICS[metric].ascending);
      onMap = early;
    }
    map = explorer.map = new NetworkMap(graph, byId("graph"), onMap ? topBrokers(onMap).map((b) => b.id) : [], 5, {
      pick: (id, add) => {
        const a = { id, name: graph.getNodeAttribute(id, "label") };
        if (add) {
          removal.toggle(a);
          showTab("removal");
        } else void openCard(a, false);
      },
    });
    requestAnimationFrame(() => (explorer.timings.firstRender = performance.now()));
  });
  explorer.timings.loaded = performance.now();
  await nextFrame();
  explorer.timings.networkDrawn = performance.now();
  status("");
  const graph = loaded.graph;
  const theMap = map!;

  const layoutButton = byId<HTMLButtonElement>("layout-toggle");
  const layout = new Layout(graph, (running) => {
    layoutButton.textContent = running ? "Pause layout" : "Run layout";
    layoutButton.setAttribute("aria-pressed", String(running));
    if (!running && !explorer.timings.layoutDone) explorer.timings.layoutDone = performance.now();
  }, () => theMap.interacting());
  explorer.layout = layout;
  layoutButton.addEventListener("click", () => (layout.isRunning() ? layout.stop() : layout.start()));
  // The server's positions are final; the button refines them on request.
  if (loaded.positioned) {
    layoutButton.textContent = "Refine layout";
    explorer.timings.layoutDone = explorer.timings.networkDrawn;
  } else layout.start();
  byId("zoom-in").addEventListener("click", () => theMap.zoomIn());
  byId("zoom-out").addEventListener("click", () => theMap.zoomOut());
  byId("zoom-fit").addEventListener("click", () => theMap.fit());

  // What the scope decides on the server (rankings, communities) follows
  // once it settles, and not at each month the timeline plays through.
  const scopeSettled = debounce(() => {
    void refreshAnalytics();
    if (colourBy === "community") void recolour();
  }, 300);
  let timeline: Timeline | undefined;
  scopeBar = new ScopeBar(linkTypeCounts(graph), dateRange(graph), loaded.programmes, (s: Scope) => {
    theMap.setScope(s);
    timeline?.update(theMap.visible());
    if (!timeline?.playing()) scopeSettled();
  });
  timeline = new Timeline(scopeBar, scopeSettled);
  timeline.update(theMap.visible());
  new TrendsPanel({
    scope: () => scopeInput({ ...(scopeBar?.current() ?? {}), from: undefined, to: undefined }),
    metric: () => metric,
    focus: (a) => {
      theMap.select(a.id);
      theMap.focus.set(a.id);
      theMap.centreOn(a.id);
    },
    error: showError,
    busy,
  }, dateRange(graph));

  const metricSelect = byId<HTMLSelectElement>("metric");
  fillSelect(metricSelect, Object.fromEntries(Object.entries(METRICS).map(([k, m]) => [k, m.label])), metric);
  byId("metric-help").textContent = METRICS[metric].help;
  metricSelect.addEventListener("change", () => {
    metric = metricSelect.value;
    byId("metric-help").textContent = METRICS[metric].help;
    renderCaption(metric);
    void refreshAnalytics();
  });
  const colourSelect = byId<HTMLSelectElement>("colour-by");
  colourSelect.addEventListener("change", () => {
    colourBy = colourSelect.value as typeof colourBy;
    void recolour();
  });
  const groupSelect = byId<HTMLSelectElement>("group-by");
  fillSelect(groupSelect, GROUP_BY, groupBy);
  groupSelect.addEventListener("change", () => {
    groupBy = groupSelect.value;
    void refreshAnalytics();
  });

  await refreshAnalytics(false); // the ranking started before the network loaded
  await editorReady;
  explorer.timings.ready = performance.now();
  resolveReady();
}

// The Insights view needs no network loaded: it works while the map loads.
const insightsView = new InsightsView(byId<HTMLDialogElement>("insights"));
byId("open-insights").addEventListener("click", () => insightsView.open());

let started = false;
setupAccess(() => {
  // A page that could not load (say, for want of a key) starts afresh.
  if (!started) location.reload();
});
start().then(() => (started = true), (e) => showError(e));
