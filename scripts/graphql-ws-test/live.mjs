// The graphql-ws client (graphql-transport-ws protocol) against the real
// service: builds partnergraph, makes an editor's and a viewer's API key,
// starts `partnergraph serve --demo --auth` on 127.0.0.1:0 (its address read
// from the startup log line's "addr" field), then checks that
//   - an editor's and a viewer's `changes` subscriptions receive a mutation
//     made over HTTP, the viewer's without contact data;
//   - a connection with a bad API key is refused (closed with 4403);
//   - brokersChanged sends the current ranking first.
// Exits non-zero on any failure.

import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const startTimeoutMs = 180_000; // a cold go build on a busy machine
const eventTimeoutMs = 60_000; // a bound on waiting, not a synchronisation

/** Runs a command to completion and resolves with its stdout. */
function run(cmd, args, opts) {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { ...opts, stdio: ["ignore", "pipe", "pipe"] });
    let out = "", err = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (err += d));
    p.on("error", reject);
    p.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(" ")} exited ${code}:\n${out}${err}`))));
  });
}

/** Resolves with the address the server logs once it listens. */
function listenAddress(proc, lines) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "addr" log line after ${startTimeoutMs} ms:\n${lines.join("\n")}`)), startTimeoutMs);
    proc.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`partnergraph exited ${code} before listening:\n${lines.slice(-50).join("\n")}`));
    });
    createInterface({ input: proc.stderr }).on("line", (line) => {
      lines.push(line);
      try {
        const rec = JSON.parse(line);
        if (typeof rec.addr === "string" && rec.addr) {
          clearTimeout(timer);
          resolve(rec.addr);
        }
      } catch {
        // not a log record
      }
    });
  });
}

function client(url, connectionParams) {
  return createClient({ url, webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: true });
}

/** The first event of a subscription, or the reason it failed. */
function firstEvent(c, query, variables) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no event after ${eventTimeoutMs} ms: ${query}`)), eventTimeoutMs);
    const stop = c.subscribe({ query, variables }, {
      next: (v) => {
        clearTimeout(timer);
        stop();
        v.errors ? reject(new Error(JSON.stringify(v.errors))) : resolve(v.data);
      },
      error: (e) => {
        clearTimeout(timer);
        reject(e);
      },
      complete: () => {},
    });
  });
}

async function gql(url, key, query, variables) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(`${query}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

function check(ok, msg) {
  if (!ok) throw new Error(msg);
  console.log(`ok    ${msg}`);
}

async function test(http, ws, keys) {
  const { people } = await gql(http, keys.editor, `{ people(first: 1) { nodes { id } } }`);
  const id = people.nodes[0].id;
  const editor = client(ws, { Authorization: `Bearer ${keys.editor}` });
  const viewer = client(ws, { apiKey: keys.viewer });
  try {
    const sub = `subscription($id: ID!) { changes(where: {ids: [$id]}) { op entityId after } }`;
    const events = [firstEvent(editor, sub, { id }), firstEvent(viewer, sub, { id })];
    // Each client has connected and subscribed once the server counts both.
    for (let i = 0; ; i++) {
      const metrics = await (await fetch(http.replace(/graphql$/, "metrics"))).text();
      if (/^partnergraph_live_subscriptions 2$/m.test(metrics)) break;
      if (i > 6000) throw new Error("the server never held both subscriptions");
      await new Promise((r) => setTimeout(r, 10));
    }
    await gql(http, keys.editor, `mutation($id: ID!) { updatePerson(input: {id: $id, phone: "+44 151 999 0000"}) { id } }`, { id });
    const [e, v] = await Promise.all(events);
    check(e.changes.op === "UPDATED" && e.changes.entityId === id && e.changes.after.includes("+44 151 999 0000"),
      "the editor receives the update made over HTTP, with the new phone");
    check(v.changes.op === "UPDATED" && !v.changes.after.includes("+44"), "the viewer receives it without contact data");
    const rk = await firstEvent(viewer, `subscription { brokersChanged(first: 3) { result { version } brokers { actor { key } } } }`);
    check(rk.brokersChanged.brokers.length === 3, "brokersChanged sends the current ranking first");
  } finally {
    await editor.dispose();
    await viewer.dispose();
  }
  const bad = client(ws, { apiKey: "pgk_not_a_key" });
  const refused = await firstEvent(bad, `subscription { changes { op } }`).then(() => null, (e) => e);
  check(refused && refused.code === 4403, `a bad API key is refused with close code 4403 (got ${refused && refused.code})`);
  await bad.dispose();
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), "partnergraph-ws-"));
  let proc;
  try {
    const bin = join(dir, "partnergraph");
    const data = join(dir, "data");
    await run("go", ["build", "-o", bin, "./cmd/partnergraph"], { cwd: repoRoot });
    const keys = {};
    for (const role of ["editor", "viewer"]) {
      keys[role] = (await run(bin, ["keys", "create", "--data", data, "--role", role, "--name", `graphql-ws ${role}`])).trim();
    }
    proc = spawn(bin, ["serve", "--demo", "--auth", "--data", data, "--addr", "127.0.0.1:0"], { stdio: ["ignore", "ignore", "pipe"] });
    const addr = await listenAddress(proc, []);
    await test(`http://${addr}/graphql`, `ws://${addr}/graphql`, keys);
    console.log("graphql-ws: every check ok");
    return 0;
  } finally {
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      proc.kill("SIGTERM");
      await once(proc, "exit");
    }
    await rm(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`graphql-ws: ${e.stack || e}`);
    process.exit(1);
  },
);
