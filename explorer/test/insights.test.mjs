// The Insights view in a browser: each chart's table holds the numbers the
// README's dashboard queries answer, the charts are reachable by keyboard,
// and a link made through GraphQL reaches the live counter and the
// links-per-month chart without a reload.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { graphql, importSource, launchBrowser, openExplorer, screenshot, startService } from "./harness.mjs";

let service;
let browser;
let queries;

before(async () => {
  queries = await importSource("src/insights-queries.ts");
  service = await startService({ demo: true, auth: true, roles: ["editor"] });
  browser = await launchBrowser({ width: 1400, height: 1000 });
});

after(async () => {
  await browser?.close();
  await service?.stop();
});

const data = (query, variables) => graphql(service.url, query, variables, { key: service.keys.editor });

/** A chart's data table as rows of cell texts (header row first). */
function table(page, id) {
  return page.locator(`#${id} table`).evaluate((t) => [...t.rows].map((r) => [...r.cells].map((c) => c.textContent)));
}

const count = (s) => Number(s.replaceAll(",", ""));
const percent = (x) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;
const period = (p) => (p.from.slice(0, 4) === p.to.slice(0, 4) ? p.from.slice(0, 4) : `${p.from.slice(0, 4)}–${p.to.slice(2, 4)}`);

/** Month → type → count from linksAggregate(groupBy: [MONTH, TYPE]), dated links only. */
function perMonth(groups) {
  const m = new Map();
  for (const g of groups.filter((g) => g.keys[0] != null)) {
    if (!m.has(g.keys[0])) m.set(g.keys[0], {});
    m.get(g.keys[0])[g.keys[1]] = g.count;
  }
  return m;
}

/** The links chart's table as month → type → count (and its Total column checked). */
async function linksChart(page) {
  const [head, ...rows] = await table(page, "chart-links");
  const m = new Map();
  for (const [month, ...cells] of rows) {
    const byType = {};
    head.slice(1, -1).forEach((type, i) => count(cells[i]) && (byType[type] = count(cells[i])));
    const total = Object.values(byType).reduce((a, b) => a + b, 0);
    assert.equal(count(cells.at(-1)), total, `total of ${month}`);
    if (total) m.set(month, byType); // months without links are drawn as gaps
  }
  return m;
}

async function openInsights(page) {
  await page.getByRole("button", { name: "Insights" }).click();
  const dialog = page.getByRole("dialog", { name: "Insights" });
  await dialog.locator('#insights-charts[aria-busy="false"] #chart-brokers').waitFor();
  return dialog;
}

test("the Insights view shows the dashboard queries' numbers, each chart with a text alternative and reachable by keyboard", async (t) => {
  const { page, problems } = await openExplorer(browser.context, service.url, { key: service.keys.editor });
  t.after(() => page.close());
  await openInsights(page);
  const ls = await data(queries.LINKS_AND_SECTORS);
  const series = await data(queries.SERIES);

  assert.deepEqual(await linksChart(page), perMonth(ls.linksAggregate));
  const sectors = ls.actorsAggregate.map((g) => [g.keys[0] ?? "none", g.count]).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  assert.deepEqual((await table(page, "chart-sectors")).slice(1).map(([s, n]) => [s, count(n)]), sectors);
  const periods = series.networkSeries.map(period);
  assert.deepEqual(
    (await table(page, "chart-cross")).slice(1),
    series.networkSeries.map((p, i) => [periods[i], percent(p.summary.crossSectorLinkShare)]),
  );
  const [bumpHead, ...bumpRows] = await table(page, "chart-brokers");
  assert.deepEqual(bumpHead, ["Broker", ...periods]);
  for (const [i, p] of series.networkSeries.entries()) {
    const shown = bumpRows.filter((r) => r[i + 1] !== "–").map((r) => [r[i + 1], r[0]]).sort();
    assert.deepEqual(shown, p.summary.topBrokers.map((b) => [`#${b.rank}`, b.actor.name]).sort(), `top brokers of ${periods[i]}`);
  }

  // Text alternatives: a named figure with a summary and a captioned table; the SVG is decoration.
  const charts = ["chart-links", "chart-sectors", "chart-cross", "chart-brokers"];
  for (const id of charts) {
    const fig = await page.locator(`#${id}`).evaluate((f) => ({
      name: document.getElementById(f.getAttribute("aria-labelledby"))?.textContent,
      desc: document.getElementById(f.getAttribute("aria-describedby"))?.textContent,
      caption: f.querySelector("table caption")?.textContent,
      svgHidden: f.querySelector("svg").getAttribute("aria-hidden"),
    }));
    assert.ok(fig.name && fig.desc && fig.caption, `${id} lacks a name, summary or table caption: ${JSON.stringify(fig)}`);
    assert.equal(fig.svgHidden, "true");
  }
  // Keyboard: Tab from the dialog's Close button reaches every chart.
  await page.getByRole("button", { name: "Close" }).focus();
  const reached = new Set();
  for (let i = 0; i < 40 && reached.size < charts.length; i++) {
    await page.keyboard.press("Tab");
    const id = await page.evaluate(() => document.activeElement?.id);
    if (charts.includes(id)) reached.add(id);
  }
  assert.deepEqual([...reached].sort(), [...charts].sort());
  await page.keyboard.press("Escape");
  await page.getByRole("dialog", { name: "Insights" }).waitFor({ state: "hidden" });
  await waitSubscriptions(0); // closing the view ends its subscription
  assert.deepEqual(problems, []);
});

test("a link made through GraphQL reaches the live counter and the links-per-month chart without a reload", async (t) => {
  const { page, problems } = await openExplorer(browser.context, service.url, { key: service.keys.editor });
  t.after(() => page.close());
  await page.evaluate(() => (window.notReloaded = true));
  const dialog = await openInsights(page);
  const live = dialog.locator("#insights-live");
  await live.getByText("Live: 0 changes since opened").waitFor();
  // The server holds the view's subscription once its metric counts it: a write made next is one it must see.
  await waitSubscriptions(1);
  const month = "2019-03";
  const before = (await linksChart(page)).get(month) ?? {};

  await data(`mutation { createLink(input: {type: FUNDING, sourceId: "liverpool-hope-university", targetId: "tina-cook", from: "2019-03-15", evidence: {source: "insights test"}}) { id } }`);
  await live.getByText("Live: 1 change since opened").waitFor();
  const want = { ...before, FUNDING: (before.FUNDING ?? 0) + 1 };
  const rowTotal = dialog.locator("#chart-links tbody tr", { has: page.locator("th", { hasText: month }) }).locator("td").last();
  await rowTotal.filter({ hasText: new RegExp(`^${Object.values(want).reduce((a, b) => a + b, 0)}$`) }).waitFor({ state: "attached" });
  assert.deepEqual((await linksChart(page)).get(month), want);
  assert.deepEqual(await linksChart(page), perMonth((await data(queries.LINKS_AND_SECTORS)).linksAggregate));
  assert.equal(await page.evaluate(() => window.notReloaded), true, "the page reloaded");
  await dialog.locator("#chart-links").scrollIntoViewIfNeeded();
  await screenshot(page, "insights.png");
  assert.deepEqual(problems, []);
});

async function waitSubscriptions(n) {
  for (let i = 0; ; i++) {
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    if (new RegExp(`^partnergraph_live_subscriptions ${n}$`, "m").test(metrics)) return;
    if (i > 6000) throw new Error(`the server never held ${n} subscriptions`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
