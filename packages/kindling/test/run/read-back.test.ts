/**
 * Issue 19 item 3: a step two outputs read is written whole by one sink, and the other output
 * reads it back from that sink's staged files instead of Spark's cache — only where the files give
 * back exactly the step's rows. Real runs on the test's Spark session, exact rows and counts:
 * a date partition with a null day is read back (the null day stays a group of its own); a string
 * partition is not (Spark writes "" and null to the same default folder, which would merge them),
 * nor a step whose consumer de-duplicates (it needs the row positions a sink does not write).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SparkSession } from "@kindling/spark-connect";
import { beforeAll, describe, expect, it } from "vitest";
import { testSession } from "../../../spark-connect/test/support/session.js";
import { runPipeline } from "../../src/run/runner.js";
import { loadPipeline } from "../../src/spec/index.js";
import { inputDir, writeInputs } from "../compile/support.js";

let spark: SparkSession;
beforeAll(async () => {
  spark = await testSession();
});

const ROWS = [
  { id: 1, tag: "a", day: "2026-01-01" },
  { id: 2, tag: "", day: "2026-01-01" },
  { id: 3, tag: null, day: null },
  { id: 4, tag: "a", day: "2026-01-02" },
  { id: 5, tag: null, day: "2026-01-02" },
  { id: -1, tag: "dropped", day: "2026-01-03" },
];

/**
 * Runs: source → `kept` (id > 0, plus `extra` YAML steps) → sink `rows` partitioned by `by`, and
 * an aggregate of `kept` per `by` → sink `per`. Returns the result and the aggregate's rows.
 */
async function run(prefix: string, by: "day" | "tag", dedupe = false) {
  const d = inputDir(prefix);
  const data = writeInputs(d, { "a.jsonl": `${ROWS.map((r) => JSON.stringify(r)).join("\n")}\n` });
  const file = join(d, "p.yaml");
  writeFileSync(
    file,
    `version: 1
name: ${prefix.replace(/-/g, "_")}
sources:
  s: { format: jsonl, path: ${data}/*.jsonl, schema: "id INT, tag STRING, day DATE" }
steps:
  - { name: kept, kind: filter, input: s, where: "id > 0" }
  - name: per
    kind: aggregate
    input: kept
    group_by: [${by}]
    metrics: { n: count(*) }
${dedupe ? "  - { name: once, kind: clean, input: kept, dedupe: { keys: [id] } }\n" : ""}sinks:
  rows: { input: kept, path: ${join(d, "rows")}, partition_by: [${by}] }
  per: { input: per, path: ${join(d, "per")} }
${dedupe ? `  once: { input: once, path: ${join(d, "once")} }\n` : ""}quarantine: { path: ${join(d, "q")} }
`,
  );
  const result = await runPipeline(spark, await loadPipeline(file, { set: {}, env: {} }));
  expect(result.error).toBeUndefined();
  const per = await spark.read.parquet(join(d, "per")).collect();
  const text = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v));
  const groups = per.map((r) => `${r[by] === null ? "null" : JSON.stringify(text(r[by]))}:${r.n}`).sort();
  return { result, groups };
}

describe("a shared step read back from its sink's files", () => {
  it("a date partition (a null day included) is read back; the aggregate's groups are exact", async () => {
    const { result, groups } = await run("read-back-date", "day");
    expect(result.readBack).toEqual({ kept: "rows" });
    expect(result.cached).toEqual([]);
    expect(groups).toEqual(['"2026-01-01":2', '"2026-01-02":2', "null:1"]);
    expect(result.actions.map((a) => [a.name, a.rows])).toEqual([
      ["rows", 5],
      ["per", 3],
      ["quarantine", 0],
    ]);
    expect(result.counts!.reconciliations.every((r) => r.holds)).toBe(true);
  });

  it('a string partition is cached instead: "" and null stay two groups', async () => {
    const { result, groups } = await run("read-back-string", "tag");
    expect(result.readBack).toEqual({});
    expect(result.cached).toEqual(["kept"]);
    expect(groups).toEqual(['"":1', '"a":2', "null:2"]);
  });

  it("a step whose consumer de-duplicates keeps its positions in the cache", async () => {
    const { result } = await run("read-back-dedupe", "day", true);
    expect(result.readBack).toEqual({});
    expect(result.cached).toEqual(["kept"]);
    expect(result.actions.find((a) => a.name === "once")!.rows).toBe(5);
  });
});
