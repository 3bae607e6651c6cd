// The explorer in a real browser against the service serving the demo
// network: node --test, playwright-core, Debian's Chromium.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { graphql, launchBrowser, openExplorer, screenshot, startService } from "./harness.mjs";

let service;
let browser;

before(async () => {
  service = await startService({ demo: true });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await service?.stop();
});

async function open(t, opts) {
  const { page, problems } = await openExplorer(browser.context, service.url, opts);
  t.after(() => page.close());
  return { page, problems };
}

/** Chooses an actor in a search box by keyboard: type, wait for the option, Enter. */
async function pick(page, selector, text, name) {
  const input = page.locator(selector);
  await input.fill("");
  await input.pressSequentially(text, { delay: 20 });
  const list = page.locator(`#${await input.getAttribute("aria-controls")}`);
  // Results for the whole text, not for a prefix typed on the way.
  await page.locator(`${selector}[aria-busy="false"][aria-expanded="true"]`).waitFor();
  const options = await list.getByRole("option").allInnerTexts();
  const index = options.findIndex((o) => o.startsWith(name));
  assert.ok(index >= 0, `no option ${name} among ${JSON.stringify(options)}`);
  for (let i = 0; i < index; i++) await input.press("ArrowDown");
  await input.press("Enter");
  assert.equal(await input.inputValue(), options[index].split("\n")[0]);
}

test("the page loads the demo network with no console errors and highlights its brokers", async (t) => {
  const { page, problems } = await open(t);
  const { networkSummary: want } = await graphql(service.url, "{ networkSummary { actors links } }");
  const got = await page.evaluate(() => ({ actors: explorer.graph.order, links: explorer.graph.size }));
  assert.deepEqual(got, want);
  assert.equal(await page.locator("#graph canvas").count() > 0, true, "sigma drew no canvas");

  const { brokers } = await graphql(service.url, "{ brokers(first: 10) { actor { id name } } }");
  const listed = await page.locator("#brokers li button").allInnerTexts();
  assert.deepEqual(listed, brokers.map((b) => b.actor.name));
  // The top broker is drawn labelled, in bold, larger than anyone else.
  const top = await page.evaluate((id) => {
    const d = explorer.map.sigma.getNodeDisplayData(id);
    let larger = 0;
    explorer.graph.forEachNode((n) => { if (explorer.map.sigma.getNodeDisplayData(n).size > d.size) larger++; });
    return { forceLabel: d.forceLabel, broker: d.broker, larger };
  }, brokers[0].actor.id);
  assert.deepEqual(top, { forceLabel: true, broker: true, larger: 0 });

  await page.waitForFunction(() => explorer.timings.layoutDone, null, { timeout: 60_000 });
  const placed = await page.evaluate(() => explorer.graph.everyNode((_, a) => Number.isFinite(a.x) && Number.isFinite(a.y)));
  assert.equal(placed, true, "the layout left actors without a position");
  t.diagnostic(`demo timings (ms since navigation): ${JSON.stringify(await page.evaluate(() => explorer.timings))}`);
  await screenshot(page, "explorer-overview.png");
  assert.deepEqual(problems, []);
});

test("search finds Liverpool Hope University and its card shows evidence, scores and roles", async (t) => {
  const { page, problems } = await open(t);
  await pick(page, "#search", "Liverpool Hope", "Liverpool Hope University");
  const card = page.locator("#card article");
  await card.getByRole("heading", { name: "Liverpool Hope University", exact: true }).waitFor();
  assert.match(await card.locator(".meta").first().innerText(), /University · Higher education/);
  // The actor's own evidence, then each link's.
  const quote = await card.locator("figure.evidence blockquote").first().innerText();
  assert.match(quote, /research, professional learning/);
  assert.match(await card.locator("figure.evidence cite").first().innerText(), /Liverpool Hope University: Partnerships/);
  assert.ok(await card.locator(".links li figure.evidence").count() > 5, "links without evidence");
  // Scores and brokerage roles arrive from brokerProfile.
  await card.locator("table.roles").waitFor();
  const betweenness = await card.locator("table.kv tr", { hasText: "Betweenness" }).locator("td").innerText();
  assert.equal(betweenness, "0.173");
  assert.match(await card.locator("table.kv").innerText(), /Cut-point\s+Yes/);
  assert.match(await card.locator("table.roles tr", { hasText: "Liaison" }).innerText(), /Liaison\s+220/);
  // The map marks the chosen actor.
  const id = await page.evaluate(() => explorer.graph.findNode((_, a) => a.key === "liverpool-hope-university"));
  assert.equal(await page.evaluate((id) => explorer.map.sigma.getNodeDisplayData(id).highlighted, id), true);
  assert.deepEqual(problems, []);
});

