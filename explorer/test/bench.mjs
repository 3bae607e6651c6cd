// scripts/bench-explorer: how fast the explorer opens big networks. For each
// SNAP network named (default ca-grqc and ca-hepth, from testdata/networks)
// it imports the network into a temporary embedded store, serves it, and
// opens /explore in headless Chromium:
//
//   cold   the first opening after the import: the server lays the network
//          out then (once per store version), while the brokers rank;
//   warm   later openings (median of --runs), the layout kept with the snapshot.
//
// It reports the time from navigation until the whole network is drawn and
// until the brokers are sized, the main thread's long tasks (the longest,
// how many exceed 200 ms), frame times while panning and zooming, and the
// time to fetch the network in one networkGraph request against the old
// explorer's pages of 1,000 actors and links. With --peer BIN (a build of
// the service from before networkGraph, e.g. main's) the old explorer is
// opened on the same network in the same run, and ratios are printed:
// timings on a shared machine move with its load, ratios much less.
// JSON goes to artifacts/bench-explorer.json.
//
//   node explorer/test/bench.mjs [--runs N] [--peer BIN] [NETWORK...]

import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { artifacts, graphql, launchBrowser, openExplorer, repoRoot, run, startService } from "./harness.mjs";
import { frames, longTasks, panAndZoom, recordLongTasks } from "./measure.mjs";

const args = process.argv.slice(2);
const option = (name, def) => {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : def;
};
const runs = Number(option("--runs", 3));
const peerBin = option("--peer", undefined);
const networks = args.length ? args : ["ca-grqc", "ca-hepth"];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => Math.round(x);
const ratio = (a, b) => +(a / b).toFixed(1);

/** The old explorer's loading: the actor and link page chains side by side. */
async function paged(url) {
  const chain = async (field, selection) => {
    let after = null;
    for (;;) {
      const data = await graphql(url, `query ($after: String) { ${field}(first: 1000, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${selection} } } }`, { after });
      if (!data[field].pageInfo.hasNextPage) return;
      after = data[field].pageInfo.endCursor;
    }
  };
  const start = performance.now();
  await Promise.all([
    chain("actors", "id key name __typename ... on Organisation { type sector }"),
    chain("links", "key type directed weight from to source { id } target { id } programme { id }"),
  ]);
  return performance.now() - start;
}

async function oneShot(url) {
  const start = performance.now();
  await graphql(url, `{ networkGraph { ids keys names kinds organisationTypes sectors x y layoutComplete
    linkKeys sources targets linkTypes directed weights from to programmes } }`);
  return performance.now() - start;
}

/** Opens the explorer once: timings since navigation, long tasks until ready. */
async function open(context, url) {
  const { page, problems } = await openExplorer(context, url);
  const t = await page.evaluate(() => explorer.timings);
  const size = await page.evaluate(() => [explorer.graph.order, explorer.graph.size]);
  return { page, problems, drawn: t.networkDrawn, ready: t.ready, tasks: await longTasks(page), size };
}

/** Opens url runs times after one cold opening, then pans and zooms the last page. */
async function measure(context, url, wait) {
  const cold = await open(context, url);
  await cold.page.close();
  const warm = [];
  for (let i = 0; i < runs; i++) {
    const w = await open(context, url);
    warm.push(w);
    if (i < runs - 1) await w.page.close();
  }
  const last = warm[warm.length - 1].page;
  await wait?.(last);
  // Both explorers pan once the page is idle: work left from the opening
  // (its first frames) is the opening's, not the panning's.
  await last.evaluate(() => new Promise((r) => requestIdleCallback(() => r(), { timeout: 10_000 })));
  const since = await last.evaluate(() => performance.now());
  const pan = await frames(last, () => panAndZoom(last));
  const panTasks = await longTasks(last, since);
  await last.close();
  return {
    actors: cold.size[0], links: cold.size[1],
    cold: { drawn: ms(cold.drawn), ready: ms(cold.ready), longestTask: cold.tasks.max, tasksOver200: cold.tasks.over200 },
    warm: { drawn: ms(median(warm.map((w) => w.drawn))), drawnMax: ms(Math.max(...warm.map((w) => w.drawn))),
      ready: ms(median(warm.map((w) => w.ready))), longestTask: Math.max(...warm.map((w) => w.tasks.max)),
      tasksOver200: Math.max(...warm.map((w) => w.tasks.over200)) },
    panZoom: { ...pan, longestTask: panTasks.max, tasksOver200: panTasks.over200 },
    problems: [cold, ...warm].flatMap((o) => o.problems),
  };
}

