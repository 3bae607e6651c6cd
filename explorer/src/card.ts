// The actor card: who the actor is, the evidence for it, its scores and
// brokerage roles in the current scope, its programmes and its links, each
// with the quote that supports it.

import { gql } from "./api";
import { h, num, swatch } from "./dom";
import { GROUP_BY, LINK_TYPES, ORG_TYPES, ROLES } from "./model";
import type { ActorRef } from "./picker";

export interface Evidence {
  source: string | null;
  quote: string | null;
  note: string | null;
}

interface CardLink {
  id: string;
  key: string;
  type: string;
  directed: boolean;
  from: string | null;
  to: string | null;
  source: ActorRef;
  target: ActorRef;
  programme: { id: string; name: string } | null;
  brokeredBy: ActorRef | null;
  evidence: Evidence | null;
}

export interface CardActor {
  id: string;
  key: string;
  name: string;
  __typename: "Person" | "Organisation";
  description: string | null;
  evidence: Evidence | null;
  type?: string;
  sector?: string | null;
  region?: string | null;
  parent?: ActorRef | null;
  title?: string | null;
  roles?: string[];
  organisations?: ActorRef[];
  links: { totalCount: number; nodes: CardLink[] };
  participations: { role: string; programme: { id: string; name: string; start: string | null; end: string | null } }[];
}

type Roles = Record<(typeof ROLES)[number][0] | "total", number>;

export interface Profile {
  betweenness: number;
  degree: number;
  closeness: number;
  constraint: number | null;
  effectiveSize: number | null;
  declaredBrokerage: number;
  isCutpoint: boolean;
  bridgedPairCount: number;
  irreplaceablePairs: number;
  sectors: string[];
  brokerage: Roles & { group: string | null; z: Record<keyof Roles, number | null> };
  substitutes: { pairs: number; actor: ActorRef }[];
}

const LINKS_SHOWN = 100;

const ACTOR = `query ExplorerActor($id: ID!) {
  node(id: $id) {
    ... on Actor {
      id key name description evidence { source quote note }
      links(first: ${LINKS_SHOWN}) { totalCount nodes {
        id key type directed from to source { id name } target { id name }
        programme { id name } brokeredBy { id name } evidence { source quote note } } }
      participations { role programme { id name start end } }
    }
    ... on Organisation { type sector region parent { id name } }
    ... on Person { title roles organisations { id name } }
  }
}`;

const PROFILE = `query ExplorerProfile($id: ID!, $scope: Scope, $groupBy: GroupBy) {
  brokerProfile(actor: $id, scope: $scope) {
    betweenness degree closeness constraint effectiveSize declaredBrokerage isCutpoint
    bridgedPairCount irreplaceablePairs sectors
    brokerage(groupBy: $groupBy) { group coordinator itinerant representative gatekeeper liaison total
      z { coordinator itinerant representative gatekeeper liaison total } }
    substitutes(first: 5) { pairs actor { id name } }
  }
}`;

export function fetchActor(id: string): Promise<CardActor | null> {
  return gql<{ node: CardActor | null }>(ACTOR, { id }).then((d) => d.node);
}

export function fetchProfile(id: string, scope: unknown, groupBy: string): Promise<Profile> {
  return gql<{ brokerProfile: Profile }>(PROFILE, { id, scope, groupBy }).then((d) => d.brokerProfile);
}

export interface CardActions {
  open(a: ActorRef): void;
  centre(id: string): void;
  traceFrom(a: ActorRef): void;
  traceTo(a: ActorRef): void;
  toggleRemoval(a: ActorRef): void;
  inRemoval(id: string): boolean;
  /** Edit controls for editors (edit.ts); null for viewers. */
  editActor?(a: CardActor): HTMLElement | null;
  editLink?(l: { id: string; key: string }, label: string): HTMLElement | null;
  /** The actor's change history (history.ts). */
  history?(a: CardActor): HTMLElement | null;
}

export function renderCard(a: CardActor, profile: Profile | Error | null, groupBy: string, act: CardActions): HTMLElement {
  const ref = { id: a.id, name: a.name };
  const actorButton = (r: ActorRef) => h("button", { type: "button", class: "link", onclick: () => act.open(r) }, r.name);
  const removal = h("button", { type: "button", class: "secondary", "aria-pressed": String(act.inRemoval(a.id)) });
  const setRemovalLabel = () => {
    removal.textContent = act.inRemoval(a.id) ? "Remove from removal" : "Add to removal";
    removal.setAttribute("aria-pressed", String(act.inRemoval(a.id)));
  };
  removal.addEventListener("click", () => {
    act.toggleRemoval(ref);
    setRemovalLabel();
  });
  setRemovalLabel();

  return h("article", { class: "card", "aria-labelledby": "card-name", "data-actor": a.key },
    h("h2", { id: "card-name", tabindex: "-1" }, a.name),
    h("p", { class: "meta" }, identity(a)),
    a.__typename === "Organisation" && a.parent ? h("p", { class: "meta" }, "Part of ", actorButton(a.parent)) : null,
    a.organisations?.length ? h("p", { class: "meta" }, "With ", ...a.organisations.flatMap((o, i) => [i ? ", " : "", actorButton(o)])) : null,
    a.description ? h("p", {}, a.description) : null,
    evidence(a.evidence),
    h("div", { class: "row actions" },
      h("button", { type: "button", onclick: () => act.centre(a.id) }, "Show on map"),
      h("button", { type: "button", class: "secondary", onclick: () => act.traceFrom(ref) }, "Paths from here"),
      h("button", { type: "button", class: "secondary", onclick: () => act.traceTo(ref) }, "Paths to here"),
      removal),
    act.editActor?.(a),
    scores(profile, groupBy, actorButton),
    a.participations.length ? h("section", {},
      h("h3", {}, "Programmes"),
      h("ul", { class: "plain" }, a.participations.map((p) => h("li", {}, p.programme.name, " ",
        h("span", { class: "meta" }, `· ${p.role.toLowerCase()}${years(p.programme.start, p.programme.end)}`))))) : null,
    h("section", { class: "links" },
      h("h3", {}, `Links (${num(a.links.totalCount)})`),
      a.links.totalCount > a.links.nodes.length ? h("p", { class: "hint" }, `The first ${a.links.nodes.length}, by key.`) : null,
      h("ul", { class: "plain" }, a.links.nodes.map((l) => linkItem(a.id, l, actorButton, act)))),
    act.history?.(a),
  );
}

