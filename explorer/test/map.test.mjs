// The map part of the explorer in Chromium: the network arrives in one
// networkGraph request already laid out, and every actor can be reached,
// announced and opened from the keyboard.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { graphql, launchBrowser, openExplorer, startService } from "./harness.mjs";

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

test("the map opens from one networkGraph request, at the server's positions", async (t) => {
  const context = browser.context;
  const queries = [];
  const onRequest = (r) => {
    if (r.url().endsWith("/graphql") && r.method() === "POST") queries.push(JSON.parse(r.postData()).query);
  };
  context.on("request", onRequest);
  t.after(() => context.off("request", onRequest));
  const { page, problems } = await openExplorer(context, service.url);
  t.after(() => page.close());
  assert.equal(queries.filter((q) => q.includes("networkGraph")).length, 1);
  assert.deepEqual(queries.filter((q) => /\b(actors|links)\(first/.test(q)), [], "the map still pages actors or links");

  const { networkGraph: want } = await graphql(service.url, "{ networkGraph { ids x y linkKeys } }");
  const got = await page.evaluate(() => ({
    ids: explorer.graph.nodes(),
    x: explorer.graph.mapNodes((_, a) => a.x),
    y: explorer.graph.mapNodes((_, a) => a.y),
    links: explorer.graph.edges().sort(),
    running: explorer.layout.isRunning(),
  }));
  assert.deepEqual(got.ids, want.ids);
  assert.deepEqual(got.x, want.x);
  assert.deepEqual(got.y, want.y);
  assert.deepEqual(got.links, [...want.linkKeys].sort());
  assert.equal(got.running, false, "the browser moves the server's layout");
  assert.deepEqual(problems, []);
});

test("every actor is reachable from the keyboard, announced and opened", async (t) => {
  const { page, problems } = await openExplorer(browser.context, service.url);
  t.after(() => page.close());
  const order = await page.evaluate(() => explorer.graph.order);
  await page.locator("#graph").focus();
  const live = page.locator("#map-focus");
  assert.equal(await live.getAttribute("aria-live"), "polite");

  // Page Down walks every actor by name, each announced by name.
  const seen = new Set();
  let previous = "";
  for (let i = 0; i < order; i++) {
    await page.keyboard.press("PageDown");
    const { id, label } = await page.evaluate(() => {
      const id = explorer.map.focus.current;
      return { id, label: explorer.graph.getNodeAttribute(id, "label") };
    });
    seen.add(id);
    const said = await live.innerText();
    assert.ok(said.startsWith(`${label},`), `announced ${JSON.stringify(said)} for ${label}`);
    assert.ok(previous.localeCompare(label, "en-GB", { sensitivity: "base", numeric: true }) <= 0, `${label} after ${previous}`);
    previous = label;
  }
  assert.equal(seen.size, order, "Page Down skipped actors");
  // The focused actor wears a visible ring and its label.
  const ring = await page.locator(".map-focus-ring").boundingBox();
  assert.ok(ring && ring.width > 0, "no focus ring");
  const focused = await page.evaluate(() => explorer.map.focus.current);
  assert.equal(await page.evaluate((id) => explorer.map.sigma.getNodeDisplayData(id).forceLabel, focused), true);

  // Arrows go to a neighbour on screen in that direction.
  const before = await page.evaluate(() => {
    const s = explorer.map.sigma;
    return s.framedGraphToViewport(s.getNodeDisplayData(explorer.map.focus.current));
  });
  await page.keyboard.press("ArrowRight");
  const afterRight = await page.evaluate(() => {
    const s = explorer.map.sigma;
    return { id: explorer.map.focus.current, p: s.framedGraphToViewport(s.getNodeDisplayData(explorer.map.focus.current)) };
  });
  assert.notEqual(afterRight.id, focused);
  assert.ok(afterRight.p.x > before.x, "ArrowRight went left");

  // Typing a name's first letters finds it; Enter opens its card.
  await page.keyboard.type("Liverpool Hope U");
  assert.match(await live.innerText(), /^Liverpool Hope University, organisation/);
  await page.keyboard.press("Enter");
  await page.locator("#card article").getByRole("heading", { name: "Liverpool Hope University", exact: true }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), "graph", "opening the card took the keyboard off the map");
  await page.keyboard.press("Escape");
  assert.equal(await page.evaluate(() => explorer.map.focus.current), null);
  assert.deepEqual(problems, []);
});
