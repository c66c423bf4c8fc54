/** The README's ten-line example, run as a user would: a fresh embedded Spark, the right answer. */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { expect, it } from "vitest";
import { scaled } from "./support/timeouts.js";

it("examples/hello.ts prints the totals per city", () => {
  const root = join(import.meta.dirname, "..", "..", "..");
  const r = spawnSync(process.execPath, ["--import", "tsx", "examples/hello.ts"], {
    cwd: root,
    encoding: "utf8",
    timeout: scaled(240_000),
  });
  expect(r.status, r.stderr).toBe(0);
  const rows = r.stdout.split("\n").filter((l) => /'(Paris|Rome|Berlin)'/.test(l));
  expect(rows.map((l) => l.replace(/[│\s]+/g, " ").trim())).toEqual([
    "0 'Paris' '15.00' 2n",
    "1 'Rome' '7.25' 1n",
    "2 'Berlin' '4.75' 2n",
  ]);
});
