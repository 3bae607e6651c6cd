// The ForceAtlas2 web worker (served as /explore/layout.js): runs layout
// iterations off the main thread and posts positions back a few times a
// second, so the map stays responsive while the layout settles.

import iterate from "graphology-layout-forceatlas2/iterate.js";
import type { ForceAtlas2Settings } from "graphology-layout-forceatlas2";
import type { LayoutRequest, LayoutTick } from "./layout";

const PPN = 10; // floats per node in the matrix; x and y come first

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<LayoutRequest>) => void) | null;
  postMessage(message: LayoutTick, transfer: Transferable[]): void;
};

let nodes = new Float32Array(0);
let edges = new Float32Array(0);
let settings: ForceAtlas2Settings = {};
let remaining = 0;
let tickMs = 50;
let timer: ReturnType<typeof setTimeout> | undefined;

scope.onmessage = (e) => {
  const m = e.data;
  clearTimeout(timer);
  if (m.type === "stop") {
    remaining = 0;
    return;
  }
  if (m.nodes && m.edges) {
    nodes = new Float32Array(m.nodes);
    edges = new Float32Array(m.edges);
  }
  settings = m.settings;
  remaining = m.iterations;
  tickMs = m.tickMs;
  timer = setTimeout(run, 0);
};

function run(): void {
  const start = performance.now();
  let done = 0;
  while (remaining > 0 && (done === 0 || performance.now() - start < tickMs)) {
    iterate(settings, nodes, edges);
    remaining--;
    done++;
  }
  const n = nodes.length / PPN;
  const xy = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    xy[2 * i] = nodes[i * PPN];
    xy[2 * i + 1] = nodes[i * PPN + 1];
  }
  scope.postMessage({ xy: xy.buffer, remaining, iterations: done }, [xy.buffer]);
  if (remaining > 0) timer = setTimeout(run, 0); // lets a stop message in
}
