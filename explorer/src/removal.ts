// Removal impact: choose actors, then see what the network loses without them.

import { gql } from "./api";
import { byId, fill, h, num, percent } from "./dom";
import type { ActorRef } from "./picker";

interface NetworkState {
  actors: number;
  components: number;
  largestComponent: number;
  largestComponentShare: number;
  unreachablePairs: number;
}

interface Impact {
  removed: ActorRef[];
  before: NetworkState;
  after: NetworkState;
  disconnectedPairs: number;
  connectedPairs: number;
  averageDistanceBefore: number;
  averageDistanceAfter: number;
  isolated: ActorRef[];
}

const REMOVAL = `query ExplorerRemoval($ids: [ID!]!, $scope: Scope) {
  removalImpact(actors: $ids, scope: $scope) {
    removed { id name }
    before { actors components largestComponent largestComponentShare unreachablePairs }
    after { actors components largestComponent largestComponentShare unreachablePairs }
    disconnectedPairs connectedPairs averageDistanceBefore averageDistanceAfter
    isolated { id name }
  }
}`;

export interface RemovalContext {
  scope(): unknown;
  marked(ids: string[]): void;
  show(removed: string[], isolated: string[]): void;
  open(a: ActorRef): void;
  error(e: unknown): void;
  busy<T>(what: string, work: Promise<T>): Promise<T>;
}

export class RemovalPanel {
  private chosen = new Map<string, ActorRef>();
  private list = byId("removal-list");
  private results = byId("removal-results");

  constructor(private ctx: RemovalContext) {
    byId("removal-run").addEventListener("click", () => void this.run());
    byId("removal-clear").addEventListener("click", () => this.clear());
    this.renderList();
  }

  has(id: string): boolean {
    return this.chosen.has(id);
  }

  toggle(a: ActorRef): void {
    if (this.chosen.has(a.id)) this.chosen.delete(a.id);
    else this.chosen.set(a.id, a);
    this.changed();
  }

  clear(): void {
    this.chosen.clear();
    this.changed();
  }

  private changed(): void {
    this.results.replaceChildren();
    this.ctx.show([], []);
    this.ctx.marked([...this.chosen.keys()]);
    this.renderList();
  }

  private renderList(): void {
    if (!this.chosen.size) {
      fill(this.list, h("li", { class: "hint" }, "No actor chosen yet."));
      return;
    }
    fill(this.list, [...this.chosen.values()].map((a) => h("li", { class: "chip" },
      h("button", { type: "button", class: "link", onclick: () => this.ctx.open(a) }, a.name),
      h("button", { type: "button", class: "remove", "aria-label": `Take ${a.name} off the list`, onclick: () => this.toggle(a) }, "×"))));
  }

  async run(): Promise<void> {
    if (!this.chosen.size) {
      fill(this.results, h("p", { class: "error" }, "Choose at least one actor first."));
      return;
    }
    try {
      const data = await this.ctx.busy("Computing removal impact…",
        gql<{ removalImpact: Impact }>(REMOVAL, { ids: [...this.chosen.keys()], scope: this.ctx.scope() }));
      this.render(data.removalImpact);
    } catch (e) {
      this.ctx.error(e);
    }
  }

  private render(r: Impact): void {
    this.ctx.show(r.removed.map((a) => a.id), r.isolated.map((a) => a.id));
    const row = (label: string, before: string, after: string) =>
      h("tr", {}, h("th", { scope: "row" }, label), h("td", {}, before), h("td", {}, after));
    const names = r.removed.map((a) => a.name).join(", ");
    fill(this.results,
      h("p", { class: "result-head" }, `Without ${names}:`),
      h("p", {}, r.disconnectedPairs > 0
        ? `${num(r.disconnectedPairs)} pairs of actors who could reach each other no longer can; ${num(r.connectedPairs)} pairs still connect.`
        : `Every pair that was connected still is (${num(r.connectedPairs)} pairs).`),
      h("table", { class: "compare" },
        h("thead", {}, h("tr", {}, h("th", {}, ""), h("th", { scope: "col" }, "Before"), h("th", { scope: "col" }, "After"))),
        h("tbody", {},
          row("Actors", num(r.before.actors), num(r.after.actors)),
          row("Components", num(r.before.components), num(r.after.components)),
          row("Largest component", `${num(r.before.largestComponent)} (${percent(r.before.largestComponentShare)})`,
            `${num(r.after.largestComponent)} (${percent(r.after.largestComponentShare)})`),
          row("Unreachable pairs", num(r.before.unreachablePairs), num(r.after.unreachablePairs)),
          row("Mean hops (still-connected pairs)", num(r.averageDistanceBefore), num(r.averageDistanceAfter)))),
      r.isolated.length ? h("div", {}, h("h3", {}, `Left with no ties (${r.isolated.length})`),
        h("ul", { class: "plain" }, r.isolated.map((a) => h("li", {}, h("button", { type: "button", class: "link", onclick: () => this.ctx.open(a) }, a.name))))) : null,
    );
  }
}
