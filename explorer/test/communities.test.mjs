// Communities and time in the explorer, driven from the keyboard only:
// colour by community (the legend and colours are the `communities`
// query's), the timeline (each month's links are those the server counts
// for that window) and the emerging/fading panel (brokerTrends' answer).

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

async function open(t) {
  const { page, problems } = await openExplorer(browser.context, service.url);
  t.after(() => page.close());
  return { page, problems };
}

/** "#rrggbb" as getComputedStyle writes colours. */
const rgb = (hex) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(", ")})`;

/** Tabs forward until the element matching selector has the focus. */
async function tabTo(page, selector, limit = 60) {
  for (let i = 0; i < limit; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
    await page.keyboard.press("Tab");
  }
  assert.fail(`Tab never reached ${selector}`);
}

/** The map's nodes by community colour: for each legend entry, the colours its members are drawn in. */
async function colours(page) {
  return page.evaluate(() => {
    const entries = [...document.querySelectorAll("#legend button[data-community]")].map((b) => ({
      community: Number(b.dataset.community),
      swatch: getComputedStyle(b.querySelector(".swatch")).backgroundColor,
      text: b.innerText,
    }));
    const nodeColour = Object.fromEntries(explorer.graph.mapNodes((id, a) => [id, a.color]));
    return { entries, nodeColour };
  });
}

const COMMUNITIES = `query ($scope: Scope) { communities(scope: $scope) { count communities(first: 10) { id size actors(first: 1000) { id name } } } }`;

async function checkPartition(page, scope) {
  const { communities: want } = await graphql(service.url, COMMUNITIES, { scope });
  await page.waitForFunction((n) => document.querySelectorAll("#legend button[data-community]").length === n, want.communities.length);
  const got = await colours(page);
  assert.deepEqual(got.entries.map((e) => e.community), want.communities.map((c) => c.id), "legend order is not the partition's");
  const swatches = new Set();
  want.communities.forEach((c, i) => {
    const e = got.entries[i];
    assert.match(e.text, new RegExp(`^Community ${i + 1}\\s+${c.size}\\s`), `legend entry ${i}: ${e.text}`);
    assert.ok(e.text.includes(c.actors[0].name), `legend entry ${i} does not name ${c.actors[0].name}`);
    for (const a of c.actors) assert.equal(rgb(got.nodeColour[a.id]), e.swatch, `${a.name} is not in community ${i + 1}'s colour`);
    swatches.add(e.swatch);
  });
  assert.equal(swatches.size, want.communities.length, "two communities share a colour");
  return want;
}

test("colour by community: the partition's colours and a keyboard legend that highlights members", async (t) => {
  const { page, problems } = await open(t);
  await page.locator("#colour-by").focus();
  await page.keyboard.press("End"); // the last option: Community
  assert.equal(await page.locator("#colour-by").inputValue(), "community");
  const want = await checkPartition(page, null);
  const { nodeColour: firstColours } = await colours(page);

  // The first legend entry, from the keyboard, highlights its members.
  await page.keyboard.press("Tab");
  const first = page.locator("#legend button[data-community]").first();
  assert.equal(await first.evaluate((b) => b === document.activeElement), true, "Tab after the choice is not the legend");
  await page.keyboard.press("Enter");
  assert.equal(await first.getAttribute("aria-pressed"), "true");
  const members = new Set(want.communities[0].actors.map((a) => a.id));
  const drawn = await page.evaluate(() => explorer.graph.mapNodes((id, a) => [id, a.color, explorer.map.sigma.getNodeDisplayData(id).color]));
  for (const [id, own, shown] of drawn) {
    if (members.has(id)) assert.equal(shown, own, `member ${id} is dimmed`);
    else assert.notEqual(shown, own, `non-member ${id} is not dimmed`);
  }
  await screenshot(page, "communities.png");
  await page.keyboard.press("Space");
  assert.equal(await first.getAttribute("aria-pressed"), "false");

  // The communities follow the scope: without affiliations they are the scope's.
  const box = page.locator('#link-types input[value="AFFILIATION"]');
  await box.focus();
  await page.keyboard.press("Space");
  assert.equal(await box.isChecked(), false);
  const linkTypes = await page.locator("#link-types input:checked").evaluateAll((bs) => bs.map((b) => b.value));
  const { communities: scoped } = await graphql(service.url, COMMUNITIES, { scope: { linkTypes } });
  assert.notDeepEqual(scoped.communities.map((c) => c.size), want.communities.map((c) => c.size), "the test's scope does not change the partition");
  await page.waitForFunction((sizes) => JSON.stringify(explorer.partition?.communities.map((c) => c.size)) === sizes, JSON.stringify(scoped.communities.map((c) => c.size)));
  await checkPartition(page, { linkTypes });

  // The whole network again: the same partition in the same colours.
  await box.focus();
  await page.keyboard.press("Space");
  await page.waitForFunction((sizes) => JSON.stringify(explorer.partition?.communities.map((c) => c.size)) === sizes, JSON.stringify(want.communities.map((c) => c.size)));
  assert.deepEqual((await colours(page)).nodeColour, firstColours, "the same network and scope gave other colours");
  assert.deepEqual(problems, []);
});

/** Every month from the network's first dated day to its last, with its first and last day. */
async function months() {
  const { networkGraph: n } = await graphql(service.url, "{ networkGraph { from to } }");
  const days = [...n.from, ...n.to].filter(Boolean).sort();
  const out = [];
  let d = new Date(`${days[0].slice(0, 7)}-01T00:00:00Z`);
  const end = days[days.length - 1].slice(0, 7);
  for (;;) {
    const m = d.toISOString().slice(0, 7);
    const next = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
    out.push({ from: `${m}-01`, to: new Date(next - 86_400_000).toISOString().slice(0, 10) });
    if (m === end) return out;
    d = next;
  }
}

