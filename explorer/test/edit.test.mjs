// Curating the network from the page, as its users would: editors add an
// organisation and links with evidence, two editors collide on one actor,
// an administrator imports files through the preview; viewers see no edit
// controls. Access control is on: each page carries its own API key.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { graphql, graphqlResponse, launchBrowser, openExplorer, screenshot, startService } from "./harness.mjs";

let service;
let browser;

before(async () => {
  service = await startService({ demo: true, auth: true, roles: ["editor", "editor2", "admin"] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await service?.stop();
});

/** GraphQL as an administrator (or as key), for what the tests check behind the page. */
const gql = (query, variables, key = service.keys.admin) => graphqlResponse(service.url, query, variables, { key });
const data = (query, variables) => graphql(service.url, query, variables, { key: service.keys.admin });

async function open(t, key) {
  const { page, problems } = await openExplorer(browser.context, service.url, { key });
  t.after(() => page.close());
  return { page, problems };
}

/** Chooses an actor in a search box (input is a locator) by keyboard. */
async function pick(page, input, text, name) {
  await input.fill("");
  await input.pressSequentially(text, { delay: 20 });
  const id = await input.getAttribute("id");
  await page.locator(`[id="${id}"][aria-busy="false"][aria-expanded="true"]`).waitFor();
  const options = await page.locator(`#${await input.getAttribute("aria-controls")}`).getByRole("option").allInnerTexts();
  const index = options.findIndex((o) => o.startsWith(name));
  assert.ok(index >= 0, `no option ${name} among ${JSON.stringify(options)}`);
  for (let i = 0; i < index; i++) await input.press("ArrowDown");
  await input.press("Enter");
}

/** Opens an actor's card through the search box. */
async function openCard(page, text, name) {
  await pick(page, page.locator("#search"), text, name);
  await page.locator("#card-name", { hasText: name }).waitFor();
}

const dialog = (page) => page.locator("dialog[open]");

/** Every control of the open dialog has a label, and an error slot its aria-describedby names. */
async function assertLabelled(page) {
  const bad = await page.locator("dialog[open]").evaluate((d) => [...d.querySelectorAll("input, select, textarea")]
    .filter((el) => !el.labels?.length || !(el.getAttribute("aria-describedby") ?? "").split(" ").some((id) => id.endsWith("-error") && document.getElementById(id)))
    .map((el) => el.outerHTML));
  assert.deepEqual(bad, [], "controls without a label or an error slot");
}

test("an editor adds an organisation and links with evidence: they appear on the map and move the broker ranking", async (t) => {
  const { page, problems } = await open(t, service.keys.editor);
  await page.click("#add-organisation");
  const form = dialog(page);
  assert.equal(await form.getByRole("heading").innerText(), "Add organisation");
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("name")), "key", "focus is not on the first field");
  await assertLabelled(page);
  await form.getByLabel(/^Key/).fill("merseyside-bridge");
  await form.getByLabel(/^Type/).selectOption("CHARITY");
  await form.getByLabel(/^Sector/).fill("Third sector");
  // No name: the service's error shows beside the name field, which gets focus.
  await form.getByRole("button", { name: "Add organisation" }).click();
  const name = form.getByLabel(/^Name/);
  await page.locator("dialog[open] [aria-invalid=true]").waitFor();
  assert.equal(await name.getAttribute("aria-invalid"), "true");
  const errorId = (await name.getAttribute("aria-describedby")).split(" ").find((id) => id.endsWith("-error"));
  assert.match(await page.locator(`#${errorId}`).innerText(), /name/i);
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("name")), "name");
  await screenshot(page, "edit-organisation-error.png");
  assert.equal((await data(`{ actor(key: "merseyside-bridge") { id } }`)).actor, null, "a refused create wrote something");

  await name.fill("Merseyside Bridge Trust");
  await form.getByRole("button", { name: "Add organisation" }).click();
  await form.waitFor({ state: "detached" });
  await page.locator("#card-name", { hasText: "Merseyside Bridge Trust" }).waitFor();
  const { actor: org } = await data(`{ actor(key: "merseyside-bridge") { id name ... on Organisation { type sector } } }`);
  assert.deepEqual(org, { id: org.id, name: "Merseyside Bridge Trust", type: "CHARITY", sector: "Third sector" });

  // A link from the card: From is the organisation already.
  await page.locator("#card").getByRole("button", { name: "Record a link" }).click();
  const link = dialog(page);
  assert.equal(await link.getByLabel(/^From/).inputValue(), "Merseyside Bridge Trust");
  await assertLabelled(page);
  await pick(page, link.getByLabel(/^To/), "Liverpool Hope", "Liverpool Hope University");
  await link.getByLabel(/^Type/).selectOption("PARTNERSHIP");
  await link.getByLabel(/^Weight/).fill("2");
  await link.getByLabel(/^Active from/).fill("2024-09-01");
  await link.getByLabel(/^Evidence: source/).fill("Partnership agreement, September 2024");
  await link.getByLabel(/^Evidence: quote/).fill("The Trust and the University will jointly run the Bridge programme.");
  await screenshot(page, "edit-link-form.png");
  await link.getByRole("button", { name: "Record link" }).click();
  await link.waitFor({ state: "detached" });

  // A second one from the toolbar, to the other side of the network.
  await page.click("#add-link");
  const second = dialog(page);
  await pick(page, second.getByLabel(/^From/), "Merseyside Bridge", "Merseyside Bridge Trust");
  await pick(page, second.getByLabel(/^To/), "UCL Institute", "UCL Institute of Education");
  await second.getByLabel(/^Type/).selectOption("KNOWLEDGE_EXCHANGE");
  await second.getByLabel(/^Evidence: source/).fill("Minutes of the joint seminar, 2024");
  await second.getByLabel(/^Evidence: quote/).fill("The Trust introduced IOE researchers to Merseyside schools.");
  await second.getByRole("button", { name: "Record link" }).click();
  await second.waitFor({ state: "detached" });

  const { actor: saved } = await data(`{ actor(key: "merseyside-bridge") { links { nodes { key weight from evidence { source quote } target { name } } } } }`, {});
  assert.equal(saved.links.nodes.length, 2);
  const hope = saved.links.nodes.find((l) => l.target.name === "Liverpool Hope University");
  assert.deepEqual({ weight: hope.weight, from: hope.from, source: hope.evidence.source },
    { weight: 2, from: "2024-09-01", source: "Partnership agreement, September 2024" });
  const onMap = await page.evaluate((keys) => keys.map((k) => explorer.graph.hasEdge(k)), saved.links.nodes.map((l) => l.key));
  assert.deepEqual(onMap, [true, true], "the links are not on the map");
  assert.equal(await page.evaluate((id) => explorer.graph.hasNode(id), org.id), true, "the organisation is not on the map");

  // Joining two components makes the Trust a broker: the ranking on the page follows the service's.
  await page.locator("#brokers li", { hasText: "Merseyside Bridge Trust" }).waitFor({ timeout: 30_000 });
  const { brokers } = await data("{ brokers(first: 10) { actor { name } } }");
  assert.ok(brokers.some((b) => b.actor.name === "Merseyside Bridge Trust"));
  assert.deepEqual(await page.locator("#brokers li button").allInnerTexts(), brokers.map((b) => b.actor.name));
  assert.deepEqual(problems, []);
});

