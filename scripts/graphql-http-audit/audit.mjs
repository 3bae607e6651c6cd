// Runs the GraphQL over HTTP audit suite of graphql-http (serverAudits)
// against partnergraph and exits non-zero unless every audit is ok: a
// warning is a failure too, so the server keeps to the spec's SHOULDs.
//
//   node audit.mjs [URL]
//
// With a URL (http://host:port/graphql) it audits that server. Without one
// it builds the service, starts `partnergraph serve --demo` on 127.0.0.1:0
// with a temporary data directory, reads the address from the startup log
// line's "addr" field, audits it and stops it.

import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { serverAudits } from "graphql-http";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const startTimeoutMs = 180_000; // a cold go build on a busy machine

/** Runs a command to completion, rejecting with its output if it fails. */
function run(cmd, args, opts) {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { ...opts, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (out += d));
    p.on("error", reject);
    p.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(" ")} exited ${code}:\n${out}`))));
  });
}

/**
 * Resolves with the address the server logs once it listens (the JSON log
 * line with an "addr" field), or rejects if it exits or takes too long.
 */
function listenAddress(proc, log) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "addr" log line after ${startTimeoutMs} ms:\n${log()}`)), startTimeoutMs);
    proc.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`partnergraph exited ${code} before listening:\n${log()}`));
    });
    createInterface({ input: proc.stderr }).on("line", (line) => {
      log.lines.push(line);
      let rec;
      try {
        rec = JSON.parse(line);
      } catch {
        return; // not a log record
      }
      if (typeof rec.addr === "string" && rec.addr) {
        clearTimeout(timer);
        resolve(rec.addr);
      }
    });
  });
}

/** Builds and starts the demo service; returns its GraphQL URL and a stop function. */
async function startService() {
  const dir = await mkdtemp(join(tmpdir(), "partnergraph-audit-"));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const bin = join(dir, "partnergraph");
    await run("go", ["build", "-o", bin, "./cmd/partnergraph"], { cwd: repoRoot });
    const proc = spawn(bin, ["serve", "--demo", "--data", join(dir, "data"), "--addr", "127.0.0.1:0"], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    const log = () => log.lines.slice(-50).join("\n");
    log.lines = [];
    const stop = async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill("SIGTERM");
        await once(proc, "exit");
      }
      await cleanup();
    };
    try {
      const addr = await listenAddress(proc, log);
      return { url: `http://${addr}/graphql`, stop };
    } catch (e) {
      proc.kill("SIGKILL");
      await cleanup();
      throw e;
    }
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/** Runs every audit against url, prints each result; returns how many were not ok. */
async function audit(url) {
  let failed = 0;
  const results = [];
  for (const a of serverAudits({ url })) {
    results.push({ id: a.id, name: a.name, result: await a.fn() });
  }
  for (const { id, name, result } of results) {
    console.log(`${result.status.padEnd(5)} ${id} ${name}`);
    if (result.status !== "ok") {
      failed++;
      console.log(`      ${result.reason}`);
      if (result.response) {
        const body = await result.response.text().catch(() => "");
        console.log(`      got ${result.response.status} ${result.response.headers.get("content-type") ?? ""} ${body.slice(0, 300)}`);
      }
    }
  }
  console.log(`graphql-http audit: ${results.length - failed} of ${results.length} ok against ${url}`);
  return failed;
}

async function main() {
  const given = process.argv[2];
  const service = given ? { url: given, stop: async () => {} } : await startService();
  try {
    return (await audit(service.url)) === 0 ? 0 : 1;
  } finally {
    await service.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`graphql-http audit: ${e.stack || e}`);
    process.exit(1);
  },
);
