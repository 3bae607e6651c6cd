// Runs ForceAtlas2 (Jacomy et al. 2014, PLoS ONE 9(6): e98679) in the
// layout worker and copies the positions it posts into the graph.

import type { ForceAtlas2Settings } from "graphology-layout-forceatlas2";
import { graphToByteArrays } from "graphology-layout-forceatlas2/helpers.js";
import type { Network } from "./network";

export interface LayoutRequest {
  type: "start" | "resume" | "stop";
  nodes?: ArrayBuffer;
  edges?: ArrayBuffer;
  settings: ForceAtlas2Settings;
  iterations: number;
  tickMs: number;
}

export interface LayoutTick {
  xy: ArrayBuffer;
  remaining: number;
  iterations: number;
}

export class Layout {
  private worker: Worker;
  private running = false;
  private started = false;
  private settings: ForceAtlas2Settings;
  private tickMs: number;
  /** Iterations for a full run: enough to settle, fixed so the result is repeatable. */
  readonly iterations: number;

  /**
   * onState hears when the layout starts and stops; interacting says whether
   * someone is moving the map just now (positions wait until they stop).
   */
  constructor(
    private graph: Network,
    private onState: (running: boolean) => void,
    private interacting: () => boolean = () => false,
  ) {
    this.worker = new Worker("/explore/layout.js");
    this.worker.onmessage = (e: MessageEvent<LayoutTick>) => this.tick(e.data);
    const n = graph.order;
    // The worker hands these to iterate() as they are, so every setting is
    // given. Based on the package's inferSettings, with stronger gravity for
    // small networks (their components stay in view) and hubs' attraction
    // spread over their links, which keeps brokers between the groups they join.
    this.settings = {
      linLogMode: false,
      outboundAttractionDistribution: true,
      adjustSizes: false,
      edgeWeightInfluence: 1,
      scalingRatio: 10,
      strongGravityMode: true,
      gravity: n < 2000 ? 0.5 : 0.05,
      slowDown: 1 + Math.log(Math.max(n, 1)),
      barnesHutOptimize: n > 1000,
      barnesHutTheta: 0.5,
    };
    this.iterations = n < 500 ? 600 : n < 3000 ? 400 : 300;
    this.tickMs = n < 2000 ? 30 : 80;
  }

  isRunning(): boolean {
    return this.running;
  }

  /** Starts from the graph's current positions, or resumes a paused run. */
  start(iterations = this.iterations): void {
    const req: LayoutRequest = { type: "start", settings: this.settings, iterations, tickMs: this.tickMs };
    const transfer: ArrayBuffer[] = [];
    if (!this.started) {
      const m = graphToByteArrays(this.graph, (_, a) => (a.weight as number) ?? 1);
      req.nodes = m.nodes.buffer as ArrayBuffer;
      req.edges = m.edges.buffer as ArrayBuffer;
      transfer.push(req.nodes, req.edges);
      this.started = true;
    } else {
      req.type = "resume";
    }
    this.worker.postMessage(req, transfer);
    this.setRunning(true);
  }

  stop(): void {
    this.worker.postMessage({ type: "stop", settings: this.settings, iterations: 0, tickMs: 0 } satisfies LayoutRequest);
    this.setRunning(false);
  }

  /**
   * Keeps the newest positions and applies them when the main thread has
   * room: after the previous update has been drawn, a pause as long as that
   * update took, and never while someone pans or zooms. On a large network
   * a redraw costs tens of milliseconds, and applying every tick would
   * leave no time for input.
   */
  private tick(t: LayoutTick): void {
    if (!this.running) return;
    this.latest = t;
    if (!this.waiting) this.apply();
  }

  private latest: LayoutTick | null = null;
  private waiting = false;

  private apply(): void {
    const t = this.latest;
    if (!t) return;
    if (this.interacting()) {
      this.pause(100);
      return;
    }
    this.latest = null;
    const start = performance.now();
    const xy = new Float32Array(t.xy);
    let i = 0;
    // The worker's node order is graphology's iteration order.
    this.graph.updateEachNodeAttributes((_, a) => {
      a.x = xy[i++];
      a.y = xy[i++];
      return a;
    }, { attributes: ["x", "y"] });
    if (t.remaining === 0) this.setRunning(false);
    // sigma redraws on the next frame; measure up to then.
    requestAnimationFrame(() => this.pause(Math.max(40, performance.now() - start)));
  }

  private pause(ms: number): void {
    this.waiting = true;
    setTimeout(() => {
      this.waiting = false;
      this.apply();
    }, ms);
  }

  private setRunning(running: boolean): void {
    if (this.running === running) return;
    this.running = running;
    this.onState(running);
  }
}
