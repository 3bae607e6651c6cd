// Possible duplicates, for editors: spreadsheets from different partners
// name one organisation several ways ("Liverpool Hope", "LHU"). The list
// shows the pairs the service suggests (duplicateCandidates) with its
// reasons; the merge view puts both actors side by side, says what moves
// to the one kept, and merges only when confirmed (mergeActors, with the
// revisions shown, so a change made meanwhile answers CONFLICT).

import { ApiError, gql } from "./api";
import { h, fill, percent } from "./dom";

interface Candidate {
  a: Side;
  b: Side;
  score: number;
  reasons: { kind: string; detail: string }[];
}

interface Side {
  id: string;
  key: string;
  name: string;
  __typename: string;
}

interface Full extends Side {
  aliases: string[];
  revision: string | null;
  description: string | null;
  type?: string | null;
  sector?: string | null;
  region?: string | null;
  title?: string | null;
  links: { totalCount: number };
  participations: { programme: { name: string } }[];
}

export interface DuplicateHooks {
  /** The merge was saved: merged is gone, survivor holds what it had. */
  merged(survivor: Side, merged: Side): void;
}

const CANDIDATES = `query ExplorerDuplicates { duplicateCandidates(first: 50) {
  a { id key name __typename } b { id key name __typename } score reasons { kind detail } } }`;

const BOTH = `query ExplorerMergeView($a: ID!, $b: ID!) {
  a: node(id: $a) { ...side } b: node(id: $b) { ...side } }
fragment side on Actor { id key name __typename aliases revision description links(first: 1) { totalCount }
  participations { programme { name } }
  ... on Organisation { type sector region } ... on Person { title } }`;

const MERGE = `mutation ExplorerMerge($s: ID!, $m: ID!, $sr: String, $mr: String) {
  mergeActors(survivor: $s, merged: $m, survivorRevision: $sr, mergedRevision: $mr) { id key name __typename } }`;

const REASONS: Record<string, string> = {
  SAME_NAME: "Same name", ALIAS: "Shared name", ACRONYM: "Acronym", PREFIX: "Shorter name",
  NAME_TOKENS: "Similar name", SHARED_NEIGHBOURS: "Shared links",
};

let dialogs = 0;