function identity(a: CardActor): string {
  if (a.__typename === "Person") return ["Person", a.title, ...(a.roles ?? [])].filter(Boolean).join(" · ");
  return [ORG_TYPES[a.type ?? ""] ?? a.type, a.sector, a.region].filter(Boolean).join(" · ");
}

export function evidence(e: Evidence | null): HTMLElement | null {
  if (!e || (!e.quote && !e.source && !e.note)) return null;
  return h("figure", { class: "evidence" },
    e.quote ? h("blockquote", {}, `“${e.quote}”`) : null,
    e.source || e.note ? h("figcaption", {}, e.source ? h("cite", {}, e.source) : null, e.note ? h("span", { class: "note" }, ` ${e.note}`) : null) : null);
}

function scores(p: Profile | Error | null, groupBy: string, actorButton: (r: ActorRef) => HTMLElement): HTMLElement {
  const section = h("section", { class: "scores" }, h("h3", {}, "Scores in this scope"));
  if (p === null) return section.appendChild(h("p", { class: "hint" }, "Computing…")).parentElement!;
  if (p instanceof Error) return section.appendChild(h("p", { class: "error" }, p.message)).parentElement!;
  const row = (label: string, value: string, help?: string) => h("tr", {}, h("th", { scope: "row", title: help ?? null }, label), h("td", {}, value));
  section.append(
    h("table", { class: "kv" }, h("tbody", {},
      row("Betweenness", num(p.betweenness), "Normalised as networkx"),
      row("Degree", num(p.degree)),
      row("Closeness (harmonic)", num(p.closeness)),
      row("Constraint (Burt)", num(p.constraint), "Lower means more brokerage opportunity"),
      row("Effective size", num(p.effectiveSize)),
      row("Declared brokerage", num(p.declaredBrokerage), "Links recorded as brokered by this actor"),
      row("Cut-point", p.isCutpoint ? "Yes: the network splits without it" : "No"),
      row("Pairs it bridges", `${num(p.bridgedPairCount)} (${num(p.irreplaceablePairs)} no one else joins)`),
      p.sectors.length ? row("Sectors it reaches", p.sectors.join(", ")) : null)),
    h("h3", {}, `Brokerage roles by ${GROUP_BY[groupBy]?.toLowerCase() ?? groupBy}`),
    h("p", { class: "hint" }, `Group: ${p.brokerage.group ?? "none recorded"}. A z-score above 2 marks a real broker rather than a busy actor.`),
    h("table", { class: "roles" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Role"), h("th", { scope: "col" }, "Count"), h("th", { scope: "col" }, "z"))),
      h("tbody", {},
        ROLES.map(([key, label, help]) => h("tr", { class: (p.brokerage.z[key] ?? 0) > 2 ? "strong" : null },
          h("th", { scope: "row", title: help }, label), h("td", {}, num(p.brokerage[key])), h("td", {}, num(p.brokerage.z[key])))),
        h("tr", { class: "total" }, h("th", { scope: "row" }, "Total"), h("td", {}, num(p.brokerage.total)), h("td", {}, num(p.brokerage.z.total))))),
  );
  if (p.substitutes.length) {
    section.append(h("h3", {}, "Who else bridges the same pairs"),
      h("ul", { class: "plain" }, p.substitutes.map((s) => h("li", {}, actorButton(s.actor), h("span", { class: "meta" }, ` · ${num(s.pairs)} ${s.pairs === 1 ? "pair" : "pairs"}`)))));
  }
  return section;
}

function linkItem(self: string, l: CardLink, actorButton: (r: ActorRef) => HTMLElement, act: CardActions): HTMLElement {
  const outgoing = l.source.id === self;
  const other = outgoing ? l.target : l.source;
  const style = LINK_TYPES[l.type];
  const arrow = !l.directed ? "—" : outgoing ? "→" : "←";
  const meta = [years(l.from, l.to).replace(/^ · /, ""), l.programme?.name].filter(Boolean).join(" · ");
  return h("li", { class: "link-item" },
    h("div", {},
      h("span", { class: "badge" }, swatch(style?.color ?? "#888"), style?.label ?? l.type),
      ` ${arrow} `, actorButton(other)),
    meta ? h("div", { class: "meta" }, meta) : null,
    l.brokeredBy ? h("div", { class: "meta" }, "Brokered by ", actorButton(l.brokeredBy)) : null,
    evidence(l.evidence),
    act.editLink?.(l, `${style?.label ?? l.type} ${arrow} ${other.name}`));
}

/** " · 2019–2021", " · from 2020", or "" for an undated interval. */
export function years(from: string | null, to: string | null): string {
  const y = (d: string | null) => (d ? d.slice(0, 7) : "");
  if (!from && !to) return "";
  if (from && to) return from === to ? ` · ${from}` : ` · ${y(from)} – ${y(to)}`;
  return from ? ` · from ${y(from)}` : ` · until ${y(to)}`;
}
