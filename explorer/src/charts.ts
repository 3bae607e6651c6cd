// Hand-rolled SVG charts for the Insights view. Each chart is a focusable
// figure (tabindex 0) whose SVG is hidden from assistive technology; the
// numbers are in a table beside it (in a <details>), which is the chart's
// text alternative and what the browser tests read.

import { h, num, percent, swatch } from "./dom";

const SVG = "http://www.w3.org/2000/svg";
const W = 560;
const H = 220;
const PAD = { l: 40, r: 30, t: 10, b: 28 };
export const PALETTE = ["#1b6ca8", "#d1495b", "#edae49", "#00798c", "#66a182", "#8d6a9f", "#30638e", "#a05195", "#777"];

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, text?: string): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

function canvas(): SVGSVGElement {
  const s = svg("svg", { viewBox: `0 0 ${W} ${H}`, "aria-hidden": "true", focusable: "false" });
  s.classList.add("chart-svg");
  return s;
}

/** A figure: title, chart, summary sentence and the data table. */
function figure(id: string, title: string, summary: string, chart: SVGSVGElement, table: HTMLTableElement): HTMLElement {
  const caption = h("figcaption", { id: `${id}-title` }, title);
  const desc = h("p", { id: `${id}-desc`, class: "chart-desc" }, summary);
  const fig = h("figure", { id, class: "chart", tabindex: 0 }, caption, chart, desc, h("details", {}, h("summary", {}, "Data table"), table));
  fig.setAttribute("aria-labelledby", `${id}-title`);
  fig.setAttribute("aria-describedby", `${id}-desc`);
  return fig;
}

function table(caption: string, head: string[], rows: (string | number)[][]): HTMLTableElement {
  return h(
    "table",
    {},
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, ...head.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, ...rows.map((r) => h("tr", {}, ...r.map((c, i) => (i === 0 ? h("th", { scope: "row" }, String(c)) : h("td", {}, typeof c === "number" ? num(c) : c)))))),
  );
}

function axisLabels(s: SVGSVGElement, labels: string[], x: (i: number) => number): void {
  const every = Math.max(1, Math.ceil(labels.length / 8));
  labels.forEach((l, i) => {
    if (i % every === 0) s.append(svg("text", { x: x(i), y: H - 8, "text-anchor": "middle", class: "tick" }, l));
  });
}

function yAxis(s: SVGSVGElement, max: number, fmt: (v: number) => string): void {
  s.append(svg("text", { x: PAD.l - 4, y: PAD.t + 8, "text-anchor": "end", class: "tick" }, fmt(max)));
  s.append(svg("text", { x: PAD.l - 4, y: H - PAD.b, "text-anchor": "end", class: "tick" }, fmt(0)));
  s.append(svg("line", { x1: PAD.l, x2: W - PAD.r, y1: H - PAD.b, y2: H - PAD.b, class: "axis" }));
}

/** Stacked columns: one per x label, one band per series. */
export function stackedBars(id: string, title: string, xs: string[], series: string[], value: (x: string, s: string) => number): HTMLElement {
  const s = canvas();
  const totals = xs.map((x) => series.reduce((t, k) => t + value(x, k), 0));
  const max = Math.max(1, ...totals);
  const bw = (W - PAD.l - PAD.r) / Math.max(1, xs.length);
  const y = (v: number) => ((H - PAD.t - PAD.b) * v) / max;
  xs.forEach((x, i) => {
    let base = H - PAD.b;
    series.forEach((k, j) => {
      const v = value(x, k);
      if (!v) return;
      base -= y(v);
      s.append(svg("rect", { x: PAD.l + i * bw + 1, y: base, width: Math.max(1, bw - 2), height: y(v), fill: PALETTE[j % PALETTE.length] }));
    });
  });
  yAxis(s, max, num);
  axisLabels(s, xs, (i) => PAD.l + (i + 0.5) * bw);
  const total = totals.reduce((a, b) => a + b, 0);
  const peak = xs[totals.indexOf(Math.max(...totals))] ?? "";
  const summary = `${num(total)} links over ${xs.length} months; the busiest was ${peak} with ${num(Math.max(0, ...totals))}.`;
  const rows = xs.map((x, i) => [x, ...series.map((k) => value(x, k)), totals[i]]);
  const fig = figure(id, title, summary, s, table(title, ["Month", ...series, "Total"], rows));
  fig.insertBefore(legend(series), fig.querySelector(".chart-desc"));
  return fig;
}

