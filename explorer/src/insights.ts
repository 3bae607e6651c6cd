// The top brokers list and the network summary for the current scope.

import { gql } from "./api";
import { h, num, percent } from "./dom";
import { METRICS } from "./model";
import type { Score } from "./network";
import type { ActorRef } from "./picker";

const BROKERS = `query ExplorerBrokers($scope: Scope, $metric: Metric, $groupBy: GroupBy, $first: Int) {
  brokers(scope: $scope, metric: $metric, groupBy: $groupBy, first: $first) { rank score actor { id name } }
}`;

const SUMMARY = `query ExplorerSummary($scope: Scope) {
  networkSummary(scope: $scope) {
    actors links ties density components largestComponent largestComponentShare crossSectorLinkShare
  }
}`;

export interface Ranked extends Score {
  name: string;
}

/** Every actor's score, best first, up to the API's limit of 1000. */
export async function fetchScores(scope: unknown, metric: string, groupBy: string, n: number): Promise<Ranked[]> {
  const data = await gql<{ brokers: { rank: number; score: number; actor: ActorRef }[] }>(BROKERS, {
    scope, metric, groupBy, first: Math.max(1, Math.min(n, 1000)),
  });
  return data.brokers.map((b) => ({ id: b.actor.id, name: b.actor.name, rank: b.rank, score: b.score }));
}

export function renderBrokers(list: HTMLOListElement, top: Ranked[], metric: string, open: (a: ActorRef) => void): void {
  const info = METRICS[metric];
  const best = top[0]?.score ?? 0;
  list.replaceChildren(...top.map((b) => {
    // The bar shows the score against the best (inverted for constraint).
    const share = info?.ascending ? (best > 0 ? best / Math.max(b.score, 1e-12) : 1) : best > 0 ? b.score / best : 0;
    const bar = h("span", { class: "bar", "aria-hidden": "true" });
    bar.style.width = `${Math.max(2, Math.min(1, share) * 100)}%`;
    return h("li", { value: b.rank }, h("div", { class: "broker" },
      h("button", { type: "button", class: "link", onclick: () => open(b) }, b.name),
      h("span", { class: "score" }, num(b.score)), bar));
  }));
  if (!top.length) list.append(h("li", { class: "hint" }, "No actor has a score in this scope."));
}

interface Summary {
  actors: number;
  links: number;
  ties: number;
  density: number;
  components: number;
  largestComponent: number;
  largestComponentShare: number;
  crossSectorLinkShare: number;
}

export async function fetchSummary(scope: unknown): Promise<Summary> {
  return (await gql<{ networkSummary: Summary }>(SUMMARY, { scope })).networkSummary;
}

export function renderSummary(dl: HTMLElement, s: Summary): void {
  const item = (label: string, value: string, help?: string) =>
    h("div", { class: "stat", title: help ?? null }, h("dt", {}, label), h("dd", {}, value));
  dl.replaceChildren(
    item("Actors", num(s.actors)),
    item("Links", num(s.links), `${num(s.ties)} distinct ties`),
    item("Density", num(s.density)),
    item("Components", num(s.components)),
    item("Largest component", `${num(s.largestComponent)} (${percent(s.largestComponentShare)})`),
    item("Cross-sector links", percent(s.crossSectorLinkShare), "Share of links whose ends are in different sectors (both known)"),
  );
}
