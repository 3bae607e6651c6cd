// Keyboard access to every actor on the map: a focused actor, moved by
// arrow keys to the nearest actor in that direction, or through all actors
// in name order (Page Up/Down, Home/End, typing a name's first letters),
// drawn with a focus ring and announced in a live region.

import type Sigma from "sigma";
import { ORG_TYPES } from "./model";
import type { EdgeAttrs, Network, NodeAttrs } from "./network";

export type Direction = "left" | "right" | "up" | "down";

/** Letters typed within this many milliseconds of each other make one search. */
const TYPING_MS = 1000;

const collator = new Intl.Collator("en-GB", { sensitivity: "base", numeric: true });

export class ActorFocus {
  /** The focused actor, or null. */
  current: string | null = null;
  private order: string[] | null = null; // every actor by name, then key
  private typed = "";
  private typedAt = 0;
  private ring: HTMLElement;
  private live: HTMLElement;

  /** visible says whether an actor is on the map (in scope); onChange hears every move. */
  constructor(
    private graph: Network,
    private sigma: Sigma<NodeAttrs, EdgeAttrs>,
    private visible: (id: string) => boolean,
    private onChange: () => void,
  ) {
    const container = sigma.getContainer();
    this.ring = document.createElement("div");
    this.ring.className = "map-focus-ring";
    this.ring.setAttribute("aria-hidden", "true");
    // Inline: a ring in the page's focus colour, over the canvas, never in the way of the pointer.
    Object.assign(this.ring.style, {
      position: "absolute", pointerEvents: "none", borderRadius: "50%", display: "none", zIndex: "2",
      outline: "3px solid var(--focus, #e8a200)", outlineOffset: "2px", boxShadow: "0 0 0 2px #fff",
    });
    container.append(this.ring);
    this.live = document.createElement("p");
    this.live.id = "map-focus";
    this.live.setAttribute("aria-live", "polite");
    // Visually hidden, read by screen readers.
    Object.assign(this.live.style, {
      position: "absolute", width: "1px", height: "1px", overflow: "hidden", clip: "rect(0 0 0 0)", whiteSpace: "nowrap", margin: "-1px",
    });
    container.after(this.live);
    const stale = () => (this.order = null);
    for (const ev of ["nodeAdded", "nodeDropped", "cleared", "nodeAttributesUpdated", "eachNodeAttributesUpdated"] as const) graph.on(ev, stale);
    graph.on("nodeDropped", ({ key }) => {
      if (key === this.current) this.set(null);
    });
    sigma.on("afterRender", () => this.place());
    // The ring shows while the map has the keyboard.
    container.addEventListener("focus", () => this.place());
    container.addEventListener("blur", () => this.place());
  }