function legend(names: string[]): HTMLElement {
  return h("ul", { class: "chart-legend" }, ...names.map((n, j) => h("li", {}, swatch(PALETTE[j % PALETTE.length]), " ", n)));
}

/** Horizontal bars, largest first as given. */
export function bars(id: string, title: string, rows: [string, number][], unit: string): HTMLElement {
  const s = canvas();
  const max = Math.max(1, ...rows.map((r) => r[1]));
  const bh = (H - PAD.t - 4) / Math.max(1, rows.length);
  rows.forEach(([label, v], i) => {
    const yy = PAD.t + i * bh;
    s.append(svg("text", { x: 150, y: yy + bh * 0.7, "text-anchor": "end", class: "tick" }, label));
    s.append(svg("rect", { x: 155, y: yy + 1, width: ((W - 200) * v) / max, height: Math.max(1, bh - 2), fill: PALETTE[0] }));
    s.append(svg("text", { x: 160 + ((W - 200) * v) / max, y: yy + bh * 0.7, class: "tick" }, num(v)));
  });
  const total = rows.reduce((t, r) => t + r[1], 0);
  const summary = rows.length ? `${num(total)} ${unit} in ${rows.length} sectors; the largest is ${rows[0][0]} with ${num(rows[0][1])}.` : `No ${unit}.`;
  return figure(id, title, summary, s, table(title, ["Sector", unit[0].toUpperCase() + unit.slice(1)], rows));
}

/** A line of shares (0..1) over periods. */
export function shareLine(id: string, title: string, points: [string, number][]): HTMLElement {
  const s = canvas();
  const n = points.length;
  const x = (i: number) => PAD.l + ((W - PAD.l - PAD.r) * (n > 1 ? i / (n - 1) : 0.5));
  const y = (v: number) => H - PAD.b - (H - PAD.t - PAD.b) * v;
  s.append(svg("polyline", { points: points.map(([, v], i) => `${x(i)},${y(v)}`).join(" "), fill: "none", stroke: PALETTE[0], "stroke-width": 2 }));
  points.forEach(([, v], i) => s.append(svg("circle", { cx: x(i), cy: y(v), r: 3, fill: PALETTE[0] })));
  yAxis(s, 1, percent);
  axisLabels(s, points.map((p) => p[0]), x);
  const summary = n ? `Cross-sector links were ${percent(points[0][1])} of links in ${points[0][0]} and ${percent(points[n - 1][1])} in ${points[n - 1][0]}.` : "No periods.";
  return figure(id, title, summary, s, table(title, ["Period", "Cross-sector share"], points.map(([p, v]) => [p, percent(v)])));
}

/** A bump chart: each name's rank per period (rank 1 on top). */
export function bump(id: string, title: string, periods: string[], ranks: Map<string, (number | null)[]>, depth: number): HTMLElement {
  const s = canvas();
  const n = periods.length;
  const x = (i: number) => PAD.l + 20 + ((W - PAD.l - PAD.r - 20) * (n > 1 ? i / (n - 1) : 0.5));
  const y = (r: number) => PAD.t + 10 + ((H - PAD.t - PAD.b - 20) * (r - 1)) / Math.max(1, depth - 1);
  const names = [...ranks.keys()];
  names.forEach((name, j) => {
    const colour = PALETTE[j % PALETTE.length];
    const rs = ranks.get(name)!;
    let path = "";
    rs.forEach((r, i) => {
      if (r == null) return;
      path += `${path && rs[i - 1] != null ? "L" : "M"}${x(i)},${y(r)}`;
      s.append(svg("circle", { cx: x(i), cy: y(r), r: 4, fill: colour }));
    });
    s.append(svg("path", { d: path, fill: "none", stroke: colour, "stroke-width": 2 }));
  });
  for (let r = 1; r <= depth; r++) s.append(svg("text", { x: PAD.l, y: y(r) + 4, "text-anchor": "end", class: "tick" }, `#${r}`));
  axisLabels(s, periods, x);
  const top = periods.map((p, i) => `${p}: ${names.find((k) => ranks.get(k)![i] === 1) ?? "none"}`);
  const summary = `Top broker by period: ${top.join("; ")}.`;
  const rows = names.map((k) => [k, ...ranks.get(k)!.map((r) => (r == null ? "–" : `#${r}`))]);
  const fig = figure(id, title, summary, s, table(title, ["Broker", ...periods], rows));
  fig.insertBefore(legend(names), fig.querySelector(".chart-desc"));
  return fig;
}
