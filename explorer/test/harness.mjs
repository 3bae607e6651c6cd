// Test harness: builds and starts the real Go service on a free port with a
// temporary data directory, and drives Debian's Chromium with playwright-core.

import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const artifacts = join(repoRoot, "artifacts");

export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const CHROMIUM_FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
  "--disable-quic", "--disable-component-update", "--disable-sync",
];

let built; // one build of the service per test process

/** Runs a command, rejecting with its output if it fails. */
export function run(cmd, args, { stderr = true, ...opts } = {}) {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { ...opts, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (err += d));
    p.on("error", reject);
    p.on("close", (code) => (code === 0 ? resolve(stderr ? out + err : out) : reject(new Error(`${cmd} ${args.join(" ")} exited ${code}:\n${out}${err}`))));
  });
}

/** The service binary: $PARTNERGRAPH_BIN if set, else built from this tree once. */
async function buildService() {
  if (process.env.PARTNERGRAPH_BIN) return process.env.PARTNERGRAPH_BIN;
  built ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), "partnergraph-explorer-bin-"));
    const bin = join(dir, "partnergraph");
    await run("go", ["build", "-o", bin, "./cmd/partnergraph"], { cwd: repoRoot });
    process.on("exit", () => import("node:fs").then((fs) => fs.rmSync(dir, { recursive: true, force: true })));
    return bin;
  })();
  return built;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitReady(url, proc, log, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`partnergraph exited ${proc.exitCode}:\n${log()}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`partnergraph not ready at ${url} after ${timeoutMs} ms:\n${log()}`);
}

/**
 * Starts `partnergraph serve` on a free port with a fresh data directory:
 * the demo network, or (with importFile) a network file imported first.
 * With auth, access control is on and key is a viewer's API key; keys
 * holds one key for each of roles (names like "editor", "editor2", "admin":
 * the role is the name without its digits). bin serves with another build
 * of the service (a benchmark's peer).
 */
export async function startService({ demo = true, importFile, auth = false, roles = [], bin: given } = {}) {
  const bin = given ?? (await buildService());
  const dir = await mkdtemp(join(tmpdir(), "partnergraph-explorer-"));
  const data = join(dir, "data");
  if (importFile) await run(bin, ["import", "--data", data, importFile]);
  let key;
  if (auth) key = (await run(bin, ["keys", "create", "--data", data, "--role", "viewer", "--name", "explorer tests"], { stderr: false })).trim();
  const keys = {};
  for (const name of auth ? roles : []) {
    keys[name] = (await run(bin, ["keys", "create", "--data", data, "--role", name.replace(/\d+$/, ""), "--name", `explorer tests: ${name}`], { stderr: false })).trim();
  }
  const port = await freePort();
  const args = ["serve", "--data", data, "--addr", `127.0.0.1:${port}`];
  if (demo) args.push("--demo");
  if (auth) args.push("--auth");
  const proc = spawn(bin, args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  proc.stderr.on("data", (d) => (stderr = (stderr + d).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady(`${url}/readyz`, proc, () => stderr);
  } catch (e) {
    proc.kill("SIGKILL");
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    url,
    key,
    keys,
    log: () => stderr,
    async stop() {
      if (proc.exitCode === null) {
        proc.kill("SIGTERM");
        await once(proc, "exit");
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium with a fresh profile; close() removes the profile. */
export async function launchBrowser(viewport = { width: 1280, height: 800 }) {
  const profile = await mkdtemp(join(tmpdir(), "partnergraph-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport,
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Opens the explorer in a new page and records what a test must not see:
 * console errors, uncaught exceptions, failed requests and requests to
 * any origin but the service's.
 */
export async function openExplorer(context, url, { path = "/explore", ready = true, key } = {}) {
  const page = await context.newPage();
  // An API key for this page only (its tab's sessionStorage, as the page keeps one).
  if (key) await page.addInitScript((k) => sessionStorage.setItem("partnergraph.apiKey", k), key);
  const problems = [];
  const origin = new URL(url).origin;
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`uncaught: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (u.protocol !== "data:" && u.protocol !== "blob:" && u.origin !== origin) problems.push(`request elsewhere: ${r.url()}`);
  });
  await page.goto(url + path);
  if (ready) await page.waitForFunction(() => window.explorer?.timings?.ready, null, { timeout: 180_000 });
  return { page, problems };
}

/**
 * Posts a GraphQL request to the service at url, with key (an API key) as
 * its Bearer token if given, and returns the whole response body, errors
 * included: for tests that expect a refusal.
 */
export async function graphqlResponse(url, query, variables = {}, { key } = {}) {
  const headers = { "Content-Type": "application/json" };
  if (key) headers.Authorization = `Bearer ${key}`;
  const res = await fetch(`${url}/graphql`, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  return res.json();
}

/** Posts a GraphQL request as graphqlResponse does; rejects on errors, else returns its data. */
export async function graphql(url, query, variables = {}, { key } = {}) {
  const body = await graphqlResponse(url, query, variables, { key });
  if (body.errors) throw new Error(`${query}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

export async function screenshot(page, name) {
  await mkdir(artifacts, { recursive: true });
  const file = join(artifacts, name);
  await page.screenshot({ path: file });
  return file;
}

/** Imports one of the explorer's TypeScript modules (bundled by esbuild) into a test. */
export async function importSource(path) {
  const { build } = await import("esbuild");
  const out = await build({ entryPoints: [join(repoRoot, "explorer", path)], bundle: true, format: "esm", write: false, logLevel: "warning" });
  return import("data:text/javascript," + encodeURIComponent(out.outputFiles[0].text));
}
