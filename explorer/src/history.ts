// History from the service's change log: an actor's changes on its card
// (who, when, which fields, from what to what), and the network's changes
// since a date in the Changes panel. The service leaves contact data out of
// the values for viewers.

import { gql } from "./api";
import { h } from "./dom";

export interface LogChange {
  version: string;
  op: "CREATED" | "UPDATED" | "DELETED" | "RESET";
  kind: string | null;
  entityId: string | null;
  callerName: string | null;
  callerId: string | null;
  at: string;
  fields: string[];
  before: string | null;
  after: string | null;
}

const CHANGE_FIELDS = "version op kind entityId callerName callerId at fields before after";

/** The changes to one entity, newest first. */
export async function fetchHistory(id: string): Promise<LogChange[]> {
  const d = await gql<{ history: LogChange[] }>(`query ExplorerHistory($id: ID!) { history(id: $id, first: 20) { ${CHANGE_FIELDS} } }`, { id });
  return d.history;
}

/** A page of the network's changes at or after since (YYYY-MM-DD), oldest first. */
export async function fetchChangesSince(since: string, after: string | null): Promise<{ nodes: LogChange[]; complete: boolean; next: string | null }> {
  const d = await gql<{ networkChanges: { nodes: LogChange[]; complete: boolean; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(
    `query ExplorerChanges($since: String!, $after: String) { networkChanges(since: $since, first: 200, after: $after) {
      nodes { ${CHANGE_FIELDS} } complete pageInfo { hasNextPage endCursor } } }`,
    { since, after });
  const { nodes, complete, pageInfo } = d.networkChanges;
  return { nodes, complete, next: pageInfo.hasNextPage ? pageInfo.endCursor : null };
}

export interface BrokerMove {
  actor: { id: string; name: string };
  rankBefore: number | null;
  rankNow: number | null;
}

const TOP = 10;

/** How the top brokers (betweenness) moved since (YYYY-MM-DD); complete false if the log cannot say. */
export async function fetchBrokerMoves(since: string): Promise<{ complete: boolean; moves: BrokerMove[] }> {
  const d = await gql<{ brokerMovesSince: { complete: boolean; moves: BrokerMove[] } }>(
    `query ExplorerBrokerMoves($since: String!) { brokerMovesSince(since: $since, first: ${TOP}) { complete moves { actor { id name } rankBefore rankNow } } }`,
    { since });
  return d.brokerMovesSince;
}

/** One line: whether the broker is new in, rose, fell, left or kept its place in the top. */
function moveText(m: BrokerMove): string {
  const was = m.rankBefore, now = m.rankNow;
  if (now === null) return `left the network (was #${was})`;
  if (was === null) return `new, now #${now}`;
  if (now > TOP) return `fell out of the top ${TOP}: #${was} → #${now}`;
  if (was > TOP) return `new in the top ${TOP}: #${was} → #${now}`;
  if (now < was) return `rose #${was} → #${now}`;
  if (now > was) return `fell #${was} → #${now}`;
  return `kept #${now}`;
}

/** The movers section of the Changes panel: loads with the changes. */
function moversSection(since: string): HTMLElement {
  const body = h("div", { "aria-live": "polite" }, h("p", { class: "hint" }, "Ranking the brokers then and now…"));
  fetchBrokerMoves(since).then(
    ({ complete, moves }) => body.replaceChildren(!complete
      ? h("p", { class: "hint" }, "The log cannot rebuild the network as it was then (it no longer reaches back that far, or an import came after): the brokers' moves are unknown.")
      : !moves.length ? h("p", { class: "hint" }, "No brokers.")
      : h("ol", { class: "plain movers", "aria-label": `Top brokers since ${since}` },
        moves.map((m) => h("li", {}, h("strong", {}, m.actor.name), `: ${moveText(m)}`)))),
    (e: Error) => body.replaceChildren(h("p", { class: "error" }, `The brokers' moves could not be loaded: ${e.message}`)));
  return h("section", { class: "movers", "aria-labelledby": "movers-title" },
    h("h3", { id: "movers-title" }, `How the top ${TOP} brokers moved (betweenness)`), body);
}

/** Reverts the caller's last change; returns what it undid. */
export async function undoLastChange(): Promise<LogChange[]> {
  const d = await gql<{ undoLastChange: LogChange[] }>(`mutation ExplorerUndo { undoLastChange { ${CHANGE_FIELDS} } }`);
  return d.undoLastChange;
}

const OPS: Record<LogChange["op"], string> = { CREATED: "created", UPDATED: "changed", DELETED: "deleted", RESET: "imported" };

function who(c: LogChange): string {
  return c.callerName || c.callerId || "someone";
}

function when(c: LogChange): string {
  return c.at.slice(0, 16).replace("T", " ") + " UTC";
}

function parse(raw: string | null): Record<string, unknown> {
  try {
    return raw ? JSON.parse(raw) : {};
  } catch {
    return {};
  }
}

function show(v: unknown): string {
  if (v === undefined || v === null || v === "") return "(none)";
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** What a change did, one line per changed field of an update. */
function describe(c: LogChange): HTMLElement {
  const before = parse(c.before);
  const after = parse(c.after);
  const name = c.kind === "Participation" ? "" : show(after.name ?? before.name ?? after.key ?? before.key ?? c.entityId);
  // An actor's JSON says whether it is a Person or an Organisation.
  const kind = String(after.kind ?? before.kind ?? c.kind ?? "").toLowerCase();
  const head = h("p", {}, h("strong", {}, who(c)), ` ${OPS[c.op]} `, c.op === "RESET" ? "many entities" : `${kind} ${name}`,
    " ", h("time", { datetime: c.at, class: "meta" }, when(c)));
  if (c.op !== "UPDATED") return h("div", {}, head);
  const fields = c.fields.filter((f) => f !== "id");
  return h("div", {}, head, h("ul", { class: "plain diff" }, fields.map((f) =>
    h("li", {}, h("span", { class: "meta" }, `${f}: `), h("del", {}, show(before[f])), " → ", h("ins", {}, show(after[f]))))));
}

/** A list of changes as an ordered, labelled list. */
export function renderChanges(cs: LogChange[], label: string): HTMLElement {
  if (!cs.length) return h("p", { class: "hint" }, "No changes.");
  return h("ol", { class: "plain changes", "aria-label": label }, cs.map((c) => h("li", { "data-op": c.op }, describe(c))));
}

/** The card's history section: loads when shown. */
export function historySection(id: string, name: string): HTMLElement {
  const body = h("div", { "aria-live": "polite" }, h("p", { class: "hint" }, "Loading the history…"));
  fetchHistory(id).then(
    (cs) => body.replaceChildren(renderChanges(cs, `Changes to ${name}, newest first`)),
    (e: Error) => body.replaceChildren(h("p", { class: "error" }, `The history could not be loaded: ${e.message}`)));
  return h("section", { class: "history", id: "card-history", "aria-labelledby": "card-history-title" },
    h("h3", { id: "card-history-title" }, "History"), body);
}

/** The Changes panel: a date, and the network's changes since then, a page at a time. */
export function setupChangesPanel(form: HTMLFormElement, input: HTMLInputElement, results: HTMLElement, error: (e: unknown) => void): void {
  if (!input.value) input.value = new Date(Date.now() - 7 * 86400_000).toISOString().slice(0, 10);
  let seq = 0;
  const load = async (since: string, after: string | null, list: HTMLOListElement, count: HTMLElement, more: HTMLButtonElement, mine: number) => {
    more.disabled = true;
    const page = await fetchChangesSince(since, after);
    if (mine !== seq) return;
    list.append(...page.nodes.map((c) => h("li", { "data-op": c.op }, describe(c))));
    count.textContent = `${list.children.length}${page.next ? "+" : ""} changes since ${since}, oldest first.`;
    if (!page.complete && !after) count.after(h("p", { class: "hint" }, "The log no longer reaches back that far: older changes are missing."));
    more.hidden = !page.next;
    more.disabled = false;
    more.onclick = () => void load(since, page.next, list, count, more, mine).catch(error);
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const since = input.value;
    const list = h("ol", { class: "plain changes", "aria-label": `Changes since ${since}` });
    const count = h("p", { class: "meta", id: "changes-count", role: "status" }, "Loading the changes…");
    const more = h("button", { type: "button", class: "secondary", id: "changes-more", hidden: true }, "Show more changes");
    results.replaceChildren(moversSection(since), count, list, more);
    load(since, null, list, count, more, ++seq).catch((e) => {
      results.replaceChildren();
      error(e);
    });
  });
}
