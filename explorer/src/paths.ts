// Knowledge paths between two actors: the k shortest (Yen) or the earliest
// time-respecting journey, listed here and highlighted on the map.

import { gql } from "./api";
import { byId, fill, h, swatch } from "./dom";
import { LINK_TYPES, PATH_COLORS } from "./model";
import type { MapPath } from "./map";
import { actorPicker, type ActorRef, type Picker } from "./picker";

interface PathResult {
  hops: number;
  cost: number;
  actors: ActorRef[];
  steps: { day: string | null; link: { key: string; type: string } }[];
}

const PATHS = `query ExplorerPaths($from: ID!, $to: ID!, $k: Int, $cost: PathCost, $time: Boolean, $scope: Scope) {
  knowledgePaths(from: $from, to: $to, k: $k, cost: $cost, timeRespecting: $time, scope: $scope) {
    hops cost actors { id name } steps { day link { key type } }
  }
}`;

export interface PathsContext {
  scope(): unknown;
  show(paths: MapPath[]): void;
  frame(ids: string[]): void;
  focus(i: number | null): void;
  open(a: ActorRef): void;
  error(e: unknown): void;
  busy<T>(what: string, work: Promise<T>): Promise<T>;
}

export class PathsPanel {
  private from: Picker;
  private to: Picker;
  private k = byId<HTMLInputElement>("path-k");
  private cost = byId<HTMLSelectElement>("path-cost");
  private time = byId<HTMLInputElement>("path-time");
  private results = byId("path-results");

  constructor(private ctx: PathsContext) {
    this.from = actorPicker(byId<HTMLInputElement>("path-from"), () => {}, ctx.error);
    this.to = actorPicker(byId<HTMLInputElement>("path-to"), () => {}, ctx.error);
    // A time-respecting search returns the one earliest journey.
    this.time.addEventListener("change", () => {
      this.k.disabled = this.time.checked;
      this.cost.disabled = this.time.checked;
    });
    byId("paths-form").addEventListener("submit", (e) => {
      e.preventDefault();
      void this.trace();
    });
    byId("path-swap").addEventListener("click", () => {
      const f = this.from.value();
      this.from.set(this.to.value());
      this.to.set(f);
    });
    byId("path-clear").addEventListener("click", () => this.clear());
  }

  setFrom(a: ActorRef): void {
    this.from.set(a);
  }

  setTo(a: ActorRef): void {
    this.to.set(a);
  }

  clear(): void {
    this.results.replaceChildren();
    this.ctx.show([]);
  }

  async trace(): Promise<void> {
    const from = this.from.value();
    const to = this.to.value();
    if (!from || !to) {
      fill(this.results, h("p", { class: "error" }, "Choose both actors from the search lists first."));
      return;
    }
    const time = this.time.checked;
    const k = Math.max(1, Math.min(10, Number(this.k.value) || 1));
    try {
      const data = await this.ctx.busy("Tracing paths…", gql<{ knowledgePaths: PathResult[] }>(PATHS, {
        from: from.id, to: to.id, k: time ? 1 : k, cost: time ? "HOPS" : this.cost.value, time, scope: this.ctx.scope(),
      }));
      this.render(from, to, data.knowledgePaths, time);
    } catch (e) {
      this.ctx.error(e);
    }
  }

  private render(from: ActorRef, to: ActorRef, paths: PathResult[], time: boolean): void {
    this.ctx.show(paths.map((p) => ({ actors: p.actors.map((a) => a.id), links: p.steps.map((s) => s.link.key) })));
    this.ctx.frame(paths.length ? paths.flatMap((p) => p.actors.map((a) => a.id)) : [from.id, to.id]);
    if (!paths.length) {
      fill(this.results, h("p", { class: "empty" },
        `No path from ${from.name} to ${to.name} within 10 hops in this scope${time ? " that moves forward in time" : ""}.`));
      return;
    }
    const heading = h("p", { class: "result-head" }, `${paths.length} ${paths.length === 1 ? "path" : "paths"} from ${from.name} to ${to.name}`);
    const showAll = h("button", { type: "button", class: "secondary", onclick: () => this.focus(null) }, "Show all paths");
    fill(this.results, heading, paths.length > 1 ? showAll : null,
      h("ol", { class: "paths" }, paths.map((p, i) => this.pathItem(p, i, paths.length > 1))));
  }

  private pathItem(p: PathResult, i: number, many: boolean): HTMLElement {
    const steps: (HTMLElement | string)[] = [];
    p.actors.forEach((a, j) => {
      steps.push(h("button", { type: "button", class: "link", onclick: () => this.ctx.open(a) }, a.name));
      const s = p.steps[j];
      if (s) {
        const style = LINK_TYPES[s.link.type];
        steps.push(h("span", { class: "step" }, swatch(style?.color ?? "#888"), ` ${style?.label ?? s.link.type}${s.day ? ` · ${s.day}` : ""} `));
      }
    });
    return h("li", { class: "path", "data-path": i },
      h("div", { class: "path-head" }, swatch(PATH_COLORS[i % PATH_COLORS.length]),
        ` ${p.hops} ${p.hops === 1 ? "hop" : "hops"}`,
        many ? h("button", { type: "button", class: "secondary small", onclick: () => this.focus(i) }, "Show only this") : null),
      h("p", { class: "path-steps" }, steps));
  }

  private focus(i: number | null): void {
    this.results.querySelectorAll<HTMLElement>("li.path").forEach((li) =>
      li.classList.toggle("focused", i !== null && li.dataset.path === String(i)));
    this.ctx.focus(i);
  }
}
