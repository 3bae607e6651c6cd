// Editing the network in place, for editors and administrators: add and
// edit people, organisations and links, add programmes and participations,
// delete with a confirmation that says what goes too. Updates send the
// revision the editor saw; if someone else changed the entity since, the
// service answers CONFLICT with the current values and the form shows both
// side by side for the editor to choose. Viewers get none of this (and the
// service would refuse them anyway).

import { ApiError, gql } from "./api";
import { byId, h } from "./dom";
import { openDuplicates } from "./duplicates";
import { confirmDialog, FormDialog, nest, pick, show, type FieldSpec, type Value } from "./forms";
import { LINK_TYPES, ORG_TYPES, type ActorRow, type LinkRow } from "./model";
import { addActors, addLinks, type Network } from "./network";
import { undoLastChange } from "./history";
import type { ActorRef } from "./picker";

/** What changed, for the map to follow. */
export type Change =
  | { op: "actor"; actor: ActorRow }
  | { op: "deleteActor"; id: string }
  | { op: "link"; link: LinkRow; replaces?: string }
  | { op: "deleteLink"; key: string }
  | { op: "other" };

export interface EditorHooks {
  /** A change was saved: the map and rankings should follow. */
  changed(c: Change): void;
  open(a: ActorRef): void;
  error(e: unknown): void;
}

export type Role = "VIEWER" | "EDITOR" | "ADMIN" | null;

/** The caller's role, null if the service does not say. */
export async function fetchRole(): Promise<Role> {
  const d = await gql<{ me: { role: Role } }>(`query ExplorerMe { me { role } }`);
  return d.me.role;
}

const EVIDENCE: FieldSpec[] = [
  { name: "evidence.source", label: "Evidence: source", help: "The document, web page or meeting this comes from." },
  { name: "evidence.quote", label: "Evidence: quote", type: "textarea", help: "The words in the source that support it." },
  { name: "evidence.note", label: "Evidence: note" },
];

const KEY: FieldSpec = { name: "key", label: "Key", required: true, help: "A stable identifier used by imports and links to this page, e.g. liverpool-hope." };
const NAME: FieldSpec = { name: "name", label: "Name", required: true };
const ALIASES: FieldSpec = { name: "aliases", label: "Other names", type: "list", help: "Acronyms, short and former names, separated by commas." };
const DESCRIPTION: FieldSpec = { name: "description", label: "Description", type: "textarea" };

const PERSON: FieldSpec[] = [KEY, NAME, ALIASES,
  { name: "title", label: "Title" },
  { name: "roles", label: "Roles", type: "list", help: "Separated by commas." },
  { name: "email", label: "Email", type: "email" },
  { name: "phone", label: "Phone", type: "tel" },
  DESCRIPTION, ...EVIDENCE];

const ORGANISATION: FieldSpec[] = [KEY, NAME, ALIASES,
  { name: "type", label: "Type", type: "select", options: ORG_TYPES, required: true },
  { name: "sector", label: "Sector" },
  { name: "region", label: "Region" },
  { name: "parentId", label: "Part of", type: "actor", help: "The organisation this one belongs to, if any: search by name." },
  DESCRIPTION, ...EVIDENCE];

const linkFields = (programmes: Record<string, string>): FieldSpec[] => [
  { name: "sourceId", label: "From", type: "actor", required: true, help: "Search by name." },
  { name: "targetId", label: "To", type: "actor", required: true, help: "Search by name." },
  { name: "type", label: "Type", type: "select", required: true, options: Object.fromEntries(Object.entries(LINK_TYPES).map(([k, v]) => [k, v.label])) },
  { name: "directed", label: "Directed (from the first actor to the second)", type: "checkbox" },
  { name: "weight", label: "Weight", type: "number", help: "Tie strength, above 0; larger is stronger. 1 if left empty." },
  { name: "from", label: "Active from", type: "date" },
  { name: "to", label: "Active until", type: "date" },
  { name: "programmeId", label: "Programme", type: "select", options: { "": "None", ...programmes } },
  { name: "brokeredById", label: "Brokered by", type: "actor", help: "Who made this link happen, if anyone: search by name." },
  ...EVIDENCE];