async function bench(name) {
  const tmp = await mkdtemp(join(tmpdir(), "partnergraph-bench-"));
  const json = join(tmp, `${name}.json`);
  await run("sh", ["-c", `python3 "$0" "$1" > "$2"`, join(repoRoot, "scripts", "ca-grqc-to-json.py"), join(repoRoot, "testdata", "networks", `${name}.txt`), json]);
  const service = await startService({ demo: false, importFile: json });
  const peer = peerBin ? await startService({ demo: false, importFile: json, bin: peerBin }) : null;
  const browser = await launchBrowser();
  try {
    await recordLongTasks(browser.context);
    const out = { network: name, ...(await measure(browser.context, service.url)) };
    // The old explorer pans while its layout runs: measured once it settled, as the new one.
    if (peer) out.peer = await measure(browser.context, peer.url, (page) => page.waitForFunction(() => explorer.timings.layoutDone, null, { timeout: 600_000 }));
    const fetched = { paged: [], networkGraph: [] };
    for (let i = 0; i < 3; i++) {
      fetched.paged.push(await paged(service.url));
      fetched.networkGraph.push(await oneShot(service.url));
    }
    out.fetch = { pagedMs: ms(median(fetched.paged)), networkGraphMs: ms(median(fetched.networkGraph)) };
    return out;
  } finally {
    await browser.close();
    await service.stop();
    await peer?.stop();
    await rm(tmp, { recursive: true, force: true });
  }
}

function report(r) {
  const line = (label, m) => `  ${label}: cold drawn ${m.cold.drawn} ms (ready ${m.cold.ready}, longest task ${m.cold.longestTask}, >200 ms: ${m.cold.tasksOver200}); ` +
    `warm drawn ${m.warm.drawn} ms (median of ${runs}, max ${m.warm.drawnMax}; ready ${m.warm.ready}, longest task ${m.warm.longestTask}, >200 ms: ${m.warm.tasksOver200}); ` +
    `pan/zoom p50 ${m.panZoom.p50} p95 ${m.panZoom.p95} max ${m.panZoom.max} ms (${m.panZoom.frames} frames, longest task ${m.panZoom.longestTask})`;
  const lines = [`${r.network} (${r.actors} actors, ${r.links} links)`, line("networkGraph", r)];
  if (r.peer) {
    lines.push(line("old (peer) ", r.peer));
    lines.push(`  old/new: cold drawn ${ratio(r.peer.cold.drawn, r.cold.drawn)}x, warm drawn ${ratio(r.peer.warm.drawn, r.warm.drawn)}x, ` +
      `longest warm task ${ratio(r.peer.warm.longestTask, r.warm.longestTask)}x, pan/zoom p95 ${ratio(r.peer.panZoom.p95, r.panZoom.p95)}x`);
  }
  lines.push(`  fetch: pages of 1,000 ${r.fetch.pagedMs} ms, one networkGraph ${r.fetch.networkGraphMs} ms (${ratio(r.fetch.pagedMs, r.fetch.networkGraphMs)}x)`);
  lines.push(`  page problems: ${[...r.problems, ...(r.peer?.problems ?? [])].join("; ") || "none"}`);
  console.log(lines.join("\n"));
}

const results = [];
for (const name of networks) {
  const r = await bench(name);
  results.push(r);
  report(r);
}
await mkdir(artifacts, { recursive: true });
await writeFile(join(artifacts, "bench-explorer.json"), JSON.stringify(results, null, 2) + "\n");
