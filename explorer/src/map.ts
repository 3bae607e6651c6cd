// The network map: sigma.js (WebGL) over the graphology graph, with what the
// panels ask it to show — a selected actor, traced paths, a removal — folded
// into sigma's reducers so nothing is copied.

import Sigma from "sigma";
import { EdgeArrowProgram, EdgeLineProgram } from "sigma/rendering";
import type { NodeDisplayData, PartialButFor } from "sigma/types";
import type { Settings } from "sigma/settings";
import { DIM_EDGE, DIM_NODE, ISOLATED_COLOR, PATH_COLORS, REMOVED_COLOR, type Scope, linkInScope } from "./model";
import { ActorFocus, type Direction } from "./map-focus";
import type { EdgeAttrs, Network, NodeAttrs } from "./network";

/** Links beyond which the map cuts per-frame work: no edges while moving, no hover dimming. */
const LARGE = 5000;

/** The whole network, with a margin. */
const HOME = { x: 0.5, y: 0.5, ratio: 1.05, angle: 0 };

export interface MapPath {
  actors: string[];
  links: string[];
}

export interface MapEvents {
  /** An actor was clicked (or tapped); add means shift/ctrl/cmd was held. */
  pick(id: string, add: boolean): void;
}

export class NetworkMap {
  readonly sigma: Sigma<NodeAttrs, EdgeAttrs>;
  /** The actor the keyboard is on. */
  readonly focus: ActorFocus;
  private hovered: string | null = null;
  private hoverNeighbours = new Set<string>();
  private selected: string | null = null;
  private brokers = new Set<string>(); // drawn in bold when labelled
  private labelled = new Set<string>(); // always labelled
  private pathNodes = new Map<string, number[]>(); // actor → the paths it is on
  private pathEdges = new Map<string, number[]>(); // link → the paths that use it
  private focusedPath: number | null = null;
  private removed = new Set<string>();
  private marked = new Set<string>(); // chosen for a removal, not yet computed
  private isolated = new Set<string>();
  private highlighted = new Set<string>(); // a legend entry's actors (a community)
  private outOfScope = { actors: new Set<string>(), links: new Set<string>() };
  private lastInput = -Infinity;
  private pointerDown = false;

  /** brokers and labelled: as setBrokers, drawn from the first frame. */
  constructor(
    private graph: Network,
    container: HTMLElement,
    brokers: string[],
    labelled: number,
    events: MapEvents,
  ) {
    this.setBrokers(brokers, labelled, false);
    this.sigma = new Sigma<NodeAttrs, EdgeAttrs>(graph, container, {
      zIndex: true,
      labelFont: "system-ui, 'DejaVu Sans', sans-serif",
      labelSize: 13,
      labelWeight: "500",
      labelRenderedSizeThreshold: graph.order < 200 ? 9 : 7,
      labelDensity: graph.order < 200 ? 1 : 0.4,
      minEdgeThickness: 0.8,
      defaultDrawNodeLabel: drawLabel,
      defaultDrawNodeHover: drawHover,
      nodeReducer: (id, a) => this.reduceNode(id, a),
      edgeReducer: (id, a) => this.reduceEdge(id, a),
      // Every link is in before the map is made: settle what depends on
      // their number now, so nothing redraws everything once more. Links
      // are hidden while the map moves by hideEdgesWhileMoving, not by
      // sigma's hideEdgesOnMove, which re-indexes the whole graph after
      // every drag; labels too, as the canvas redraws them each frame.
      hideLabelsOnMove: graph.size > LARGE,
      // Thousands of links: one-pixel lines (two vertices each) instead of
      // quads draw several times faster, which matters most where WebGL
      // runs in software.
      ...(graph.size > LARGE ? { edgeProgramClasses: { line: EdgeLineProgram, arrow: EdgeArrowProgram } } : {}),
    });
    this.sigma.on("clickNode", ({ node, event }) => {
      const o = event.original as MouseEvent;
      events.pick(node, o.shiftKey || o.ctrlKey || o.metaKey);
    });
    this.sigma.on("enterNode", ({ node }) => this.hover(node));
    this.sigma.on("leaveNode", () => this.hover(null));
    this.focus = new ActorFocus(graph, this.sigma, (id) => !this.outOfScope.actors.has(id), () => {
      this.refresh();
      this.focus.reveal();
    });
    container.addEventListener("keydown", (e) => this.key(e, events));
    // When did someone last pan or zoom (see interacting)?
    const touch = () => (this.lastInput = performance.now());
    for (const type of ["pointerdown", "wheel", "touchmove"]) container.addEventListener(type, touch, { passive: true });
    container.addEventListener("pointerdown", () => (this.pointerDown = true));
    window.addEventListener("pointerup", () => (this.pointerDown = false));
    this.sigma.getCamera().setState(HOME);
    if (this.large()) this.hideEdgesWhileMoving();
  }

