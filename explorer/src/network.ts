// Loads the whole network through the paginated API and turns it into the
// graphology graph the map draws.

import { MultiGraph } from "graphology";
import { fetchAll } from "./api";
import {
  ActorRow, LinkRow, LINK_TYPES, NONE_COLOR, ORG_TYPES, OTHER_COLOR, PALETTE, ProgrammeRow,
} from "./model";

export interface NodeAttrs {
  label: string;
  key: string;
  kind: "Person" | "Organisation";
  orgType: string | null;
  sector: string | null;
  x: number;
  y: number;
  size: number;
  color: string;
  score: number | null;
  rank: number | null;
}

export interface EdgeAttrs {
  linkType: string;
  /** sigma's edge program: "arrow" for directed links. */
  type: "arrow" | "line";
  weight: number;
  from: string | null;
  to: string | null;
  programme: string | null;
  color: string;
  size: number;
}

export type Network = MultiGraph<NodeAttrs, EdgeAttrs>;

export interface Loaded {
  graph: Network;
  programmes: ProgrammeRow[];
}

const PAGE = 1000; // the API's largest page

const ACTORS = `query ExplorerActors($after: String) {
  actors(first: ${PAGE}, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id key name __typename ... on Organisation { type sector } }
  }
}`;

const LINKS = `query ExplorerLinks($after: String) {
  links(first: ${PAGE}, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { key type directed weight from to source { id } target { id } programme { id } }
  }
}`;

const PROGRAMMES = `query ExplorerProgrammes($after: String) {
  programmes(first: ${PAGE}, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id name start end }
  }
}`;

export type Progress = (what: "actors" | "links", loaded: number, total: number) => void;

/**
 * Loads actors, links and programmes, the three page chains side by side.
 * The graph is handed to onActors as soon as every actor is in, so the map
 * can draw them; links are added to it as their pages arrive.
 */
export async function loadNetwork(progress: Progress, onActors: (g: Network) => void): Promise<Loaded> {
  const graph: Network = new MultiGraph<NodeAttrs, EdgeAttrs>();
  const early: LinkRow[] = []; // links that came before the last actor
  let actorsIn = false;
  const [, , programmes] = await Promise.all([
    fetchAll<ActorRow>(ACTORS, "actors", (_, n, t) => progress("actors", n, t)).then((actors) => {
      addActors(graph, actors);
      addLinks(graph, early.splice(0));
      actorsIn = true;
      onActors(graph);
    }),
    fetchAll<LinkRow>(LINKS, "links", (page, n, t) => {
      if (actorsIn) addLinks(graph, page);
      else early.push(...page);
      progress("links", n, t);
    }),
    fetchAll<ProgrammeRow>(PROGRAMMES, "programmes"),
  ]);
  programmes.sort((a, b) => a.name.localeCompare(b.name));
  return { graph, programmes };
}

export function addActors(g: Network, actors: ActorRow[]): void {
  const spread = Math.sqrt(actors.length) * 10;
  for (const a of actors) {
    const [x, y] = seededPoint(a.key);
    g.mergeNode(a.id, {
      label: a.name, key: a.key, kind: a.__typename, orgType: a.type ?? null, sector: a.sector || null,
      x: x * spread, y: y * spread, size: 3, color: NONE_COLOR, score: null, rank: null,
    });
  }
}

/**
 * Gives people the sector of their organisation: the first, in link key
 * order, they are affiliated with or a member of, as the API's
 * Person.organisations and groupBy do. Reading it from the links spares
 * the server a lookup per person while the actors load.
 */
export function inheritSectors(g: Network): void {
  const sectors = new Map<string, string | null>();
  g.forEachEdge((_, a, source, target, sa, ta) => {
    if (a.linkType !== "AFFILIATION" && a.linkType !== "MEMBERSHIP") return;
    for (const [p, pa, oa] of [[source, sa, ta], [target, ta, sa]] as const) {
      if (pa.kind === "Person" && oa.kind === "Organisation" && !sectors.has(p)) sectors.set(p, oa.sector);
    }
  });
  // One update for all, so the map redraws once.
  g.updateEachNodeAttributes((id, a) => (sectors.has(id) ? { ...a, sector: sectors.get(id) ?? null } : a));
}