test("tracing paths between two actors highlights them on the map", async (t) => {
  const { page, problems } = await open(t);
  await page.waitForFunction(() => explorer.timings.layoutDone, null, { timeout: 60_000 });
  await page.locator("#brokers").getByRole("button", { name: "Liverpool Hope University", exact: true }).click();
  await page.locator("#card article").getByRole("button", { name: "Paths from here" }).click();
  await pick(page, "#path-to", "Sandymoor", "Sandymoor Academy");
  await page.locator("#path-k").fill("3");
  await page.getByRole("button", { name: "Trace paths" }).click();
  const first = page.locator("#path-results li.path").first();
  await first.waitFor();
  assert.match(await first.innerText(), /3 hops/);
  assert.match(await first.innerText(), /Liverpool Hope University.*Lyndsey Donaghy.*ARC Centre, Sandymoor Academy.*Sandymoor Academy/s);

  const map = await page.evaluate(() => {
    const s = explorer.map.sigma;
    const onPath = explorer.map.highlightedLinks();
    const off = explorer.graph.edges().find((e) => !onPath.includes(e));
    return {
      onPath: onPath.map((e) => ({ color: s.getEdgeDisplayData(e).color, size: s.getEdgeDisplayData(e).size })),
      off: s.getEdgeDisplayData(off).color,
    };
  });
  assert.equal(map.onPath.length, 3);
  for (const e of map.onPath) assert.deepEqual(e, { color: "#d7191c", size: 5 });
  assert.equal(map.off, "#eef0f2", "links off the path are not dimmed");

  // The time-respecting journey is a single path.
  await page.getByLabel(/Only forward in time/).check();
  assert.equal(await page.locator("#path-k").isDisabled(), true);
  await page.getByRole("button", { name: "Trace paths" }).click();
  await page.locator("#path-results .result-head", { hasText: "1 path from" }).waitFor();

  await page.waitForTimeout(600); // the camera's move to the path
  const file = await screenshot(page, "explorer.png");
  t.diagnostic(`screenshot: ${file}`);
  assert.deepEqual(problems, []);
});

test("removing the top broker shows the network falling apart", async (t) => {
  const { page, problems } = await open(t);
  await page.locator("#brokers").getByRole("button", { name: "Liverpool Hope University", exact: true }).click();
  await page.locator("#card article").getByRole("button", { name: "Add to removal" }).click();
  await page.getByRole("tab", { name: "Removal" }).click();
  await page.getByRole("button", { name: "Compute impact" }).click();
  const table = page.locator("#removal-results table.compare");
  await table.waitFor();
  assert.match(await table.locator("tr", { hasText: "Components" }).innerText(), /Components\s+9\s+17/);
  assert.match(await page.locator("#removal-results").innerText(), /421 pairs of actors who could reach each other no longer can/);
  assert.match(await page.locator("#removal-results").innerText(), /Left with no ties \(2\)/);
  assert.deepEqual(problems, []);
});

test("the scope bar filters the map and the analytics", async (t) => {
  const { page, problems } = await open(t);
  const before = await page.locator("#summary").innerText();
  await page.getByRole("checkbox", { name: /^Affiliation/ }).uncheck();
  await page.waitForFunction((b) => document.querySelector("#summary").innerText !== b, before);
  const hidden = await page.evaluate(() => {
    const s = explorer.map.sigma;
    const g = explorer.graph;
    return g.filterEdges((e, a) => a.linkType === "AFFILIATION").every((e) => s.getEdgeDisplayData(e).hidden === true);
  });
  assert.equal(hidden, true, "affiliation links still drawn");
  const { networkSummary } = await graphql(service.url, `{ networkSummary(scope: {linkTypes: [MEMBERSHIP, PARTNERSHIP, COLLABORATION,
    KNOWLEDGE_EXCHANGE, GOVERNANCE, FUNDING, PARTICIPATION]}) { links } }`);
  assert.match(await page.locator("#summary").innerText(), new RegExp(`Links\\s+${networkSummary.links}\\b`));

  // Narrowing the date window hides links dated outside it.
  const slider = page.locator("#date-to");
  await slider.focus();
  for (let i = 0; i < 12; i++) await slider.press("ArrowLeft");
  const late = await page.evaluate(() => {
    const s = explorer.map.sigma;
    return explorer.graph.filterEdges((e, a) => a.from && a.from > "2020-04-01").map((e) => s.getEdgeDisplayData(e).hidden);
  });
  assert.ok(late.length > 0 && late.every(Boolean), "links after the window still drawn");
  assert.deepEqual(problems, []);
});