  /**
   * Skips drawing the links while the camera moves (a drag, a wheel zoom,
   * an animation) and draws them once it stops. Drawing them is most of a
   * frame's cost on a large network, and sigma's own hideEdgesOnMove
   * follows each drag with a full refresh, a stall of a few hundred
   * milliseconds there. Reaches into sigma's edge programs and mouse
   * captor (sigma 3.0), which its types keep private.
   */
  private hideEdgesWhileMoving(): void {
    type Program = { render(params: unknown): void };
    const inner = this.sigma as unknown as {
      edgePrograms: Record<string, Program>;
      mouseCaptor: { isMoving: boolean; draggedEvents: number; currentWheelDirection: number };
    };
    const camera = this.sigma.getCamera();
    const m = inner.mouseCaptor;
    const moving = () => camera.isAnimated() || m.isMoving || m.draggedEvents > 0 || m.currentWheelDirection !== 0;
    let stale = false; // the last frame was drawn without the links
    let waiting = false;
    for (const p of Object.values(inner.edgePrograms)) {
      const render = p.render.bind(p);
      p.render = (params) => {
        stale = moving();
        if (!stale) render(params);
      };
    }
    // Sigma draws a frame when the camera stops, which usually draws the
    // links; if that frame was drawn while it still seemed to move, one
    // more frame draws them once it rests (never a second one: drawing the
    // links is the frame's costly part).
    const settle = () => {
      if (moving()) {
        setTimeout(settle, 50);
        return;
      }
      waiting = false;
      if (stale) this.sigma.scheduleRender();
    };
    this.sigma.on("afterRender", () => {
      if (stale && !waiting) {
        waiting = true;
        setTimeout(settle, 50);
      }
    });
  }

  private reduceNode(id: string, a: NodeAttrs): NodeAttrs {
    // Display data on top of the attributes (sigma hands the reducer a
    // copy of them); a null label hides it.
    const d = a as Omit<NodeAttrs, "label"> & Partial<NodeDisplayData> & { broker?: boolean };
    const label = a.label;
    const onPath = this.pathNodes.has(id);
    if (this.outOfScope.actors.has(id) && !onPath && id !== this.selected) d.hidden = true;
    if (this.brokers.has(id)) {
      d.forceLabel = this.labelled.has(id);
      d.broker = true;
      d.zIndex = 1;
    }
    if (this.pathNodes.size) {
      if (onPath && this.showsPath(this.pathNodes.get(id)!)) {
        d.forceLabel = true;
        d.zIndex = 2;
      } else {
        d.color = DIM_NODE;
        d.forceLabel = false;
        d.label = null;
      }
    } else if (this.highlighted.size) {
      if (this.highlighted.has(id)) d.zIndex = 2;
      else {
        d.color = DIM_NODE;
        d.label = null;
        d.forceLabel = false;
      }
    } else if (this.hovered) {
      if (id !== this.hovered && !this.hoverNeighbours.has(id)) {
        d.color = DIM_NODE;
        d.label = null;
        d.forceLabel = false;
      } else {
        d.forceLabel = true;
        d.zIndex = 2;
      }
    }
    if (this.removed.has(id) || this.marked.has(id)) {
      d.color = REMOVED_COLOR;
      d.forceLabel = true;
      d.zIndex = 3;
    } else if (this.isolated.has(id)) {
      d.color = ISOLATED_COLOR;
      d.forceLabel = true;
      d.zIndex = 3;
    }
    if (id === this.selected) {
      d.highlighted = true;
      d.zIndex = 4;
    }
    if (id === this.focus?.current) {
      d.forceLabel = true;
      d.label = label;
      d.zIndex = 5;
    }
    return d as NodeAttrs;
  }