const PROGRAMME: FieldSpec[] = [KEY, NAME, DESCRIPTION,
  { name: "aims", label: "Aims", type: "list", help: "Separated by commas." },
  { name: "start", label: "Start", type: "date" },
  { name: "end", label: "End", type: "date" },
  { name: "tags", label: "Tags", type: "list", help: "Separated by commas." },
  ...EVIDENCE];

const PARTICIPATION_ROLES = { PARTNER: "Partner", LEAD: "Lead", FUNDER: "Funder", EVALUATOR: "Evaluator", BROKER: "Broker" };

const EVIDENCE_Q = "evidence { source quote note }";
const ACTOR_Q = `query EditActor($id: ID!) { node(id: $id) { __typename
  ... on Actor { id key name aliases description revision ${EVIDENCE_Q} }
  ... on Person { title roles email phone }
  ... on Organisation { type sector region parent { id name } } } }`;
const LINK_Q = `query EditLink($id: ID!) { node(id: $id) { ... on Link {
  id key type directed weight from to revision source { id name } target { id name }
  programme { id name } brokeredBy { id name } ${EVIDENCE_Q} } } }`;
const PROGRAMMES_Q = `query EditProgrammes { programmes(first: 1000) { nodes { id name } } }`;
/** What the map needs of a saved actor (a fragment on Person would not take Organisation's fields). */
const actorRow = (op: "Person" | "Organisation") => `id key name __typename${op === "Organisation" ? " type sector" : ""}`;
const LINK_ROW = "id key type directed weight from to source { id } target { id } programme { id } revision";

type Entity = Record<string, unknown> & { id: string; revision: string | null };

/** The ID's key (IDs are base64url of "Kind:key"), to name an entity without a lookup. */
function keyOf(id: unknown): string {
  try {
    const s = atob(String(id).replace(/-/g, "+").replace(/_/g, "/"));
    return s.slice(s.indexOf(":") + 1);
  } catch {
    return String(id);
  }
}

/** Form values the entity (as a query or the CONFLICT's extensions gives it) holds. */
function formValues(f: FormDialog, e: Record<string, unknown>, specs: FieldSpec[]): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const s of specs) {
    if (!f.has(s.name)) continue;
    let v = pick(e, s.name);
    if (v === undefined && s.type === "actor") {
      // A query gives {id, name} under the field's own name (parent, brokeredBy…);
      // the CONFLICT's current values give the ID (parentId, brokeredById…).
      const ref = pick(e, refField(s.name));
      v = ref ?? null;
    } else if (s.type === "actor" && typeof v === "string") v = { id: v, name: keyOf(v) };
    if (s.name === "programmeId" && v === undefined) v = (pick(e, "programme") as ActorRef | null)?.id ?? "";
    out[s.name] = (v ?? (s.type === "list" ? [] : s.type === "checkbox" ? false : null)) as Value;
  }
  return out;
}

const refField = (name: string) => ({ parentId: "parent", sourceId: "source", targetId: "target", brokeredById: "brokeredBy" })[name] ?? name;

/** The value a mutation input takes for a form value. */
function inputValue(v: Value): unknown {
  return v && typeof v === "object" && !Array.isArray(v) ? v.id : v;
}

function same(a: unknown, b: unknown): boolean {
  const norm = (v: unknown): string => {
    if (v && typeof v === "object" && !Array.isArray(v) && "id" in v) return String((v as ActorRef).id);
    if (v == null || v === "" || v === false || (Array.isArray(v) && !v.length)) return "";
    return Array.isArray(v) ? v.join("\u0000") : String(v);
  };
  return norm(a) === norm(b);
}

export class Editor {
  private role: Role = null;

  constructor(private hooks: EditorHooks) {}

