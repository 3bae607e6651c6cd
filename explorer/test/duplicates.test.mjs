// Duplicates, as an editor meets them: two partners' spreadsheets name one
// trust "Wirral Tide Trust" and "WTT". The page suggests the pair with its
// reasons, the merge view shows both side by side, and after the merge the
// key "wtt" still finds the trust, with both records' links. Viewers get
// no duplicates tool.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { graphql, launchBrowser, openExplorer, screenshot, startService } from "./harness.mjs";

let service;
let browser;

before(async () => {
  service = await startService({ demo: true, auth: true, roles: ["editor", "admin"] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await service?.stop();
});

/** GraphQL as an administrator, for what the test sets up and checks behind the page. */
const data = (query, variables) => graphql(service.url, query, variables, { key: service.keys.admin });

test("an editor merges two records of one trust suggested as duplicates, and the merged key resolves to the survivor", async (t) => {
  await data(`mutation {
    a: createOrganisation(input: {key: "wirral-tide", name: "Wirral Tide Trust", type: CHARITY}) { id }
    b: createOrganisation(input: {key: "wtt", name: "WTT", type: OTHER, sector: "Third sector"}) { id }
    c: createOrganisation(input: {key: "tide-school", name: "Tideway Primary", type: SCHOOL}) { id }
    d: createLink(input: {key: "tide-1", type: PARTNERSHIP, sourceId: "wirral-tide", targetId: "tide-school", evidence: {source: "trusts.csv"}}) { id }
    e: createLink(input: {key: "tide-2", type: FUNDING, sourceId: "wtt", targetId: "tide-school", evidence: {source: "schools.csv", quote: "WTT funds the reading club"}}) { id }
  }`);
  const { page, problems } = await openExplorer(browser.context, service.url, { key: service.keys.editor });
  t.after(() => page.close());

  await page.click("#duplicates-open");
  const dialog = page.locator("dialog[open]#duplicates");
  const pair = dialog.locator('li[data-pair="wirral-tide wtt"]');
  await pair.waitFor();
  assert.match(await pair.innerText(), /Acronym: "wtt" are the initials of "wirral tide trust"/);
  assert.match(await pair.innerText(), /Shared links: 1 of 1 neighbours shared/);

  await pair.getByRole("button", { name: "Merge WTT into Wirral Tide Trust" }).click();
  const confirm = dialog.locator("#merge-confirm");
  await confirm.waitFor().catch(async (e) => { throw new Error(`${e.message}\n${await dialog.innerText()}`); });
  const view = dialog.locator(".merge-view");
  assert.match(await view.getByRole("heading").innerText(), /Merge WTT into Wirral Tide Trust/);
  const headers = await view.locator("thead th[scope=col]").allInnerTexts();
  assert.deepEqual(headers, ["Kept: Wirral Tide Trust", "Merged: WTT", "After the merge"]);
  assert.match(await view.locator("tr", { hasText: "Sector" }).innerText(), /Third sector\s*Third sector$/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), "merge-confirm", "focus is not on the confirmation");
  await screenshot(page, "merge-view.png");

  await confirm.click();
  await dialog.waitFor({ state: "detached" });
  await page.locator("#edit-status", { hasText: "Merged WTT into Wirral Tide Trust" }).waitFor();

  const { actor } = await data(`{ actor(key: "wtt") { key aliases ... on Organisation { sector links { nodes { key evidence { source quote } } } } } }`);
  assert.equal(actor.key, "wirral-tide");
  assert.deepEqual(actor.aliases, ["wtt", "WTT"]);
  assert.equal(actor.sector, "Third sector");
  assert.deepEqual(actor.links.nodes.map((l) => [l.key, l.evidence.source]), [["tide-1", "trusts.csv"], ["tide-2", "schools.csv"]]);
  const { duplicateCandidates } = await data(`{ duplicateCandidates(first: 200) { a { key } b { key } } }`);
  assert.ok(!duplicateCandidates.some((c) => c.b.key === "wtt" || c.a.key === "wtt"), "the merged actor is still suggested");
  assert.deepEqual(problems, []);
});

test("a viewer has no duplicates tool", async (t) => {
  const { page, problems } = await openExplorer(browser.context, service.url, { key: service.key });
  t.after(() => page.close());
  assert.equal(await page.locator("#duplicates-open").count(), 0);
  assert.deepEqual(problems, []);
});