  private reduceEdge(id: string, a: EdgeAttrs): Partial<EdgeAttrs> & { hidden?: boolean; zIndex?: number } {
    const d: Partial<EdgeAttrs> & { hidden?: boolean; zIndex?: number } = a; // sigma's copy
    const paths = this.pathEdges.get(id);
    if (this.outOfScope.links.has(id) && !paths) {
      d.hidden = true;
      return d;
    }
    if (this.large()) {
      // Thousands of links: thin and pale, so the actors show through.
      d.color = pale(a.color);
      d.size = 0.5;
    }
    // Only these ask where the link goes (a lookup per link per redraw).
    if (!this.pathEdges.size && !this.highlighted.size && !this.hovered && !this.selected && !this.removed.size) return d;
    const [s, t] = this.graph.extremities(id);
    if (this.pathEdges.size) {
      if (paths && this.showsPath(paths)) {
        d.color = PATH_COLORS[(this.focusedPath ?? paths[0]) % PATH_COLORS.length];
        d.size = 5;
        d.zIndex = 2;
      } else {
        d.color = DIM_EDGE;
      }
    } else if (this.highlighted.size) {
      if (!this.highlighted.has(s) || !this.highlighted.has(t)) d.color = DIM_EDGE;
    } else if (this.hovered) {
      if (s !== this.hovered && t !== this.hovered) d.color = DIM_EDGE;
      else d.size = (a.size ?? 1) + 1.5;
    } else if (this.selected && (s === this.selected || t === this.selected)) {
      d.size = (a.size ?? 1) + 1.5;
      d.zIndex = 1;
    }
    if (this.removed.has(s) || this.removed.has(t)) d.color = DIM_EDGE;
    return d;
  }

  /** Is an actor or link on these paths drawn (all paths, or the focused one)? */
  private showsPath(paths: number[]): boolean {
    return this.focusedPath === null || paths.includes(this.focusedPath);
  }

  /**
   * Dims everyone but the hovered actor's neighbours. On a large network
   * that re-renders everything at each hover, too slow to do while the
   * pointer moves, so there sigma's own hover label is all it shows.
   */
  private hover(id: string | null): void {
    if (this.large()) return;
    this.hovered = id;
    this.hoverNeighbours = new Set(id ? this.graph.neighbors(id) : []);
    this.sigma.refresh({ skipIndexation: true });
  }

  /**
   * Arrow keys move to the nearest actor that way, Page Up/Down, Home and
   * End and letters go through every actor by name, Enter opens the
   * focused actor's card (Shift+Enter: adds it to a removal), Escape
   * leaves it; Shift+arrows pan, + and − zoom, 0 fits the whole network.
   */
  private key(e: KeyboardEvent, events: MapEvents): void {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const camera = this.sigma.getCamera();
    const { x, y, ratio } = camera.getState();
    const step = 0.1 * ratio;
    const pans: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    const dirs: Record<string, Direction> = { ArrowLeft: "left", ArrowRight: "right", ArrowUp: "up", ArrowDown: "down" };
    const f = this.focus;
    // While a name is being typed, spaces and digits are part of it.
    if (e.key.length === 1 && (f.typing() ? e.key !== "+" : /^\p{L}$/u.test(e.key))) f.typeAhead(e.key);
    else if (pans[e.key] && e.shiftKey) camera.animate({ x: x + pans[e.key][0], y: y + pans[e.key][1] }, { duration: 150 });
    else if (dirs[e.key]) f.move(dirs[e.key]);
    else if (e.key === "PageDown") f.step(1);
    else if (e.key === "PageUp") f.step(-1);
    else if (e.key === "Home" || e.key === "End") f.edge(e.key === "End");
    else if ((e.key === "Enter" || e.key === " ") && f.current) events.pick(f.current, e.shiftKey);
    else if (e.key === "Escape" && f.current) f.set(null);
    else if (e.key === "+" || e.key === "=") camera.animatedZoom({ duration: 200 });
    else if (e.key === "-" || e.key === "_") camera.animatedUnzoom({ duration: 200 });
    else if (e.key === "0") camera.animate(HOME, { duration: 300 });
    else return;
    e.preventDefault();
  }