  /** Where saved changes are announced (a live region of its own, so map and panel messages do not replace them). */
  private statusEl = h("p", { id: "edit-status", class: "hint", role: "status", "aria-live": "polite" });

  private saved(c: Change, message: string): void {
    this.statusEl.textContent = message;
    this.hooks.changed(c);
  }

  /** Announces message in the edit tools' live region. */
  say(message: string): void {
    this.statusEl.textContent = message;
  }

  /** Reverts this editor's last change (the service refuses, naming the change, if someone changed it since). */
  private async undo(): Promise<void> {
    try {
      const undone = await undoLastChange();
      const what = undone.map((c) => `${c.op.toLowerCase()} ${(c.kind ?? "").toLowerCase()}`).join(", ");
      this.saved({ op: "other" }, `Undone: ${what}. Reload the page if the map should show it.`);
    } catch (e) {
      this.hooks.error(e);
    }
  }

  get canEdit(): boolean {
    return this.role === "EDITOR" || this.role === "ADMIN";
  }

  get canImport(): boolean {
    return this.role === "ADMIN";
  }

  /** Learns the caller's role and, for editors, shows the edit tools in #edit-tools. */
  async init(importTool: () => void): Promise<void> {
    this.role = await fetchRole().catch(() => null);
    if (!this.canEdit) return;
    const tools = byId("edit-tools");
    tools.append(h("div", { class: "row wrap" },
      h("button", { type: "button", id: "add-organisation", onclick: () => void this.editActor("Organisation") }, "Add organisation"),
      h("button", { type: "button", id: "add-person", onclick: () => void this.editActor("Person") }, "Add person"),
      h("button", { type: "button", id: "add-link", onclick: () => void this.editLink() }, "Record a link"),
      h("button", { type: "button", id: "add-programme", class: "secondary", onclick: () => this.addProgramme() }, "Add programme"),
      h("button", { type: "button", id: "duplicates-open", class: "secondary", onclick: () => void openDuplicates({
        merged: (s, m) => this.saved({ op: "deleteActor", id: m.id }, `Merged ${m.name} into ${s.name}. Reload the page to redraw its links.`),
      }) }, "Possible duplicates…"),
      this.canImport ? h("button", { type: "button", id: "import-open", class: "secondary", onclick: importTool }, "Import a file…") : null,
      h("button", { type: "button", id: "undo", class: "secondary", onclick: () => void this.undo() }, "Undo my last change")),
      this.statusEl);
    tools.hidden = false;
  }

  /** The edit buttons of an actor's card, or null for viewers. */
  actorTools(a: ActorRef & { __typename: string }): HTMLElement | null {
    if (!this.canEdit) return null;
    return h("div", { class: "row actions edit-actions" },
      h("button", { type: "button", class: "secondary", onclick: () => void this.editActor(a.__typename as "Person", a.id) }, "Edit"),
      h("button", { type: "button", class: "secondary", onclick: () => void this.editLink(undefined, a) }, "Record a link"),
      h("button", { type: "button", class: "secondary", onclick: () => void this.addParticipation(a) }, "Add to a programme"),
      h("button", { type: "button", class: "danger", onclick: () => void this.deleteActor(a) }, "Delete…"));
  }

  /** The edit buttons of a link on a card, or null for viewers. */
  linkTools(l: { id: string; key: string }, label: string): HTMLElement | null {
    if (!this.canEdit) return null;
    return h("span", { class: "edit-actions" },
      h("button", { type: "button", class: "small secondary", "aria-label": `Edit link ${label}`, onclick: () => void this.editLink(l.id) }, "Edit"),
      " ",
      h("button", { type: "button", class: "small danger", "aria-label": `Delete link ${label}`, onclick: () => void this.deleteLink(l, label) }, "Delete"));
  }

