// The Insights view sends only the README's dashboard examples: each query
// it exports must appear verbatim in a ```graphql block of the README.

import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { importSource, repoRoot } from "./harness.mjs";

test("the Insights view's queries are the README's dashboard examples, verbatim", async () => {
  const queries = await importSource("src/insights-queries.ts");
  const readme = await readFile(join(repoRoot, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1].trimEnd());
  for (const name of ["LINKS_AND_SECTORS", "SERIES"]) {
    assert.ok(typeof queries[name] === "string" && queries[name].length > 0, `${name} is not exported`);
    assert.ok(blocks.includes(queries[name]), `${name} is not a README graphql example:\n${queries[name]}`);
  }
});
