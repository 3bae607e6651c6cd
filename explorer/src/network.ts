// Loads the whole network in one networkGraph request (columns, laid out
// by the server) and turns it into the graphology graph the map draws.

import { MultiGraph } from "graphology";
import { fetchAll, gql } from "./api";
import { type ActorRow, type LinkRow, LINK_TYPES, NONE_COLOR, ORG_TYPES, OTHER_COLOR, PALETTE, ProgrammeRow } from "./model";

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
  /** The server laid the network out in full: the map need not move (else the browser refines it). */
  positioned: boolean;
}

/** networkGraph's columns: entry i of each actor column is actor i; links name actors by index. */
export interface NetworkColumns {
  ids: string[];
  keys: string[];
  names: string[];
  kinds: ("PERSON" | "ORGANISATION")[];
  organisationTypes: (string | null)[];
  sectors: (string | null)[];
  x: number[];
  y: number[];
  layoutComplete: boolean;
  linkKeys: string[];
  sources: number[];
  targets: number[];
  linkTypes: string[];
  directed: boolean[];
  weights: number[];
  from: (string | null)[];
  to: (string | null)[];
  programmes: (string | null)[];
}

const NETWORK = `query ExplorerNetwork {
  networkGraph {
    ids keys names kinds organisationTypes sectors x y layoutComplete
    linkKeys sources targets linkTypes directed weights from to programmes
  }
}`;

const PROGRAMMES = `query ExplorerProgrammes($after: String) {
  programmes(first: 1000, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id name start end }
  }
}`;

export type Progress = (what: "actors" | "links", loaded: number, total: number) => void;

/**
 * Loads every actor and link, already laid out, in one request (and the
 * programmes beside it), and hands the graph to onActors once it is whole
 * so the map draws it at once.
 */
export async function loadNetwork(progress: Progress, onActors: (g: Network) => void): Promise<Loaded> {
  const [data, programmes] = await Promise.all([
    gql<{ networkGraph: NetworkColumns }>(NETWORK),
    fetchAll<ProgrammeRow>(PROGRAMMES, "programmes"),
  ]);
  performance.mark("explorer:network-fetched");
  const cols = data.networkGraph;
  const graph = toGraph(cols);
  performance.mark("explorer:graph-built");
  progress("actors", graph.order, cols.ids.length);
  progress("links", graph.size, cols.linkKeys.length);
  onActors(graph);
  programmes.sort((a, b) => a.name.localeCompare(b.name));
  return { graph, programmes, positioned: cols.layoutComplete };
}

/** The graph of networkGraph's columns. */
export function toGraph(c: NetworkColumns): Network {
  const g: Network = new MultiGraph<NodeAttrs, EdgeAttrs>();
  for (let i = 0; i < c.ids.length; i++) {
    g.addNode(c.ids[i], {
      label: c.names[i], key: c.keys[i], kind: c.kinds[i] === "PERSON" ? "Person" : "Organisation",
      orgType: c.organisationTypes[i], sector: c.sectors[i], x: c.x[i], y: c.y[i],
      size: 3, color: NONE_COLOR, score: null, rank: null,
    });
  }
  for (let j = 0; j < c.linkKeys.length; j++) {
    const type = c.linkTypes[j];
    const style = LINK_TYPES[type] ?? { color: OTHER_COLOR, size: 1 };
    g.addEdgeWithKey(c.linkKeys[j], c.ids[c.sources[j]], c.ids[c.targets[j]], {
      linkType: type, type: c.directed[j] ? "arrow" : "line", weight: c.weights[j] > 0 ? c.weights[j] : 1,
      from: c.from[j], to: c.to[j], programme: c.programmes[j], color: style.color, size: style.size,
    });
  }
  return g;
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

/** Adds actors an editor created or changed to the map, near the middle until a layout places them. */
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

/** Adds links an editor recorded to the map, skipping any whose ends are not on it. */
export function addLinks(g: Network, links: LinkRow[]): void {
  for (const l of links) {
    if (g.hasEdge(l.key) || !g.hasNode(l.source.id) || !g.hasNode(l.target.id)) continue;
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
  }, { attributes: ["size", "score", "rank"] }); // positions unchanged: sigma need not re-index them
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
