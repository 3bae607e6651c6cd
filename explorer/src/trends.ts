// Emerging and fading brokers: brokerTrends ranks the actors in the first
// and last window of a range (by year, academic year or quarter) and lists
// those whose rank rose or fell most, each with the links that appeared or
// ended between the two windows — what explains the change — and their
// evidence. Choosing one focuses it on the map.

import { gql } from "./api";
import { evidence, type Evidence } from "./card";
import { byId, fill, h, num, swatch } from "./dom";
import { LINK_TYPES, METRICS } from "./model";
import type { ActorRef } from "./picker";

const TRENDS = `query ExplorerTrends($metric: Metric, $from: Date!, $to: Date!, $step: Step, $scope: Scope, $first: Int) {
  brokerTrends(metric: $metric, from: $from, to: $to, step: $step, scope: $scope, first: $first) {
    windows { from to }
    emerging { ...trend }
    fading { ...trend }
  }
}
fragment trend on BrokerTrend {
  actor { id name } firstRank lastRank rise
  newLinks { ...link }
  lostLinks { ...link }
}
fragment link on Link {
  key type from to source { id name } target { id name } evidence { source quote note }
}`;

interface TrendLink {
  key: string;
  type: string;
  from: string | null;
  to: string | null;
  source: ActorRef;
  target: ActorRef;
  evidence: Evidence | null;
}

export interface Trend {
  actor: ActorRef;
  firstRank: number | null;
  lastRank: number | null;
  rise: number;
  newLinks: TrendLink[];
  lostLinks: TrendLink[];
}

export interface Trends {
  windows: { from: string; to: string }[];
  emerging: Trend[];
  fading: Trend[];
}

export interface TrendsContext {
  /** The scope without its date window (the range below is the window). */
  scope(): unknown;
  metric(): string;
  focus(a: ActorRef): void;
  error(e: unknown): void;
  busy<T>(what: string, work: Promise<T>): Promise<T>;
}

/** Brokers listed each way. */
const FIRST = 5;

export class TrendsPanel {
  private step = byId<HTMLSelectElement>("trends-step");
  private from = byId<HTMLInputElement>("trends-from");
  private to = byId<HTMLInputElement>("trends-to");
  private results = byId("trends-results");

  constructor(private ctx: TrendsContext, dates: [string, string] | null) {
    if (dates) [this.from.value, this.to.value] = dates;
    byId("trends-form").addEventListener("submit", (e) => {
      e.preventDefault();
      void this.show();
    });
  }

  async show(): Promise<void> {
    const metric = this.ctx.metric();
    try {
      const data = await this.ctx.busy("Comparing rankings…", gql<{ brokerTrends: Trends }>(TRENDS, {
        metric, from: this.from.value, to: this.to.value, step: this.step.value, scope: this.ctx.scope(), first: FIRST,
      }));
      this.render(data.brokerTrends, metric);
    } catch (e) {
      fill(this.results, h("p", { class: "error" }, e instanceof Error ? e.message : String(e)));
      this.ctx.error(e);
    }
  }

  private render(t: Trends, metric: string): void {
    const first = t.windows[0];
    const last = t.windows[t.windows.length - 1];
    const by = METRICS[metric]?.label.toLowerCase() ?? metric;
    fill(this.results,
      h("p", { class: "result-head", id: "trends-head" }, first && last
        ? `Ranks by ${by}, ${first.from} – ${first.to} against ${last.from} – ${last.to}`
        : "No window in this range."),
      this.list("Emerging", "trends-emerging", t.emerging),
      this.list("Fading", "trends-fading", t.fading));
  }

  private list(title: string, id: string, trends: Trend[]): HTMLElement[] {
    const heading = h("h3", { id: `${id}-h` }, title);
    if (!trends.length) return [heading, h("p", { class: "empty", id }, `No ${title.toLowerCase()} broker in this range.`)];
    return [heading, h("ol", { class: "trends", id, "aria-labelledby": `${id}-h` }, trends.map((tr) => this.item(tr)))];
  }

  private item(t: Trend): HTMLElement {
    const links = [...t.newLinks.map((l) => this.link(t.actor.id, l, "new")), ...t.lostLinks.map((l) => this.link(t.actor.id, l, "ended"))];
    return h("li", { class: "trend", "data-actor": t.actor.id },
      h("div", {}, h("button", { type: "button", class: "link", onclick: () => this.ctx.focus(t.actor) }, t.actor.name),
        h("span", { class: "meta" }, ` ${rankChange(t)}`)),
      links.length ? h("ul", { class: "plain trend-links", "aria-label": `Links behind ${t.actor.name}'s change` }, links) : null);
  }

  private link(self: string, l: TrendLink, what: "new" | "ended"): HTMLElement {
    const other = l.source.id === self ? l.target : l.source;
    const style = LINK_TYPES[l.type];
    const dates = l.from || l.to ? ` · ${l.from ?? "…"} – ${l.to ?? "…"}` : "";
    return h("li", { class: `link-item ${what}` },
      h("div", {}, h("span", { class: "badge" }, swatch(style?.color ?? "#888"), style?.label ?? l.type),
        ` ${what === "new" ? "new" : "ended"}: with ${other.name}${dates}`),
      evidence(l.evidence));
  }
}

/** "#7 → #2, up 5 places", with "unranked" for a window the actor had no ties in. */
export function rankChange(t: Trend): string {
  const r = (n: number | null) => (n === null ? "unranked" : `#${num(n)}`);
  const places = Math.abs(t.rise) === 1 ? "place" : "places";
  return `${r(t.firstRank)} → ${r(t.lastRank)}, ${t.rise >= 0 ? "up" : "down"} ${num(Math.abs(t.rise))} ${places}`;
}
