// scripts/bench-explorer: how fast the explorer opens big networks. For each
// SNAP network named (default ca-grqc and ca-hepth, from testdata/networks)
// it imports the network into a temporary embedded store, serves it, and
// opens /explore in headless Chromium:
//
//   cold   the first opening after the import: the server lays the network
//          out then (once per store version), while the brokers rank;
//   warm   later openings (median of --runs), the layout kept with the snapshot.
//
// It reports the time from navigation until the whole network is drawn,
// until the brokers are sized, the main thread's long tasks (the longest,
// and how many exceed 200 ms), frame times while panning and zooming, and,
// as the peer measured in the same run, the time the old explorer's
// paginated queries (pages of 1,000 actors and links) take to fetch the
// same network against one networkGraph request. JSON goes to
// artifacts/bench-explorer.json.
//
//   node explorer/test/bench.mjs [--runs N] [NETWORK...]

import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { artifacts, graphql, launchBrowser, openExplorer, repoRoot, run, startService } from "./harness.mjs";
import { frames, longTasks, panAndZoom, recordLongTasks } from "./measure.mjs";

const args = process.argv.slice(2);
const runsAt = args.indexOf("--runs");
const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 3;
const networks = args.length ? args : ["ca-grqc", "ca-hepth"];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => Math.round(x);

/** The old explorer's loading: the actor and link page chains side by side. */
async function paged(url) {
  const chain = async (field, selection) => {
    let after = null;
    let n = 0;
    for (;;) {
      const data = await graphql(url, `query ($after: String) { ${field}(first: 1000, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${selection} } } }`, { after });
      n += data[field].nodes.length;
      if (!data[field].pageInfo.hasNextPage) return n;
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

async function bench(name) {
  const tmp = await mkdtemp(join(tmpdir(), "partnergraph-bench-"));
  const json = join(tmp, `${name}.json`);
  await run("sh", ["-c", `python3 "$0" "$1" > "$2"`, join(repoRoot, "scripts", "ca-grqc-to-json.py"), join(repoRoot, "testdata", "networks", `${name}.txt`), json]);
  const service = await startService({ demo: false, importFile: json });
  const browser = await launchBrowser();
  try {
    await recordLongTasks(browser.context);
    const cold = await open(browser.context, service.url);
    await cold.page.close();
    const warm = [];
    for (let i = 0; i < runs; i++) {
      const w = await open(browser.context, service.url);
      if (i < runs - 1) await w.page.close();
      warm.push(w);
    }
    const last = warm[warm.length - 1];
    const since = await last.page.evaluate(() => performance.now());
    const pan = await frames(last.page, () => panAndZoom(last.page));
    const panTasks = await longTasks(last.page, since);
    const problems = [cold, ...warm].flatMap((o) => o.problems);
    await last.page.close();
    const peer = { paged: median([await paged(service.url), await paged(service.url), await paged(service.url)]),
      networkGraph: median([await oneShot(service.url), await oneShot(service.url), await oneShot(service.url)]) };
    return {
      network: name, actors: cold.size[0], links: cold.size[1],
      cold: { drawn: ms(cold.drawn), ready: ms(cold.ready), longestTask: cold.tasks.max, tasksOver200: cold.tasks.over200 },
      warm: { drawn: ms(median(warm.map((w) => w.drawn))), drawnMax: ms(Math.max(...warm.map((w) => w.drawn))),
        ready: ms(median(warm.map((w) => w.ready))), longestTask: Math.max(...warm.map((w) => w.tasks.max)),
        tasksOver200: Math.max(...warm.map((w) => w.tasks.over200)) },
      panZoom: { ...pan, longestTask: panTasks.max, tasksOver200: panTasks.over200 },
      fetch: { pagedMs: ms(peer.paged), networkGraphMs: ms(peer.networkGraph), ratio: +(peer.paged / peer.networkGraph).toFixed(1) },
      problems,
    };
  } finally {
    await browser.close();
    await service.stop();
    await rm(tmp, { recursive: true, force: true });
  }
}

const results = [];
for (const name of networks) {
  const r = await bench(name);
  results.push(r);
  console.log(`${r.network} (${r.actors} actors, ${r.links} links)
  cold: drawn ${r.cold.drawn} ms, brokers sized ${r.cold.ready} ms, longest task ${r.cold.longestTask} ms, tasks > 200 ms: ${r.cold.tasksOver200}
  warm: drawn ${r.warm.drawn} ms (median of ${runs}, max ${r.warm.drawnMax}), brokers sized ${r.warm.ready} ms, longest task ${r.warm.longestTask} ms, tasks > 200 ms: ${r.warm.tasksOver200}
  pan/zoom: frames p50 ${r.panZoom.p50} ms, p95 ${r.panZoom.p95} ms, max ${r.panZoom.max} ms (${r.panZoom.frames} frames), longest task ${r.panZoom.longestTask} ms
  fetch (peer, same run): old pages of 1,000 ${r.fetch.pagedMs} ms vs one networkGraph ${r.fetch.networkGraphMs} ms: ${r.fetch.ratio}x
  page problems: ${r.problems.length ? r.problems.join("; ") : "none"}`);
}
await mkdir(artifacts, { recursive: true });
await writeFile(join(artifacts, "bench-explorer.json"), JSON.stringify(results, null, 2) + "\n");
