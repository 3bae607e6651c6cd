// The Insights view sends only the README's dashboard examples: each query
// it exports must appear verbatim in a ```graphql block of the README.

import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { build } from "esbuild";
import { repoRoot } from "./harness.mjs";

test("the Insights view's queries are the README's dashboard examples, verbatim", async () => {
  const out = await build({
    entryPoints: [join(repoRoot, "explorer/src/insights-queries.ts")],
    bundle: true,
    format: "esm",
    write: false,
    logLevel: "warning",
  });
  const mod = await import("data:text/javascript," + encodeURIComponent(out.outputFiles[0].text));
  const readme = await readFile(join(repoRoot, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1].trimEnd());
  for (const name of ["LINKS_AND_SECTORS", "SERIES"]) {
    assert.ok(typeof mod[name] === "string" && mod[name].length > 0, `${name} is exported`);
    assert.ok(blocks.includes(mod[name]), `${name} is a README graphql example:\n${mod[name]}`);
  }
});