test("the timeline replays the network month by month, with the server's counts, from the keyboard", async (t) => {
  const { page, problems } = await open(t);
  const span = await months();
  assert.ok(span.length > 2, "the demo network spans too few months to replay");
  const positions = () => page.evaluate(() => explorer.graph.mapNodes((_, a) => [a.x, a.y]));
  const before = await positions();
  const slider = page.locator("#timeline");
  assert.equal(await slider.getAttribute("max"), String(span.length - 1));
  await slider.focus();
  await page.keyboard.press("Home");
  const seen = new Set();
  for (let i = 0; i < span.length; i++) {
    if (i > 0) await page.keyboard.press("ArrowRight");
    assert.equal(await slider.inputValue(), String(i));
    const { networkSummary: want } = await graphql(service.url, "query ($s: Scope) { networkSummary(scope: $s) { links } }", { s: span[i] });
    const got = await page.evaluate(() => explorer.map.visible().links);
    assert.equal(got, want.links, `links on the map in ${span[i].from.slice(0, 7)}`);
    assert.match(await page.locator("#timeline-counts").innerText(), new RegExp(`: [\\d,]+ actors, ${want.links} links active$`));
    seen.add(want.links);
  }
  assert.ok(seen.size > 1, "the link count never changed: the test cannot tell months apart");
  assert.deepEqual(await positions(), before, "the timeline moved actors");

  // Play from the start, then pause, from the keyboard.
  await page.keyboard.press("Home");
  const play = page.locator("#timeline-play");
  await play.focus();
  await page.keyboard.press("Space");
  assert.equal(await play.getAttribute("aria-pressed"), "true");
  await page.waitForFunction(() => Number(document.getElementById("timeline").value) >= 2);
  await page.keyboard.press("Enter");
  assert.equal(await play.getAttribute("aria-pressed"), "false");
  const at = Number(await slider.inputValue());
  const { networkSummary: now } = await graphql(service.url, "query ($s: Scope) { networkSummary(scope: $s) { links } }", { s: span[at] });
  assert.equal(await page.evaluate(() => explorer.map.visible().links), now.links);
  assert.equal(await page.locator("#timeline-date").innerText(), await slider.getAttribute("aria-valuetext"));
  await screenshot(page, "timeline.png");

  // All dates again.
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "timeline-all");
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => explorer.map.visible().links), await page.evaluate(() => explorer.graph.size));
  assert.deepEqual(problems, []);
});

const TRENDS = `query ($from: Date!, $to: Date!, $step: Step) {
  brokerTrends(from: $from, to: $to, step: $step, first: 5) {
    emerging { actor { id name } firstRank lastRank rise newLinks { key evidence { quote } } lostLinks { key } }
    fading { actor { id name } firstRank lastRank rise newLinks { key } lostLinks { key } }
  }
}`;

test("the emerging and fading brokers are brokerTrends', with their links, and focus the map", async (t) => {
  const { page, problems } = await open(t);
  await page.locator("#tab-card").focus();
  await page.keyboard.press("End");
  assert.equal(await page.locator("#tab-trends").getAttribute("aria-selected"), "true");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "trends-step");
  await page.keyboard.press("End"); // quarters
  assert.equal(await page.locator("#trends-step").inputValue(), "QUARTER");
  const from = await page.locator("#trends-from").inputValue();
  const to = await page.locator("#trends-to").inputValue();
  await tabTo(page, "#trends-show");
  await page.keyboard.press("Enter");
  await page.locator("#trends-head").waitFor();

  const { brokerTrends: want } = await graphql(service.url, TRENDS, { from, to, step: "QUARTER" });
  assert.ok(want.emerging.length > 0, "the demo network has no emerging broker: the test shows nothing");
  for (const kind of ["emerging", "fading"]) {
    const items = page.locator(`#trends-${kind} > li`);
    assert.equal(await items.count(), want[kind].length, kind);
    for (let i = 0; i < want[kind].length; i++) {
      const w = want[kind][i];
      const li = items.nth(i);
      assert.equal(await li.getAttribute("data-actor"), w.actor.id);
      const text = await li.innerText();
      const r = (n) => (n === null ? "unranked" : `#${n}`);
      assert.ok(text.startsWith(`${w.actor.name} ${r(w.firstRank)} → ${r(w.lastRank)}, ${w.rise >= 0 ? "up" : "down"} ${Math.abs(w.rise)} `), text);
      assert.equal(await li.locator(".link-item.new").count(), w.newLinks.length);
      assert.equal(await li.locator(".link-item.ended").count(), w.lostLinks.length);
      for (const l of w.newLinks ?? []) if (l.evidence?.quote) assert.ok(text.includes(l.evidence.quote), `${w.actor.name}: no evidence quote`);
    }
  }

  // Choosing the first emerging broker, by keyboard, focuses it on the map.
  const target = want.emerging[0].actor;
  await tabTo(page, `#trends-emerging > li:first-child button`);
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => explorer.map.focus.current), target.id);
  assert.equal(await page.evaluate((id) => explorer.map.sigma.getNodeDisplayData(id).highlighted, target.id), true);
  await screenshot(page, "trends.png");
  assert.deepEqual(problems, []);
});
