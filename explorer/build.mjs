// Builds the explorer into ../server/explore/, the folder the Go binary
// embeds: index.html, app.css, app.js (the page), layout.js (the
// ForceAtlas2 web worker) and the licences of the bundled packages.
//
//   node build.mjs            build into ../server/explore
//   node build.mjs --out DIR  build elsewhere (the tests compare the two)
import { build } from "esbuild";
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const outIndex = process.argv.indexOf("--out");
const out = outIndex > 0 ? process.argv[outIndex + 1] : join(here, "..", "server", "explore");

// Packages whose code ends up in app.js or layout.js.
const bundled = ["sigma", "graphology", "graphology-utils", "graphology-layout-forceatlas2", "events", "graphql-ws"];

await mkdir(out, { recursive: true });
await build({
  entryPoints: { app: join(here, "src/main.ts"), layout: join(here, "src/layout-worker.ts") },
  outdir: out,
  bundle: true,
  format: "iife",
  target: "es2020",
  minify: true,
  legalComments: "none",
  logLevel: "warning",
});
await copyFile(join(here, "src/index.html"), join(out, "index.html"));
await copyFile(join(here, "src/app.css"), join(out, "app.css"));
await writeFile(join(out, "THIRD_PARTY_LICENSES.txt"), await licences());

async function licences() {
  const parts = [];
  for (const name of bundled) {
    const dir = join(here, "node_modules", name);
    const pkg = JSON.parse(await readFile(join(dir, "package.json"), "utf8"));
    const text = await readLicence(dir);
    parts.push(`${name} ${pkg.version} (${pkg.license})\n\n${text.trim()}\n`);
  }
  return "The explorer's app.js and layout.js bundle these packages.\n\n" + parts.join("\n" + "-".repeat(72) + "\n\n");
}

async function readLicence(dir) {
  for (const f of ["LICENSE", "LICENSE.txt", "LICENSE.md", "license"]) {
    try {
      return await readFile(join(dir, f), "utf8");
    } catch {}
  }
  throw new Error(`no licence file in ${dir}`);
}