test("a viewer sees no edit controls, and the service refuses a viewer's write", async (t) => {
  const { page, problems } = await open(t, service.key);
  assert.equal(await page.locator("#edit-tools").isHidden(), true);
  await openCard(page, "Babs", "Babs Anderson");
  assert.equal(await page.locator("#card .edit-actions").count(), 0);
  assert.equal(await page.getByRole("button", { name: /^(Edit|Delete|Record a link|Add organisation|Import)/ }).count(), 0);
  const refused = await gql(`mutation { createPerson(input: {key: "sneaky", name: "Sneaky"}) { id } }`, {}, service.key);
  assert.equal(refused.errors?.[0]?.extensions?.code, "FORBIDDEN");
  assert.deepEqual(problems, []);
});

test("two editors change one actor: the second sees both versions and chooses", async (t) => {
  const a = await open(t, service.keys.editor);
  const b = await open(t, service.keys.editor2);
  for (const { page } of [a, b]) {
    await openCard(page, "Toby", "Toby Greany");
    await page.locator("#card").getByRole("button", { name: "Edit", exact: true }).click();
    await dialog(page).waitFor();
  }
  // The first saves a new title.
  await dialog(a.page).getByLabel(/^Title/).fill("Professor of Education");
  await dialog(a.page).getByRole("button", { name: "Save changes" }).click();
  await dialog(a.page).waitFor({ state: "detached" });

  // The second, who opened the form before that, saves a description.
  const form = dialog(b.page);
  await form.getByLabel(/^Description/).fill("Leads the Research Schools Network evaluation.");
  await form.getByRole("button", { name: "Save changes" }).click();
  const conflict = form.locator(".conflict");
  await conflict.waitFor();
  const rows = await conflict.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  const title = rows.find((r) => r[0] === "Title");
  assert.ok(title && title[2] === "Professor of Education", `no title row with the saved value in ${JSON.stringify(rows)}`);
  assert.ok(rows.some((r) => r[0] === "Description" && r[1] === "Leads the Research Schools Network evaluation."), JSON.stringify(rows));
  assert.equal(await b.page.evaluate(() => document.activeElement?.classList.contains("conflict")), true, "focus is not on the conflict view");
  await screenshot(b.page, "edit-conflict.png");
  const { actor: between } = await data(`{ actor(key: "toby-greany") { description ... on Person { title } } }`);
  assert.equal(between.title, "Professor of Education", "the stale update overwrote the first editor's");

  // Take the saved values, add the description again, save.
  await conflict.getByRole("button", { name: "Take the saved values" }).click();
  assert.equal(await form.getByLabel(/^Title/).inputValue(), "Professor of Education");
  await form.getByLabel(/^Description/).fill("Leads the Research Schools Network evaluation.");
  await form.getByRole("button", { name: "Save changes" }).click();
  await form.waitFor({ state: "detached" });
  const { actor } = await data(`{ actor(key: "toby-greany") { description ... on Person { title } } }`);
  assert.deepEqual(actor, { description: "Leads the Research Schools Network evaluation.", title: "Professor of Education" });
  assert.deepEqual(a.problems, []);
  assert.deepEqual(b.problems, []);
});

