// Colour by community: the scope's partition from the `communities` query
// (Leiden, resolution 1, seed 0: the same scope and network give the same
// communities), coloured in its order, largest first, so the same input
// gives the same colours; a legend whose entries highlight their members.

import { gql } from "./api";
import { fill, h, num, swatch } from "./dom";
import { OTHER_COLOR, PALETTE } from "./model";
import type { LegendEntry, Network } from "./network";

/** Actors fetched per community: the API's largest page. */
const MEMBERS = 1000;

const COMMUNITIES = `query ExplorerCommunities($scope: Scope, $first: Int, $members: Int) {
  communities(scope: $scope) {
    count modularity
    communities(first: $first) { id size actors(first: $members) { id name } }
  }
}`;

export interface Community {
  id: number;
  size: number;
  actors: { id: string; name: string }[];
}

export interface Partition {
  count: number;
  modularity: number;
  /** The largest communities, largest first: one per palette colour. */
  communities: Community[];
}

export async function fetchCommunities(scope: unknown): Promise<Partition> {
  const data = await gql<{ communities: Partition }>(COMMUNITIES, { scope, first: PALETTE.length, members: MEMBERS });
  return data.communities;
}

/** A legend entry of a community: what highlighting it shows. */
export interface CommunityEntry extends LegendEntry {
  community: number;
  members: string[];
  top: string[];
}

/**
 * Colours each actor by its community: the i-th largest in PALETTE[i], the
 * rest in OTHER_COLOR — members of smaller communities, members past the
 * page fetched, and actors outside the scope (the map hides those).
 * Returns the legend.
 */
export function colourByCommunity(g: Network, p: Partition): CommunityEntry[] {
  const colour = new Map<string, string>();
  const legend: CommunityEntry[] = p.communities.map((c, i) => {
    for (const a of c.actors) colour.set(a.id, PALETTE[i]);
    return {
      label: `Community ${i + 1}`, color: PALETTE[i], count: c.size, community: c.id,
      members: c.actors.map((a) => a.id), top: c.actors.slice(0, 3).map((a) => a.name),
    };
  });
  g.updateEachNodeAttributes((id, a) => ({ ...a, color: colour.get(id) ?? OTHER_COLOR }), { attributes: ["color"] });
  return legend;
}

/**
 * The legend: one button per community (its size and first members) that
 * toggles the highlight of its members, then a line for the rest.
 */
export function renderCommunityLegend(
  el: HTMLElement,
  p: Partition,
  legend: CommunityEntry[],
  highlighted: number | null,
  toggle: (e: CommunityEntry) => void,
): void {
  const rest = p.count - legend.length;
  fill(el,
    ...legend.map((e) => h("li", {},
      h("button", {
        type: "button", class: "legend-entry", "aria-pressed": String(e.community === highlighted),
        "data-community": e.community, onclick: () => toggle(e),
      }, swatch(e.color), ` ${e.label} `, h("span", { class: "count" }, num(e.count)),
      h("span", { class: "members" }, e.top.join(", ") + (e.count > e.top.length ? ", …" : ""))))),
    rest > 0 ? h("li", {}, swatch(OTHER_COLOR), ` ${num(rest)} smaller ${rest === 1 ? "community" : "communities"}`) : null,
    legend.some((e) => e.members.length < e.count) ? h("li", { class: "hint" }, `Only the first ${num(MEMBERS)} members of a community are coloured.`) : null,
    h("li", { class: "hint" }, `${num(p.count)} communities, modularity ${num(p.modularity)}. Press one to highlight its members.`),
  );
}