  /** Opens the form for a new actor of kind, or for editing actor id. */
  async editActor(kind: "Person" | "Organisation", id?: string): Promise<void> {
    try {
      let current: Entity | null = null;
      if (id) {
        current = (await gql<{ node: Entity | null }>(ACTOR_Q, { id })).node;
        if (!current) throw new Error("This actor is no longer in the network.");
        kind = current.__typename as typeof kind;
      }
      const specs = kind === "Person" ? PERSON : ORGANISATION;
      const what = kind === "Person" ? "person" : "organisation";
      const save = async (v: Record<string, Value>, revision: string | null) => {
        const input = nest(Object.fromEntries(Object.entries(v).map(([k, x]) => [k, inputValue(x)])));
        const op = kind === "Person" ? "Person" : "Organisation";
        if (!id) {
          const d = await gql<Record<string, ActorRow>>(`mutation($input: Create${op}Input!) { r: create${op}(input: $input) { ${actorRow(op)} } }`, { input });
          return d.r;
        }
        delete input.key;
        const d = await gql<Record<string, ActorRow>>(`mutation($input: Update${op}Input!) { r: update${op}(input: $input) { ${actorRow(op)} } }`,
          { input: { ...input, id, expectedRevision: revision } });
        return d.r;
      };
      this.form(id ? `Edit ${current!.name}` : `Add ${what}`, specs, current, id ? "Save changes" : `Add ${what}`, save, (a) => {
        this.saved({ op: "actor", actor: a }, `${id ? "Saved" : "Added"} ${a.name}.`);
        if (!id) this.hooks.open(a);
      });
    } catch (e) {
      this.hooks.error(e);
    }
  }

  /** Opens the form for a new link (from actor from, if given), or for editing link id. */
  async editLink(id?: string, from?: ActorRef): Promise<void> {
    try {
      const [progs, current] = await Promise.all([
        gql<{ programmes: { nodes: { id: string; name: string }[] } }>(PROGRAMMES_Q),
        id ? gql<{ node: Entity | null }>(LINK_Q, { id }).then((d) => d.node) : null,
      ]);
      if (id && !current) throw new Error("This link is no longer in the network.");
      const specs = linkFields(Object.fromEntries(progs.programmes.nodes.map((p) => [p.id, p.name])));
      const save = async (v: Record<string, Value>, revision: string | null) => {
        const input = nest(Object.fromEntries(Object.entries(v).map(([k, x]) => [k, inputValue(x)])));
        if (input.weight == null) input.weight = 1;
        if (!id) {
          for (const f of ["sourceId", "targetId"]) {
            if (!input[f]) throw new ApiError(`Choose an actor from the list: “${f === "sourceId" ? "From" : "To"}” is required.`, "BAD_USER_INPUT", 400, { field: f });
          }
          return (await gql<{ r: LinkRow & { id: string } }>(`mutation($input: CreateLinkInput!) { r: createLink(input: $input) { ${LINK_ROW} } }`, { input })).r;
        }
        delete input.sourceId;
        delete input.targetId;
        return (await gql<{ r: LinkRow & { id: string } }>(`mutation($input: UpdateLinkInput!) { r: updateLink(input: $input) { ${LINK_ROW} } }`,
          { input: { ...input, id, expectedRevision: revision } })).r;
      };
      const f = this.form(id ? "Edit link" : "Record a link", specs, current, id ? "Save changes" : "Record link", save, (l) => {
        this.saved({ op: "link", link: l, replaces: current ? String(current.key) : undefined }, id ? "Saved the link." : "Recorded the link.");
      });
      if (id) {
        f.disable("sourceId");
        f.disable("targetId");
      } else if (from) f.set({ sourceId: from });
    } catch (e) {
      this.hooks.error(e);
    }
  }

  addProgramme(): void {
    this.form("Add programme", PROGRAMME, null, "Add programme", async (v) => {
      const input = nest(Object.fromEntries(Object.entries(v).map(([k, x]) => [k, inputValue(x)])));
      return (await gql<{ r: { id: string; name: string } }>(`mutation($input: CreateProgrammeInput!) { r: createProgramme(input: $input) { id name } }`, { input })).r;
    }, (p) => this.saved({ op: "other" }, `Added the programme ${p.name}.`));
  }