  /** Actors in name order (then key, so the order is total). */
  private byName(): string[] {
    if (!this.order) {
      const g = this.graph;
      this.order = g.nodes().sort((a, b) => {
        const x = g.getNodeAttributes(a);
        const y = g.getNodeAttributes(b);
        return collator.compare(x.label, y.label) || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0);
      });
    }
    return this.order;
  }

  /** Moves along the name order by step (±1), wrapping; from nothing, to the first (or last). */
  step(step: 1 | -1): void {
    const order = this.byName().filter(this.visible);
    if (!order.length) return;
    const i = this.current ? order.indexOf(this.current) : -1;
    const next = i < 0 ? (step > 0 ? 0 : order.length - 1) : (i + step + order.length) % order.length;
    this.set(order[next]);
  }

  /** The first (or last) actor by name. */
  edge(last: boolean): void {
    const order = this.byName().filter(this.visible);
    if (order.length) this.set(order[last ? order.length - 1 : 0]);
  }

  /** Is a name being typed (a letter less than a second ago)? */
  typing(): boolean {
    return this.typed !== "" && performance.now() - this.typedAt < TYPING_MS;
  }

  /** The next actor whose name starts with what was typed (letters typed within a second add up). */
  typeAhead(ch: string): void {
    const now = performance.now();
    this.typed = now - this.typedAt < TYPING_MS ? this.typed + ch : ch;
    this.typedAt = now;
    const order = this.byName().filter(this.visible);
    const prefix = this.typed;
    const starts = (id: string) => collator.compare(this.graph.getNodeAttribute(id, "label").slice(0, prefix.length), prefix) === 0;
    // A new search looks from the actor after the current one; a longer prefix may stay on it.
    const from = this.current ? order.indexOf(this.current) + (prefix.length === 1 ? 1 : 0) : 0;
    for (let k = 0; k < order.length; k++) {
      const id = order[(from + k) % order.length];
      if (starts(id)) return this.set(id);
    }
  }

  /**
   * Moves to the nearest actor in a direction on screen: among those
   * within 60° either side of it, the one nearest, perpendicular distance
   * counting double. From nothing, the actor nearest the middle of the map.
   */
  move(dir: Direction): void {
    const { width, height } = this.sigma.getDimensions();
    const from = this.current ? this.screen(this.current) : { x: width / 2, y: height / 2 };
    const [ux, uy] = { left: [-1, 0], right: [1, 0], up: [0, -1], down: [0, 1] }[dir];
    let best: string | null = null;
    let bestScore = Infinity;
    this.graph.forEachNode((id) => {
      if (id === this.current || !this.visible(id)) return;
      const p = this.screen(id);
      const dx = p.x - from.x;
      const dy = p.y - from.y;
      const along = dx * ux + dy * uy;
      const across = Math.abs(dx * uy - dy * ux);
      if (this.current && (along <= 0 || across > along * 1.732)) return;
      const score = this.current ? along + 2 * across : Math.hypot(dx, dy);
      if (score < bestScore) {
        bestScore = score;
        best = id;
      }
    });
    if (best) this.set(best);
  }

  private screen(id: string): { x: number; y: number } {
    const d = this.sigma.getNodeDisplayData(id);
    return d ? this.sigma.framedGraphToViewport(d) : { x: NaN, y: NaN };
  }

  set(id: string | null): void {
    this.current = id;
    this.onChange();
    this.place();
    this.live.textContent = id ? this.describe(id) : "";
  }

  /** "Name, organisation (University, Higher education), 12 links, 3 of 75 by name." */
  private describe(id: string): string {
    const a = this.graph.getNodeAttributes(id);
    const details = [a.kind === "Person" ? "person" : "organisation"];
    const about = [a.orgType ? ORG_TYPES[a.orgType] ?? a.orgType : "", a.sector ?? ""].filter(Boolean);
    if (about.length) details.push(`(${about.join(", ")})`);
    const links = this.graph.degree(id);
    const order = this.byName().filter(this.visible);
    const rank = a.rank ? `, rank ${a.rank}` : "";
    return `${a.label}, ${details.join(" ")}, ${links} link${links === 1 ? "" : "s"}${rank}. ${order.indexOf(id) + 1} of ${order.length} by name. Enter opens its card.`;
  }

  /** Puts the ring around the focused actor, or hides it. */
  private place(): void {
    const id = this.current;
    const d = id ? this.sigma.getNodeDisplayData(id) : undefined;
    if (!id || !d || d.hidden || document.activeElement !== this.sigma.getContainer()) {
      this.ring.style.display = "none";
      return;
    }
    const p = this.sigma.framedGraphToViewport(d);
    const r = Math.max(6, this.sigma.scaleSize(d.size) + 3);
    Object.assign(this.ring.style, { display: "block", left: `${p.x - r}px`, top: `${p.y - r}px`, width: `${2 * r}px`, height: `${2 * r}px` });
  }

  /** Brings the focused actor into view if it is off screen or near an edge. */
  reveal(): void {
    if (!this.current) return;
    const p = this.screen(this.current);
    const { width, height } = this.sigma.getDimensions();
    const margin = 40;
    if (p.x >= margin && p.y >= margin && p.x <= width - margin && p.y <= height - margin) return;
    const d = this.sigma.getNodeDisplayData(this.current)!;
    this.sigma.getCamera().animate({ x: d.x, y: d.y }, { duration: 200 });
  }
}
