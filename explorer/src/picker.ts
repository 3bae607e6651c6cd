// An actor search box (ARIA combobox with a listbox popup): the service's
// name search, arrow keys to move, Enter to choose, Escape to close.

import { gql } from "./api";
import { debounce, h } from "./dom";
import { ORG_TYPES } from "./model";

export interface ActorRef {
  id: string;
  name: string;
}

interface Hit extends ActorRef {
  __typename: string;
  type?: string;
  sector?: string | null;
  title?: string | null;
}

const SEARCH = `query ExplorerSearch($q: String!) {
  actors(search: $q, first: 8) {
    nodes { id name __typename ... on Organisation { type sector } ... on Person { title } }
  }
}`;

let pickers = 0;

export interface Picker {
  set(a: ActorRef | null): void;
  value(): ActorRef | null;
}

export function actorPicker(input: HTMLInputElement, onPick: (a: ActorRef) => void, onError: (e: unknown) => void): Picker {
  const listId = `picker-${++pickers}`;
  const list = h("ul", { id: listId, role: "listbox", class: "listbox", "aria-label": "Matching actors" });
  list.hidden = true;
  input.after(list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", listId);
  let hits: Hit[] = [];
  let active = -1;
  let chosen: ActorRef | null = null;
  let seq = 0;

  const close = () => {
    input.setAttribute("aria-busy", "false");
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const choose = (hit: ActorRef) => {
    chosen = { id: hit.id, name: hit.name };
    input.value = hit.name;
    close();
    onPick(chosen);
  };
  const mark = (i: number) => {
    active = i;
    list.querySelectorAll("li").forEach((li, j) => li.setAttribute("aria-selected", String(j === i)));
    if (i >= 0) input.setAttribute("aria-activedescendant", `${listId}-${i}`);
  };
  const busy = (on: boolean) => input.setAttribute("aria-busy", String(on));
  const show = () => {
    busy(false);
    list.replaceChildren(
      ...hits.map((hit, i) =>
        h("li", { id: `${listId}-${i}`, role: "option", "aria-selected": "false", onmousedown: (e: Event) => { e.preventDefault(); choose(hit); } },
          h("span", { class: "hit-name" }, hit.name), h("span", { class: "hit-meta" }, describe(hit)))),
    );
    if (!hits.length) list.append(h("li", { class: "empty", role: "option", "aria-disabled": "true" }, "No actor starts with that"));
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    mark(hits.length ? 0 : -1);
  };
  const search = debounce(async (q: string) => {
    const mine = ++seq;
    try {
      const data = await gql<{ actors: { nodes: Hit[] } }>(SEARCH, { q });
      if (mine !== seq || input.value.trim() !== q) return; // a newer search is under way
      hits = data.actors.nodes;
      show();
    } catch (e) {
      busy(false);
      onError(e);
    }
  }, 180);

  input.addEventListener("input", () => {
    chosen = null;
    const q = input.value.trim();
    if (q.length < 2) {
      seq++;
      close();
      return;
    }
    busy(true); // until this search's results are shown
    search(q);
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" && !list.hidden) mark(Math.min(active + 1, hits.length - 1));
    else if (e.key === "ArrowUp" && !list.hidden) mark(Math.max(active - 1, 0));
    else if (e.key === "Enter" && !list.hidden && active >= 0) choose(hits[active]);
    else if (e.key === "Escape" && !list.hidden) close();
    else return;
    e.preventDefault();
  });
  input.addEventListener("blur", close);

  return {
    set(a) {
      chosen = a;
      input.value = a?.name ?? "";
      close();
    },
    value: () => chosen,
  };
}

function describe(hit: Hit): string {
  if (hit.__typename === "Person") return hit.title ? `Person · ${hit.title}` : "Person";
  return [ORG_TYPES[hit.type ?? ""] ?? "Organisation", hit.sector].filter(Boolean).join(" · ");
}