  /**
   * Hides the links outside the scope, and the actors left with none (when
   * the scope narrows anything). Kept here, not in the graph: sigma repaints
   * attribute updates in place, which it cannot do for hidden items.
   */
  setScope(scope: Scope): void {
    const links = new Set<string>();
    const active = new Set<string>();
    this.graph.forEachEdge((id, a, source, target) => {
      if (linkInScope({ type: a.linkType, from: a.from, to: a.to, programme: a.programme }, scope)) {
        active.add(source);
        active.add(target);
      } else links.add(id);
    });
    const actors = new Set<string>();
    if (links.size || scope.linkTypes || scope.programmeId || scope.from || scope.to) {
      this.graph.forEachNode((id) => {
        if (!active.has(id)) actors.add(id);
      });
    }
    this.outOfScope = { actors, links };
    this.reindex();
  }

  /** How many actors and links the scope leaves on the map. */
  visible(): { actors: number; links: number } {
    return { actors: this.graph.order - this.outOfScope.actors.size, links: this.graph.size - this.outOfScope.links.size };
  }

  /** Draws these actors (and the links among them) over the rest, dimmed; null or [] clears it. */
  setHighlight(ids: Iterable<string> | null): void {
    this.highlighted = new Set(ids ?? []);
    this.refresh();
  }

  private large(): boolean {
    return this.graph.size > LARGE;
  }

  /** Is someone panning or zooming, or was a moment ago? */
  interacting(): boolean {
    return this.pointerDown || performance.now() - this.lastInput < 250 || this.sigma.getCamera().isAnimated();
  }

  zoomIn(): void {
    this.sigma.getCamera().animatedZoom({ duration: 200 });
  }
  zoomOut(): void {
    this.sigma.getCamera().animatedUnzoom({ duration: 200 });
  }
  fit(): void {
    this.sigma.getCamera().animate(HOME, { duration: 300 });
  }

  /** Moves the camera to an actor, zooming in if the view is wide. */
  centreOn(id: string): void {
    const d = this.sigma.getNodeDisplayData(id);
    if (!d) return;
    const camera = this.sigma.getCamera();
    camera.animate({ x: d.x, y: d.y, ratio: Math.min(camera.getState().ratio, 0.5) }, { duration: 400 });
  }

  /** Moves the camera to show these actors, with a margin. */
  frame(ids: string[]): void {
    const points = ids.map((id) => this.sigma.getNodeDisplayData(id)).filter((d) => d !== undefined);
    if (!points.length) return;
    const xs = points.map((p) => p.x);
    const ys = points.map((p) => p.y);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    // A camera ratio of 1 shows the whole (normalised) network.
    const ratio = Math.min(1, Math.max(0.2, Math.max(x1 - x0, y1 - y0) * 1.5));
    this.sigma.getCamera().animate({ x: (x0 + x1) / 2, y: (y0 + y1) / 2, ratio }, { duration: 500 });
  }

  select(id: string | null): void {
    this.selected = id;
    this.refresh();
  }

  /** The top brokers, best first: all in bold, the first few always labelled. */
  setBrokers(ids: string[], labelled: number, redraw = true): void {
    this.brokers = new Set(ids);
    this.labelled = new Set(ids.slice(0, labelled));
    if (redraw) this.refresh();
  }

  /** Highlights traced paths (the first in the first colour); [] clears them. */
  setPaths(paths: MapPath[]): void {
    this.pathNodes.clear();
    this.pathEdges.clear();
    this.focusedPath = null;
    const add = (m: Map<string, number[]>, key: string, i: number) => m.set(key, [...(m.get(key) ?? []), i]);
    paths.forEach((p, i) => {
      for (const a of p.actors) add(this.pathNodes, a, i);
      for (const l of p.links) add(this.pathEdges, l, i);
    });
    this.refresh();
  }

  /** Shows one traced path only; null shows them all. */
  focusPath(i: number | null): void {
    this.focusedPath = i;
    this.refresh();
  }

