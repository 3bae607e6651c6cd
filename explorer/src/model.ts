// The vocabulary of the API (link types, organisation types, metrics) with
// the words and colours the page shows for them.

export type Kind = "Person" | "Organisation";

export interface ActorRow {
  id: string;
  key: string;
  name: string;
  __typename: Kind;
  type?: string;
  sector?: string | null;
}

export interface LinkRow {
  key: string;
  type: string;
  directed: boolean;
  weight: number;
  from: string | null;
  to: string | null;
  source: { id: string };
  target: { id: string };
  programme: { id: string } | null;
}

export interface ProgrammeRow {
  id: string;
  name: string;
  start: string | null;
  end: string | null;
}

/** Link types: colours distinguishable on white and from the node palette's greys. */
export const LINK_TYPES: Record<string, { label: string; color: string; size: number }> = {
  KNOWLEDGE_EXCHANGE: { label: "Knowledge exchange", color: "#d55e00", size: 2.2 },
  COLLABORATION: { label: "Collaboration", color: "#2a9d5c", size: 1.6 },
  PARTNERSHIP: { label: "Partnership", color: "#2b7bba", size: 1.8 },
  FUNDING: { label: "Funding", color: "#b8860b", size: 1.6 },
  GOVERNANCE: { label: "Governance", color: "#8c564b", size: 1.6 },
  PARTICIPATION: { label: "Participation", color: "#b07aa1", size: 1.2 },
  MEMBERSHIP: { label: "Membership", color: "#8e8ec9", size: 1.2 },
  AFFILIATION: { label: "Affiliation", color: "#97a3b0", size: 1 },
};

export const ORG_TYPES: Record<string, string> = {
  UNIVERSITY: "University",
  RESEARCH_CENTRE: "Research centre",
  SCHOOL: "School",
  COLLEGE: "College",
  LOCAL_AUTHORITY: "Local authority",
  ACADEMY_TRUST: "Academy trust",
  CHARITY: "Charity",
  BUSINESS: "Business",
  GOVERNMENT_AGENCY: "Government agency",
  HEALTH: "Health",
  POLICE: "Police",
  FAITH_BODY: "Faith body",
  NETWORK: "Network",
  OTHER: "Other organisation",
};

export interface MetricInfo {
  label: string;
  /** Lower scores mean more brokerage (Burt's constraint). */
  ascending?: boolean;
  help: string;
}

export const METRICS: Record<string, MetricInfo> = {
  BETWEENNESS: { label: "Betweenness", help: "Share of shortest paths between others that pass through the actor." },
  BROKERAGE: { label: "Brokerage (Gould–Fernandez)", help: "Two-paths the actor brokers between groups (all roles)." },
  CONSTRAINT: { label: "Constraint (Burt)", ascending: true, help: "Lower means more structural holes around the actor." },
  EFFECTIVE_SIZE: { label: "Effective size (Burt)", help: "Non-redundant contacts." },
  EFFICIENCY: { label: "Efficiency (Burt)", help: "Effective size over degree." },
  DEGREE: { label: "Degree", help: "Share of the other actors tied to the actor." },
  CLOSENESS: { label: "Closeness (harmonic)", help: "Sum of 1/distance to every other actor." },
  EIGENVECTOR: { label: "Eigenvector", help: "Ties to well-tied actors." },
  DECLARED_BROKERAGE: { label: "Declared brokerage", help: "Links the actor is recorded as having brokered." },
};

export const GROUP_BY: Record<string, string> = {
  SECTOR: "Sector",
  ORGANISATION_TYPE: "Organisation type",
  REGION: "Region",
  ORGANISATION: "Organisation",
};

export const ROLES: [key: "coordinator" | "itinerant" | "representative" | "gatekeeper" | "liaison", label: string, help: string][] = [
  ["coordinator", "Coordinator", "Brokers inside its own group"],
  ["itinerant", "Itinerant", "Brokers between two members of another group"],
  ["representative", "Representative", "Passes its group's ties out to another group"],
  ["gatekeeper", "Gatekeeper", "Lets another group's ties into its own group"],
  ["liaison", "Liaison", "Brokers between two groups neither of which is its own"],
];

/** Category colours (Okabe–Ito first, then darker tones), all at least 3:1 on white. */
export const PALETTE = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9", "#8a6fbf", "#b8a000", "#6b8e23", "#c44e52"];
export const OTHER_COLOR = "#a0a8b0";
export const NONE_COLOR = "#6f7d8c";

// Highlight colours used on the map.
export const PATH_COLORS = ["#d7191c", "#7b3294", "#1a9641", "#2c7bb6", "#fdae61"];
export const DIM_NODE = "#dcdfe3";
export const DIM_EDGE = "#eef0f2";
export const REMOVED_COLOR = "#1b1b1b";
export const ISOLATED_COLOR = "#e66101";

/** The scope of a query: omitted fields mean everything. */
export interface Scope {
  linkTypes?: string[];
  programmeId?: string;
  from?: string;
  to?: string;
}

export function scopeInput(s: Scope): Scope | null {
  const out: Scope = {};
  if (s.linkTypes) out.linkTypes = s.linkTypes;
  if (s.programmeId) out.programmeId = s.programmeId;
  if (s.from) out.from = s.from;
  if (s.to) out.to = s.to;
  return Object.keys(out).length ? out : null;
}

/** Does a link fall in the scope? Open-ended dates are active throughout. */
export function linkInScope(l: { type: string; from: string | null; to: string | null; programme: string | null }, s: Scope): boolean {
  if (s.linkTypes && !s.linkTypes.includes(l.type)) return false;
  if (s.programmeId && l.programme !== s.programmeId) return false;
  if (s.from && l.to && l.to < s.from) return false;
  if (s.to && l.from && l.from > s.to) return false;
  return true;
}
