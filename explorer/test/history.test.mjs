// History and undo as an editor uses them: change an actor, see the change
// on its card and in the Changes panel, undo it and see the old values back.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { graphql, launchBrowser, openExplorer, screenshot, startService } from "./harness.mjs";

let service;
let browser;

before(async () => {
  service = await startService({ demo: true, auth: true, roles: ["editor"] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await service?.stop();
});

const data = (query, variables) => graphql(service.url, query, variables, { key: service.keys.editor });

async function openCard(page, text, name) {
  const input = page.locator("#search");
  await input.pressSequentially(text, { delay: 20 });
  await page.locator(`#search[aria-busy="false"][aria-expanded="true"]`).waitFor();
  await input.press("Enter");
  await page.locator("#card-name", { hasText: name }).waitFor();
}

test("an editor changes an actor: the history lists it, the Changes panel too, and undo restores it", async (t) => {
  const { page, problems } = await openExplorer(browser.context, service.url, { key: service.keys.editor });
  t.after(() => page.close());
  const { actor: was } = await data(`{ actor(key: "toby-greany") { name ... on Person { title } } }`);
  await openCard(page, "Toby", "Toby Greany");
  await page.locator("#card").getByRole("button", { name: "Edit", exact: true }).click();
  const form = page.locator("dialog[open]");
  await form.getByLabel(/^Title/).fill("Professor of Education");
  await form.getByRole("button", { name: "Save changes" }).click();
  await form.waitFor({ state: "detached" });

  // The card's history names the editor and the field, from and to.
  const history = page.getByRole("list", { name: "Changes to Toby Greany, newest first" });
  await history.locator("li", { hasText: "Professor of Education" }).first().waitFor();
  const newest = await history.locator(":scope > li").first().innerText();
  assert.match(newest, /changed person Toby Greany/);
  assert.match(newest, /title: .* → Professor of Education/);
  await page.locator("#card-history").scrollIntoViewIfNeeded();
  await screenshot(page, "history-card.png");

  // The Changes panel lists it since today.
  await page.getByRole("tab", { name: "Changes" }).click();
  await page.getByLabel("Since").fill(new Date().toISOString().slice(0, 10));
  await page.getByRole("button", { name: "Show changes" }).click();
  // The demo network was loaded today too: page to the end, oldest first.
  const since = page.getByRole("list", { name: /^Changes since/ });
  await page.locator("#changes-count", { hasText: "changes since" }).waitFor();
  while (await page.locator("#changes-more").isVisible()) {
    const n = await since.locator(":scope > li").count();
    await page.locator("#changes-more").click();
    await since.locator(`:scope > li:nth-child(${n + 1})`).waitFor();
  }
  // Above them, how the top brokers moved since then.
  const movers = page.getByRole("list", { name: /^Top brokers since/ });
  await movers.waitFor();
  const moved = await movers.locator(":scope > li").allInnerTexts();
  assert.ok(moved.length > 0 && moved.length <= 20, `movers: ${moved.join(" | ")}`);
  assert.ok(moved.every((m) => /: (new|rose|fell|kept|left)/.test(m)), `movers: ${moved.join(" | ")}`);
  const last = await since.locator(":scope > li").last().innerText();
  assert.match(last, /changed person Toby Greany/);
  await since.locator(":scope > li").last().scrollIntoViewIfNeeded();
  await screenshot(page, "history-changes-since.png");

  // Undo restores the title the actor had.
  await page.getByRole("button", { name: "Undo my last change" }).click();
  await page.locator("#edit-status", { hasText: "Undone" }).waitFor();
  const { actor: now } = await data(`{ actor(key: "toby-greany") { name ... on Person { title } } }`);
  assert.deepEqual(now, was);
  assert.deepEqual(problems, []);
});