  async addParticipation(a: ActorRef): Promise<void> {
    try {
      const progs = await gql<{ programmes: { nodes: { id: string; name: string }[] } }>(PROGRAMMES_Q);
      const specs: FieldSpec[] = [
        { name: "programmeId", label: "Programme", type: "select", required: true, options: Object.fromEntries(progs.programmes.nodes.map((p) => [p.id, p.name])) },
        { name: "role", label: "Role", type: "select", required: true, options: PARTICIPATION_ROLES },
        ...EVIDENCE];
      this.form(`Add ${a.name} to a programme`, specs, null, "Add", async (v) => {
        const input = { ...nest(Object.fromEntries(Object.entries(v).map(([k, x]) => [k, inputValue(x)]))), actorId: a.id };
        return (await gql<{ r: { programme: { name: string } } }>(`mutation($input: ParticipationInput!) { r: setParticipation(input: $input) { programme { name } } }`, { input })).r;
      }, (p) => this.saved({ op: "other" }, `${a.name} takes part in ${p.programme.name}.`));
    } catch (e) {
      this.hooks.error(e);
    }
  }

  /** Asks, saying what goes with the actor, then deletes it (if it has not changed meanwhile). */
  async deleteActor(a: ActorRef): Promise<void> {
    try {
      const q = `query DeleteWhat($id: ID!) { node(id: $id) { __typename ... on Actor { name revision
        links(first: 1) { totalCount } brokered(first: 1) { totalCount } participations { programme { name } } }
        ... on Organisation { units(first: 1) { totalCount } } } }`;
      const n = (await gql<{ node: (Entity & { name: string; __typename: string; links: { totalCount: number }; brokered: { totalCount: number };
        participations: { programme: { name: string } }[]; units?: { totalCount: number } }) | null }>(q, { id: a.id })).node;
      if (!n) throw new Error(`${a.name} is no longer in the network.`);
      const plural = (k: number, one: string, many: string) => `${k} ${k === 1 ? one : many}`;
      const body = [
        h("p", {}, `With ${n.name} go ${plural(n.links.totalCount, "link", "links")} and ${plural(n.participations.length, "participation", "participations")}` +
          (n.participations.length ? ` (in ${n.participations.map((p) => p.programme.name).join(", ")})` : "") + "."),
        n.brokered.totalCount ? h("p", {}, `${plural(n.brokered.totalCount, "link it brokered stays", "links it brokered stay")}, without a broker.`) : "",
        n.units?.totalCount ? h("p", {}, `${plural(n.units.totalCount, "organisation that belongs to it stays", "organisations that belong to it stay")}, without a parent.`) : "",
        h("p", {}, "This cannot be undone from this page."),
      ];
      if (!(await confirmDialog(`Delete ${n.name}?`, body, `Delete ${n.name}`))) return;
      const op = n.__typename === "Person" ? "deletePerson" : "deleteOrganisation";
      await gql(`mutation($id: ID!, $rev: String) { ${op}(id: $id, expectedRevision: $rev) }`, { id: a.id, rev: n.revision });
      this.saved({ op: "deleteActor", id: a.id }, `Deleted ${n.name}.`);
    } catch (e) {
      this.hooks.error(e instanceof ApiError && e.code === "CONFLICT"
        ? new Error(`${a.name} was changed by someone else while you looked: open the card again to see what changed, then delete.`) : e);
    }
  }

  async deleteLink(l: { id: string; key: string }, label: string): Promise<void> {
    try {
      const cur = (await gql<{ node: Entity | null }>(LINK_Q, { id: l.id })).node;
      if (!cur) throw new Error("This link is no longer in the network.");
      if (!(await confirmDialog("Delete this link?", [h("p", {}, label), h("p", {}, "Its evidence goes with it.")], "Delete link"))) return;
      await gql(`mutation($id: ID!, $rev: String) { deleteLink(id: $id, expectedRevision: $rev) }`, { id: l.id, rev: cur.revision });
      this.saved({ op: "deleteLink", key: l.key }, "Deleted the link.");
    } catch (e) {
      this.hooks.error(e);
    }
  }

