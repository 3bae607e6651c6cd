// A tiny element builder. Text always goes in as text nodes, never as HTML,
// so names and quotes from the network cannot inject markup.

export type Child = Node | string | number | null | undefined | false;
type Props = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value == null || value === false) continue;
    if (typeof value === "function") el.addEventListener(name.slice(2).toLowerCase(), value);
    else if (name === "class") el.className = String(value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

function append(el: Element, children: (Child | Child[])[]): void {
  for (const c of children.flat()) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
}

/** Replaces the children of el. */
export function fill(el: Element, ...children: (Child | Child[])[]): void {
  el.replaceChildren();
  append(el, children);
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`explorer: #${id} is missing from the page`);
  return el as T;
}

const numberFormat = new Intl.NumberFormat("en-GB");

/** Formats a count with thousands separators, or a score with 3 significant digits. */
export function num(x: number | null | undefined): string {
  if (x == null || Number.isNaN(x)) return "–";
  if (Number.isInteger(x)) return numberFormat.format(x);
  if (Math.abs(x) >= 100) return numberFormat.format(Math.round(x));
  return x.toPrecision(3);
}

export function percent(x: number): string {
  return `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;
}

/** Calls fn after ms of quiet. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): (...args: A) => void {
  let t: ReturnType<typeof setTimeout> | undefined;
  return (...args: A) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
}

/** A colour square for legends. The colour is set through the CSSOM, which the page's CSP allows (style attributes it does not). */
export function swatch(color: string): HTMLElement {
  const s = h("span", { class: "swatch", "aria-hidden": "true" });
  s.style.backgroundColor = color;
  return s;
}