test("an import with a bad row shows file:line and writes nothing; a good one is previewed, then confirmed", async (t) => {
  const { page, problems } = await open(t, service.keys.admin);
  const count = async () => (await data("{ networkSummary { actors links } }")).networkSummary;
  const before = await count();
  await page.click("#import-open");
  const form = dialog(page);
  const files = form.getByLabel("Files");
  const csv = (name, text) => ({ name, mimeType: "text/csv", buffer: Buffer.from(text) });

  await files.setInputFiles(csv("partners.csv", "key,kind,name,type\nwirral-hub,organisation,Wirral Hub,CHARITY\nsefton-net,organisation,Sefton Network,CASTLE\n"));
  await form.getByRole("button", { name: "Preview" }).click();
  const errors = form.locator(".import-errors");
  await errors.waitFor();
  assert.match(await errors.innerText(), /partners\.csv:3/);
  assert.equal(await form.getByRole("button", { name: "Import", exact: true }).isDisabled(), true, "a file with errors can be confirmed");
  assert.deepEqual(await count(), before, "a file with errors wrote something");

  await files.setInputFiles(csv("partners.csv", "key,kind,name,type\nwirral-hub,organisation,Wirral Hub,CHARITY\nsefton-net,organisation,Sefton Network,NETWORK\n"));
  await form.getByRole("button", { name: "Preview" }).click();
  const summary = form.locator(".import-summary");
  await summary.waitFor();
  const cells = await summary.locator("tr").evaluateAll((trs) => Object.fromEntries(trs.map((tr) => [tr.children[0].textContent, tr.children[1].textContent])));
  assert.deepEqual(cells, { "Would be created": "2", "Would be changed": "0", "Left unchanged": "0", Actors: "2", Programmes: "0", Participations: "0", Links: "0" });
  assert.deepEqual(await count(), before, "the preview wrote something");
  await screenshot(page, "import-preview.png");

  await form.getByRole("button", { name: "Import", exact: true }).click();
  await form.getByText("Imported.", { exact: true }).waitFor();
  const after = await count();
  assert.equal(after.actors, before.actors + 2);
  const { actor } = await data(`{ actor(key: "sefton-net") { name ... on Organisation { type } } }`);
  assert.deepEqual(actor, { name: "Sefton Network", type: "NETWORK" });
  assert.deepEqual(problems, []);
});

test("deleting says what goes with an actor, asks first, and takes it off the map; links delete from the card", async (t) => {
  const { page, problems } = await open(t, service.keys.editor);
  const { actor: before } = await data(`{ actor(key: "christina-flattery") { id links { totalCount } participations { programme { name } } } }`);
  await openCard(page, "Christina", "Christina Flattery");
  const del = page.locator("#card").getByRole("button", { name: "Delete…" });
  await del.click();
  const ask = page.getByRole("alertdialog");
  const text = await ask.innerText();
  assert.ok(text.includes(`${before.links.totalCount} links and ${before.participations.length} participations`), text);
  for (const p of before.participations) assert.ok(text.includes(p.programme.name), `${p.programme.name} not named in ${text}`);
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Cancel", "the safe choice does not have focus");
  await page.keyboard.press("Escape");
  await ask.waitFor({ state: "detached" });
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Delete…", "focus did not return to the button");
  assert.notEqual((await data(`{ actor(key: "christina-flattery") { id } }`)).actor, null, "a cancelled delete deleted");

  await del.click();
  await ask.getByRole("button", { name: "Delete Christina Flattery" }).click();
  await page.locator("#edit-status", { hasText: "Deleted Christina Flattery." }).waitFor();
  assert.equal((await data(`{ actor(key: "christina-flattery") { id } }`)).actor, null);
  assert.equal(await page.evaluate((id) => explorer.graph.hasNode(id), before.id), false, "the actor is still on the map");

  const { actor: karen } = await data(`{ actor(key: "karen-orr") { links { nodes { key target { name } source { name } } } } }`);
  await openCard(page, "Karen", "Karen Orr");
  const first = karen.links.nodes[0];
  await page.locator("#card").getByRole("button", { name: /^Delete link/ }).first().click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Delete link" }).click();
  await page.locator("#edit-status", { hasText: "Deleted the link." }).waitFor();
  const { actor: after } = await data(`{ actor(key: "karen-orr") { links { totalCount } } }`);
  assert.equal(after.links.totalCount, karen.links.nodes.length - 1);
  assert.equal(await page.evaluate((k) => explorer.graph.hasEdge(k), first.key), false, "the link is still on the map");
  assert.deepEqual(problems, []);
});
