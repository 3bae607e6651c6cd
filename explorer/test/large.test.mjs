// The explorer on a large network: SNAP's ca-GrQc collaboration network
// (5,242 actors, 14,484 links once self-loops and repeats are dropped)
// imported into the service. Reports the time to first render and frame
// times while panning and zooming; timing never fails the test (machines
// differ, and headless Chromium draws WebGL in software), but the page must
// draw the whole network, stay usable and log no errors.

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { launchBrowser, openExplorer, repoRoot, run, screenshot, startService } from "./harness.mjs";
import { frames, panAndZoom } from "./measure.mjs";

// In the repository (testdata/networks): missing, the test fails, never skips.
const grqc = join(repoRoot, "testdata", "networks", "ca-grqc.txt");

let service;
let browser;
let tmp;

before(async () => {
  assert.ok(existsSync(grqc), `${grqc} not found`);
  tmp = await mkdtemp(join(tmpdir(), "partnergraph-grqc-"));
  const json = join(tmp, "ca-grqc.json");
  await run("sh", ["-c", `python3 "$0" "$1" > "$2"`, join(repoRoot, "scripts", "ca-grqc-to-json.py"), grqc, json]);
  service = await startService({ demo: false, importFile: json });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await service?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

test("ca-GrQc: the whole network is drawn, and pans and zooms", { timeout: 600_000 }, async (t) => {
  const { page, problems } = await openExplorer(browser.context, service.url);
  const got = await page.evaluate(() => ({ actors: explorer.graph.order, links: explorer.graph.size }));
  assert.deepEqual(got, { actors: 5242, links: 14484 });
  const timings = await page.evaluate(() => explorer.timings);
  t.diagnostic(`ca-GrQc timings (ms since navigation): first render (actors drawn) ${Math.round(timings.firstRender)}, ` +
    `all links loaded ${Math.round(timings.loaded)} and drawn ${Math.round(timings.networkDrawn)}, brokers sized ${Math.round(timings.ready)}`);

  const during = await frames(page, () => panAndZoom(page));
  t.diagnostic(`pan and zoom right after opening: ${JSON.stringify(during)}`);
  await page.waitForFunction(() => explorer.timings.layoutDone, null, { timeout: 300_000 });
  t.diagnostic(`layout done at ${Math.round(await page.evaluate(() => explorer.timings.layoutDone))} ms`);
  const placed = await page.evaluate(() => explorer.graph.everyNode((_, a) => Number.isFinite(a.x) && Number.isFinite(a.y)));
  assert.equal(placed, true, "the layout left actors without a position");

  await page.evaluate(() => explorer.map.fit());
  await page.waitForTimeout(500);
  const settled = await frames(page, () => panAndZoom(page));
  t.diagnostic(`pan and zoom after the layout: ${JSON.stringify(settled)}`);
  // A path across the network still traces and highlights.
  const [a, b] = await page.evaluate(() => [explorer.graph.findNode((_, x) => x.key === "13801"), explorer.graph.findNode((_, x) => x.key === "9572")]);
  assert.ok(a && b);
  const box = await page.locator("#graph").boundingBox();
  await page.mouse.move(box.x + 3, box.y + box.height - 3); // an empty corner: no hover label in the picture
  await page.evaluate(() => explorer.map.fit());
  await page.waitForTimeout(500);
  await screenshot(page, "explorer-ca-grqc.png");
  assert.deepEqual(problems, []);
});