test("the map and panels work from the keyboard", async (t) => {
  const { page, problems } = await open(t);
  await page.locator("#graph").focus();
  const ratio = () => page.evaluate(() => explorer.map.sigma.getCamera().getState().ratio);
  const r0 = await ratio();
  await page.keyboard.press("+");
  await page.waitForFunction((r) => explorer.map.sigma.getCamera().getState().ratio < r, r0);
  await page.keyboard.press("0");
  // Tabs follow the ARIA pattern: arrow keys move between them.
  await page.getByRole("tab", { name: "Actor" }).focus();
  await page.keyboard.press("ArrowRight");
  assert.equal(await page.getByRole("tab", { name: "Paths" }).getAttribute("aria-selected"), "true");
  assert.equal(await page.locator("#panel-paths").isVisible(), true);
  // Every control has an accessible name.
  const unnamed = await page.evaluate(() =>
    [...document.querySelectorAll("input, select, button")].filter((el) => {
      const id = el.id && document.querySelector(`label[for="${el.id}"]`);
      return !id && !el.closest("label") && !el.getAttribute("aria-label") && !el.textContent.trim();
    }).map((el) => el.outerHTML));
  assert.deepEqual(unnamed, []);
  assert.deepEqual(problems, []);
});

test("an API key from the field is sent as a bearer token", async (t) => {
  const { page, problems } = await open(t);
  const auth = [];
  page.on("request", (r) => {
    if (r.url().endsWith("/graphql")) auth.push(r.headers().authorization);
  });
  await page.locator("#access summary").click();
  await page.locator("#api-key").fill("test-key-123");
  await page.getByRole("button", { name: "Use key" }).click();
  await pick(page, "#search", "Robert Owen", "Robert Owen Centre");
  await page.locator("#card article h2").waitFor();
  assert.ok(auth.length > 0);
  assert.deepEqual([...new Set(auth)], ["Bearer test-key-123"]);
  // Not remembered unless asked.
  assert.equal(await page.evaluate(() => localStorage.getItem("partnergraph.apiKey")), null);
  assert.deepEqual(problems, []);
});

test("with access control on, the page asks for an API key and works once given one", async (t) => {
  const guarded = await startService({ demo: true, auth: true });
  t.after(() => guarded.stop());
  const { page, problems } = await openExplorer(browser.context, guarded.url, { ready: false });
  t.after(() => page.close());
  await page.locator("#access[open]").waitFor();
  assert.equal(await page.locator("#api-key").evaluate((el) => el === document.activeElement), true);
  assert.match(await page.locator("#status.error").innerText(), /.+/);
  await page.locator("#api-key").fill(guarded.key);
  await page.getByRole("button", { name: "Use key" }).click();
  await page.waitForFunction(() => window.explorer?.timings?.ready, null, { timeout: 60_000 });
  assert.equal(await page.evaluate(() => explorer.graph.order), 75);
  // The refusals before the key was given are the only errors.
  assert.deepEqual(problems.filter((p) => !/status of 401/.test(p)), []);
});

for (const viewport of [{ width: 1024, height: 768 }, { width: 768, height: 1024 }]) {
  test(`the page fits a ${viewport.width}×${viewport.height} tablet`, async (t) => {
    const { page, problems } = await open(t);
    await page.setViewportSize(viewport);
    await page.waitForTimeout(200);
    const fit = await page.evaluate(() => ({
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      map: document.querySelector("#graph").getBoundingClientRect().height,
    }));
    assert.ok(fit.overflow <= 0, `page is ${fit.overflow}px wider than the screen`);
    assert.ok(fit.map >= 400, `map only ${fit.map}px high`);
    await screenshot(page, `explorer-${viewport.width}x${viewport.height}.png`);
    assert.deepEqual(problems, []);
  });
}
