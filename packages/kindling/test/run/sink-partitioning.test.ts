/**
 * Issue 19 item 3: a partitioned sink's repartition moves below its enrich step's joins when
 * they are broadcast (compile/sink-partitioning.ts), and stays at the sink when a join shuffles
 * the rows again (a sort-merge join). Real runs on the test's Spark session with 4 shuffle
 * partitions and no coalescing, over 3 input files (3 scan tasks): either way every partition
 * folder gets exactly one file, and the rows and counts are exact.
 */
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SparkSession } from "@kindling/spark-connect";
import { beforeAll, describe, expect, it } from "vitest";
import { canonical, testSession } from "../../../spark-connect/test/support/session.js";
import { compilePipeline } from "../../src/compile/pipeline.js";
import { runPipeline } from "../../src/run/runner.js";
import { loadPipeline } from "../../src/spec/index.js";
import { inputDir, writeInputs } from "../compile/support.js";

let spark: SparkSession;
beforeAll(async () => {
  spark = await testSession();
});

const DAYS = ["2026-01-01", "2026-01-02", "2026-01-03"];
/** 3 files × 12 orders: order n on day n % 3, customer n % 4 (c3 has no customer row). */
const FILES = Object.fromEntries(
  [0, 1, 2].map((f) => [
    `orders-${f}.jsonl`,
    Array.from({ length: 12 }, (_, i) => {
      const n = f * 12 + i;
      return JSON.stringify({
        id: n,
        customer: `c${n % 4}`,
        ts: `${DAYS[n % 3]} 0${n % 10}:00:00`,
        qty: n % 5,
      });
    }).join("\n"),
  ]),
);
const CUSTOMERS = ["c0", "c1", "c2"]
  .map((c, i) => JSON.stringify({ customer: c, segment: `s${i}` }))
  .join("\n");

async function run(prefix: string, broadcastThreshold: string) {
  const d = inputDir(prefix);
  const data = writeInputs(d, { ...FILES, "customers.json": CUSTOMERS });
  const file = join(d, "p.yaml");
  writeFileSync(
    file,
    `version: 1
name: ${prefix.replace(/-/g, "_")}
spark_conf:
  spark.sql.autoBroadcastJoinThreshold: "${broadcastThreshold}"
  spark.sql.shuffle.partitions: "4"
sources:
  orders: { format: jsonl, path: ${data}/orders-*.jsonl, schema: "id INT, customer STRING, ts TIMESTAMP, qty INT" }
  customers: { format: jsonl, path: ${data}/customers.json, schema: "customer STRING, segment STRING" }
steps:
  - name: enriched
    kind: enrich
    input: orders
    joins: [{ with: customers, on: [customer], type: left, select: [segment], prefix: customer_ }]
    derive: { day: to_date(ts), units: qty * 2 }
sinks:
  by_day: { input: enriched, path: ${join(d, "by_day")}, partition_by: [day] }
quarantine: { path: ${join(d, "q")} }
`,
  );
  const loaded = await loadPipeline(file, { set: {}, env: {} });
  // Not a spec setting: without coalescing, every shuffle keeps its 4 partitions however few the rows.
  const result = await runPipeline(spark, loaded, {
    conf: { "spark.sql.adaptive.coalescePartitions.enabled": "false" },
  });
  expect(result.error).toBeUndefined();
  // Compiled again on the session as the run left it (its spark_conf set): was the repartition moved?
  const compiled = await compilePipeline(spark, loaded.spec, d);
  const out = join(d, "by_day");
  const filesPerFolder = readdirSync(out)
    .filter((f) => f.startsWith("day="))
    .sort()
    .map((f) => [f, readdirSync(join(out, f)).filter((x) => x.endsWith(".parquet")).length]);
  const rows = canonical(
    await spark.read.parquet(out).select("id", "customer_segment", "day", "units").collect(),
  );
  return { result, partitionedBy: compiled.nodes.get("enriched")!.partitionedBy, filesPerFolder, rows };
}

const EXPECTED_FOLDERS = DAYS.map((day) => [`day=${day}`, 1]);

function expectedRows(): string[] {
  const rows = Array.from({ length: 36 }, (_, n) => ({
    id: n,
    customer_segment: n % 4 === 3 ? null : `s${n % 4}`,
    day: new Date(`${DAYS[n % 3]}T00:00:00Z`),
    units: (n % 5) * 2,
  }));
  return canonical(rows);
}

describe("a partitioned sink's repartition below its enrich step's joins", () => {
  it("broadcast joins: the input is repartitioned by the derived day, one file per folder", async () => {
    const { result, partitionedBy, filesPerFolder, rows } = await run("sink-part-broadcast", "67108864");
    expect(partitionedBy).toEqual(["day"]);
    expect(filesPerFolder).toEqual(EXPECTED_FOLDERS);
    expect(result.actions.find((a) => a.name === "by_day")!.rows).toBe(36);
    expect(rows).toEqual(expectedRows());
  });

  it("a sort-merge join: the sink repartitions as before, still one file per folder", async () => {
    const { result, partitionedBy, filesPerFolder, rows } = await run("sink-part-sort-merge", "-1");
    expect(partitionedBy).toBeUndefined();
    expect(filesPerFolder).toEqual(EXPECTED_FOLDERS);
    expect(result.actions.find((a) => a.name === "by_day")!.rows).toBe(36);
    expect(rows).toEqual(expectedRows());
  });
});