/** Opens the list of possible duplicates in a dialog. */
export async function openDuplicates(hooks: DuplicateHooks): Promise<void> {
  const id = `dups-${++dialogs}`;
  const body = h("div", { id: `${id}-body`, "aria-live": "polite" }, h("p", { class: "hint" }, "Looking for possible duplicates…"));
  const dialog = h("dialog", { class: "edit-dialog wide", id: "duplicates", "aria-labelledby": `${id}-title` },
    h("h2", { id: `${id}-title` }, "Possible duplicates"), body,
    h("div", { class: "row actions" }, h("button", { type: "button", class: "secondary", onclick: () => dialog.close() }, "Close")));
  const opener = document.activeElement;
  dialog.addEventListener("close", () => {
    dialog.remove();
    if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  try {
    const d = await gql<{ duplicateCandidates: Candidate[] }>(CANDIDATES);
    showList(body, d.duplicateCandidates, hooks, dialog);
  } catch (e) {
    fill(body, h("p", { class: "error", role: "alert" }, message(e)));
  }
}

function showList(body: HTMLElement, cs: Candidate[], hooks: DuplicateHooks, dialog: HTMLDialogElement): void {
  if (!cs.length) {
    fill(body, h("p", {}, "No likely duplicates: no two actors have similar names."));
    return;
  }
  fill(body, h("p", { class: "hint" }, "Pairs whose names look alike, best first. Open one to compare and merge."),
    h("ul", { class: "plain duplicates" }, cs.map((c) => h("li", { class: "duplicate", "data-pair": `${c.a.key} ${c.b.key}` },
      h("p", {}, h("strong", {}, c.a.name), " and ", h("strong", {}, c.b.name), ` — ${percent(c.score)} alike`),
      h("ul", { class: "reasons", "aria-label": "Why" }, c.reasons.map((r) => h("li", {}, `${REASONS[r.kind] ?? r.kind}: ${r.detail}`))),
      h("div", { class: "row" },
        h("button", { type: "button", class: "secondary", "aria-label": `Merge ${c.b.name} into ${c.a.name}`,
          onclick: () => void showMerge(body, c.a, c.b, hooks, dialog) }, `Keep ${c.a.name}…`),
        h("button", { type: "button", class: "secondary", "aria-label": `Merge ${c.a.name} into ${c.b.name}`,
          onclick: () => void showMerge(body, c.b, c.a, hooks, dialog) }, `Keep ${c.b.name}…`))))));
}

/** The merge view: survivor and merged side by side, what moves, and a confirmation. */
async function showMerge(body: HTMLElement, keep: Side, drop: Side, hooks: DuplicateHooks, dialog: HTMLDialogElement): Promise<void> {
  let d: { a: Full | null; b: Full | null };
  try {
    d = await gql(BOTH, { a: keep.id, b: drop.id });
  } catch (e) {
    fill(body, h("p", { class: "error", role: "alert" }, message(e)));
    return;
  }
  const s = d.a, m = d.b;
  if (!s || !m) {
    fill(body, h("p", { class: "error", role: "alert" }, "One of the two no longer exists: reload the list."));
    return;
  }
  const notice = h("div", { class: "form-notice", "aria-live": "assertive" });
  const row = (label: string, a: string, b: string, after: string) =>
    h("tr", {}, h("th", { scope: "row" }, label), h("td", {}, a), h("td", {}, b), h("td", {}, after));
  const or = (a: string | null | undefined, b: string | null | undefined) => a || b || "";
  const aliases = [...new Set([...s.aliases, m.key, m.name, ...m.aliases].filter((x) => x && x !== s.name))];
  const parts = (x: Full) => x.participations.map((p) => p.programme.name).join(", ") || "none";
  const confirm = h("button", { type: "button", id: "merge-confirm", class: "danger", onclick: () => void run() }, `Merge into ${s.name}`);
  fill(body,
    h("section", { class: "merge-view", "aria-labelledby": "merge-h" },
      h("h3", { id: "merge-h" }, `Merge ${m.name} into ${s.name}`),
      h("table", { class: "compare merge" },
        h("thead", {}, h("tr", {}, h("th", {}, ""), h("th", { scope: "col" }, `Kept: ${s.name}`),
          h("th", { scope: "col" }, `Merged: ${m.name}`), h("th", { scope: "col" }, "After the merge"))),
        h("tbody", {},
          row("Key", s.key, m.key, `${s.key} (${m.key} still finds it)`),
          row("Name", s.name, m.name, s.name),
          row("Other names", s.aliases.join(", "), m.aliases.join(", "), aliases.join(", ")),
          s.__typename === "Organisation" ? row("Type", s.type ?? "", m.type ?? "", s.type === "OTHER" ? or(m.type, s.type) : or(s.type, m.type)) : null,
          s.__typename === "Organisation" ? row("Sector", s.sector ?? "", m.sector ?? "", or(s.sector, m.sector)) : null,
          s.__typename === "Organisation" ? row("Region", s.region ?? "", m.region ?? "", or(s.region, m.region)) : null,
          s.__typename === "Person" ? row("Title", s.title ?? "", m.title ?? "", or(s.title, m.title)) : null,
          row("Description", s.description ?? "", m.description ?? "", or(s.description, m.description)),
          row("Links", String(s.links.totalCount), String(m.links.totalCount), "all, with their evidence (a link between the two goes)"),
          row("Programmes", parts(s), parts(m), "both; where both take part, the kept role stays"))),
      h("p", {}, `${count(m.links.totalCount, "link")} and ${count(m.participations.length, "programme place")} move to ${s.name}; ${m.name} is then deleted. ` +
        "Fields the kept actor lacks are taken from the merged one."),
      notice,
      h("div", { class: "row actions" }, confirm,
        h("button", { type: "button", class: "secondary", onclick: () => void openAgain() }, "Back to the list"))));
  confirm.focus();

  async function openAgain(): Promise<void> {
    fill(body, h("p", { class: "hint" }, "Looking for possible duplicates…"));
    try {
      showList(body, (await gql<{ duplicateCandidates: Candidate[] }>(CANDIDATES)).duplicateCandidates, hooks, dialog);
    } catch (e) {
      fill(body, h("p", { class: "error", role: "alert" }, message(e)));
    }
  }

  async function run(): Promise<void> {
    confirm.disabled = true;
    try {
      const r = await gql<{ mergeActors: Side }>(MERGE, { s: s!.id, m: m!.id, sr: s!.revision, mr: m!.revision });
      dialog.close();
      hooks.merged(r.mergeActors, drop);
    } catch (e) {
      confirm.disabled = false;
      fill(notice, h("p", { class: "error", role: "alert" }, e instanceof ApiError && e.code === "CONFLICT"
        ? "Someone changed one of the two since this view opened: go back to the list and open it again." : message(e)));
    }
  }
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