  /**
   * Opens a form over specs filled from current (null for a new entity);
   * on submit runs save with the revision the editor saw, and on CONFLICT
   * shows the editor's values beside the saved ones.
   */
  private form<T>(title: string, specs: FieldSpec[], current: Entity | null, submitLabel: string,
    save: (v: Record<string, Value>, revision: string | null) => Promise<T>, done: (r: T) => void): FormDialog {
    let revision = current?.revision ?? null;
    const f: FormDialog = new FormDialog(title, current ? specs.filter((s) => s !== KEY) : specs, submitLabel, () => void submit(), this.hooks.error);
    const submit = async (values = f.values()) => {
      f.clearErrors();
      try {
        const r = await save(values, revision);
        f.close();
        done(r);
      } catch (e) {
        if (e instanceof ApiError && e.code === "CONFLICT" && e.extensions.current) {
          revision = e.extensions.revision ?? null;
          this.conflict(f, specs, values, e, () => void submit(values));
        } else f.showError(e);
      }
    };
    if (current) f.set(formValues(f, current, specs));
    f.open();
    return f;
  }

  /** The conflict view: the editor's values and the saved ones, side by side, and the choice. */
  private conflict(f: FormDialog, specs: FieldSpec[], mine: Record<string, Value>, e: ApiError, keepMine: () => void): void {
    const theirs = formValues(f, e.extensions.current!, specs);
    const rows = specs.filter((s) => f.has(s.name) && !same(mine[s.name], theirs[s.name]));
    const view = h("section", { class: "conflict", role: "alert", "aria-labelledby": "conflict-h", tabindex: "-1" },
      h("h3", { id: "conflict-h" }, "Someone else saved a change since you opened this"),
      h("p", {}, rows.length ? "These fields differ. Keep your values (overwriting theirs), or take the saved ones and edit from there."
        : "Their change and yours agree on every field in this form."),
      rows.length ? h("table", { class: "conflict-table" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Field"), h("th", { scope: "col" }, "Your value"), h("th", { scope: "col" }, "Saved now"))),
        h("tbody", {}, rows.map((s) => h("tr", {}, h("th", { scope: "row" }, f.label(s.name)),
          h("td", { class: "mine" }, show(mine[s.name])), h("td", { class: "theirs" }, show(theirs[s.name])))))) : null,
      h("div", { class: "row actions" },
        h("button", { type: "button", id: "conflict-keep", onclick: keepMine }, "Keep my values"),
        h("button", { type: "button", id: "conflict-take", class: "secondary", onclick: () => {
          f.set(theirs);
          f.clearErrors();
          f.form.querySelector<HTMLElement>("input:not([disabled]), select, textarea")?.focus();
        } }, "Take the saved values")));
    f.notice.replaceChildren(view);
    view.focus();
  }
}

/** Makes the map's graph follow a change saved from the page. */
export function applyChange(g: Network, c: Change): void {
  switch (c.op) {
    case "actor":
      if (!g.hasNode(c.actor.id)) addActors(g, [c.actor]);
      else g.mergeNodeAttributes(c.actor.id, { label: c.actor.name, orgType: c.actor.type ?? null, sector: c.actor.sector || null });
      break;
    case "deleteActor":
      if (g.hasNode(c.id)) g.dropNode(c.id);
      break;
    case "link":
      if (c.replaces && g.hasEdge(c.replaces)) g.dropEdge(c.replaces);
      addLinks(g, [c.link]);
      break;
    case "deleteLink":
      if (g.hasEdge(c.key)) g.dropEdge(c.key);
      break;
  }
}