export function addLinks(g: Network, links: LinkRow[]): void {
  for (const l of links) {
    if (g.hasEdge(l.key) || !g.hasNode(l.source.id) || !g.hasNode(l.target.id)) continue; // changed while we paged
    const style = LINK_TYPES[l.type] ?? { color: OTHER_COLOR, size: 1 };
    g.addEdgeWithKey(l.key, l.source.id, l.target.id, {
      linkType: l.type, type: l.directed ? "arrow" : "line", weight: l.weight > 0 ? l.weight : 1,
      from: l.from || null, to: l.to || null, programme: l.programme?.id ?? null,
      color: style.color, size: style.size,
    });
  }
}

/** A stable pseudo-random point in [-1, 1]² for a key, so layouts start the same way every time. */
function seededPoint(key: string): [number, number] {
  let h = 2166136261; // FNV-1a
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  const r = (n: number) => ((Math.imul(h ^ (h >>> 15), n | 1) >>> 0) / 4294967296) * 2 - 1;
  return [r(0x2c1b3c6d), r(0x297a2d39)];
}

export interface LegendEntry {
  label: string;
  color: string;
  count: number;
}

/** Colours nodes by sector or organisation type; returns the legend. */
export function colourNodes(g: Network, by: "sector" | "type"): LegendEntry[] {
  const category = (a: NodeAttrs): string | null =>
    by === "sector" ? a.sector : a.kind === "Person" ? "Person" : ORG_TYPES[a.orgType ?? ""] ?? a.orgType;
  const counts = new Map<string, number>();
  g.forEachNode((_, a) => {
    const c = category(a);
    if (c && c !== "Person") counts.set(c, (counts.get(c) ?? 0) + 1);
  });
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const colours = new Map(ranked.slice(0, PALETTE.length).map(([c], i) => [c, PALETTE[i]]));
  const legend: LegendEntry[] = ranked.slice(0, PALETTE.length).map(([label, count]) => ({ label, color: colours.get(label)!, count }));
  let other = 0;
  let none = 0;
  g.updateEachNodeAttributes((_, a) => {
    const c = category(a);
    const color = c && c !== "Person" ? colours.get(c) ?? OTHER_COLOR : NONE_COLOR;
    if (color === OTHER_COLOR) other++;
    if (color === NONE_COLOR) none++;
    return { ...a, color };
  });
  if (other) legend.push({ label: "Other", color: OTHER_COLOR, count: other });
  if (none) legend.push({ label: by === "sector" ? "No sector recorded" : "Person", color: NONE_COLOR, count: none });
  return legend;
}

export interface Score {
  id: string;
  score: number;
  rank: number;
}

/**
 * Sizes nodes by their score (square root, so area follows the score);
 * actors without a score get the smallest size. For ascending metrics
 * (constraint) the lowest score is the largest node.
 */
export function sizeNodes(g: Network, scores: Score[], ascending: boolean): void {
  const n = g.order;
  const [min, max] = n < 200 ? [4, 20] : n < 2000 ? [2.5, 14] : [1.5, 11];
  const byId = new Map(scores.map((s) => [s.id, s]));
  const values = scores.map((s) => s.score);
  const lo = Math.min(...values, Infinity);
  const hi = Math.max(...values, -Infinity);
  g.updateEachNodeAttributes((id, a) => {
    const s = byId.get(id);
    if (!s) return { ...a, size: min, score: null, rank: null };
    // Equal scores all round: large if they are something, small if all zero.
    let t = hi > lo ? (s.score - lo) / (hi - lo) : hi !== 0 ? 1 : 0;
    if (ascending && hi > lo) t = 1 - t;
    return { ...a, size: min + (max - min) * Math.sqrt(t), score: s.score, rank: s.rank };
  });
}

/** The first and last days any link is dated with, or null if none is. */
export function dateRange(g: Network): [string, string] | null {
  let lo = "";
  let hi = "";
  g.forEachEdge((_, a) => {
    for (const d of [a.from, a.to]) {
      if (!d) continue;
      if (!lo || d < lo) lo = d;
      if (!hi || d > hi) hi = d;
    }
  });
  return lo ? [lo, hi] : null;
}

export function linkTypeCounts(g: Network): Map<string, number> {
  const counts = new Map<string, number>();
  g.forEachEdge((_, a) => counts.set(a.linkType, (counts.get(a.linkType) ?? 0) + 1));
  return counts;
}