  highlightedLinks(): string[] {
    return [...this.pathEdges.keys()];
  }

  /** Actors chosen for a removal (drawn dark until the impact is computed). */
  setMarked(ids: Iterable<string>): void {
    this.marked = new Set(ids);
    this.refresh();
  }

  /** The outcome of a removal: who left and who is left without ties. */
  setRemoval(removed: string[], isolated: string[]): void {
    this.removed = new Set(removed);
    this.isolated = new Set(isolated);
    this.refresh();
  }

  refresh(): void {
    this.sigma.refresh({ skipIndexation: true });
  }

  /** Re-reads positions and sizes after the graph changed. */
  reindex(): void {
    this.sigma.refresh();
  }
}

const paleCache = new Map<string, string>();

/** "#rrggbb" mixed 60% towards white (opaque: blending translucent WebGL lines with many overlaps looks muddy). */
function pale(hex: string): string {
  let c = paleCache.get(hex);
  if (!c) {
    const n = parseInt(hex.slice(1), 16);
    const mix = (v: number) => Math.round(v + (255 - v) * 0.6).toString(16).padStart(2, "0");
    c = `#${mix((n >> 16) & 255)}${mix((n >> 8) & 255)}${mix(n & 255)}`;
    paleCache.set(hex, c);
  }
  return c;
}

type LabelData = PartialButFor<NodeDisplayData, "x" | "y" | "size" | "label" | "color">;

/**
 * Where a label goes: right of its node, or left if it would run off the
 * right edge, shortened if it fits neither side. Brokers' labels are bold.
 */
function placeLabel(ctx: CanvasRenderingContext2D, data: LabelData, settings: Settings<NodeAttrs, EdgeAttrs>) {
  const size = settings.labelSize;
  ctx.font = `${data.broker ? "700" : settings.labelWeight} ${size}px ${settings.labelFont}`;
  const viewport = ctx.canvas.width / (window.devicePixelRatio || 1);
  const right = viewport - 4 - (data.x + data.size + 3); // room on each side
  const left = data.x - data.size - 3 - 4;
  let label = data.label ?? "";
  let width = ctx.measureText(label).width;
  const onLeft = width > right && left > right;
  const room = Math.max(onLeft ? left : right, 40);
  while (width > room && label.length > 4) {
    label = label.slice(0, Math.max(3, Math.floor(label.length * (room / width)) - 2)) + "…";
    width = ctx.measureText(label).width;
  }
  const x = onLeft ? data.x - data.size - 3 - width : data.x + data.size + 3;
  return { label, x, y: data.y + size / 3, width, size };
}

/** Labels with a white halo, so they stay readable over links. */
function drawLabel(ctx: CanvasRenderingContext2D, data: LabelData, settings: Settings<NodeAttrs, EdgeAttrs>): void {
  if (!data.label) return;
  const { label, x, y } = placeLabel(ctx, data, settings);
  ctx.lineJoin = "round";
  ctx.lineWidth = 3.5;
  ctx.strokeStyle = "rgba(255, 255, 255, 0.92)";
  ctx.strokeText(label, x, y);
  ctx.fillStyle = "#1b1f24";
  ctx.fillText(label, x, y);
}

/** A hovered or selected actor: its label on a white card with a shadow, placed as drawLabel places it. */
function drawHover(ctx: CanvasRenderingContext2D, data: LabelData, settings: Settings<NodeAttrs, EdgeAttrs>): void {
  ctx.fillStyle = "#fff";
  ctx.shadowColor = "rgba(0, 0, 0, 0.35)";
  ctx.shadowBlur = 8;
  ctx.beginPath();
  ctx.arc(data.x, data.y, data.size + 3, 0, Math.PI * 2);
  ctx.fill();
  if (data.label) {
    const { label, x, y, width, size } = placeLabel(ctx, data, settings);
    ctx.fillRect(x - 4, data.y - size / 2 - 5, width + 8, size + 10);
    ctx.shadowBlur = 0;
    ctx.fillStyle = "#1b1f24";
    ctx.fillText(label, x, y);
  }
  ctx.shadowBlur = 0;
}
