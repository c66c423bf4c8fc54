/**
 * Aggregates in incremental runs against a real Spark Connect server with Delta: each run
 * recomputes only the groups its new rows touch (a new group, a group an updated order moved to,
 * the group it left, which empties and is deleted), from the whole row table; three runs give the
 * same aggregate table as one full run. pipelines/incremental.yaml over a generated dataset and two
 * appended batches ends with exactly the manifest's expected figures. Also: a Delta source read as
 * of a timestamp.
 */
import { join } from "node:path";
import { SparkSession } from "@kindling/spark-connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendOrders, generate, type Manifest } from "../../src/datagen/index.js";
import { deltaHistory } from "../../src/delta/table.js";
import { outputChecksum } from "../../src/run/checksum.js";
import { type RunResult, runPipeline } from "../../src/run/runner.js";
import { loadPipeline } from "../../src/spec/index.js";
import { deltaServer, scratch, tableRows, writeCsv, writeSpec } from "./support.js";

const RUN_LIMIT = 1_200_000;

let spark: SparkSession;
let stopServer: () => Promise<void>;
let dir: string;

const HEADER = "order_id,country,day,amount,updated_at";

function spec(landing: string, out: string) {
  return {
    version: 1,
    name: "incremental_sales",
    sources: {
      orders: {
        format: "csv",
        path: join(landing, "*.csv"),
        incremental: true,
        options: { header: true },
        schema: "order_id STRING, country STRING, day STRING, amount STRING, updated_at STRING",
        malformed: "fail",
      },
    },
    steps: [
      {
        kind: "clean",
        name: "clean_orders",
        input: "orders",
        casts: { amount: "decimal(10,2)", day: "date", updated_at: "timestamp" },
        on_cast_error: "fail",
        dedupe: { keys: ["order_id"], order_by: ["updated_at desc"] },
      },
      {
        kind: "aggregate",
        name: "sales",
        input: "clean_orders",
        group_by: ["day", "country"],
        metrics: { revenue: "sum(amount)", orders: "count(*)" },
      },
    ],
    sinks: {
      orders: {
        input: "clean_orders",
        format: "delta",
        path: join(out, "orders"),
        mode: "merge",
        merge: { keys: ["order_id"] },
      },
      sales: {
        input: "sales",
        format: "delta",
        path: join(out, "sales"),
        mode: "merge",
        merge: { keys: ["day", "country"] },
      },
    },
  };
}

async function run(landing: string, out: string): Promise<RunResult> {
  const loaded = await loadPipeline(writeSpec(dir, "sales", spec(landing, out)));
  const r = await runPipeline(spark, loaded);
  expect(r.error).toBeUndefined();
  return r;
}

/** The sales table after the second run (country|day|orders|revenue). */
const afterRun2 = [
  "DE|2026-11-01|2|30.00",
  "DE|2026-11-02|1|60.00",
  "FR|2026-11-01|1|30.00",
  "FR|2026-11-03|1|45.00",
  "US|2026-11-03|1|50.00",
];

const commit = (r: RunResult, sink: string) => r.actions.find((a) => a.name === sink)?.delta;
const checksum = async (table: string) => {
  const c = await outputChecksum(spark, table, "delta");
  return `${c.rows}:${c.hash}`;
};

beforeAll(async () => {
  dir = scratch("incremental-aggregate");
  const s = await deltaServer();
  stopServer = s.stop;
  spark = await SparkSession.builder().remote(s.remote).getOrCreate();
}, 600_000);
afterAll(async () => {
  await spark?.stop();
  await stopServer?.();
});

describe("aggregates in incremental runs", () => {
  it(
    "each run rewrites only the groups its new rows touch, and three runs equal one full run",
    async () => {
      const landing = join(dir, "landing");
      const out = join(dir, "out");
      writeCsv(join(landing, "f1.csv"), HEADER, [
        "o1,DE,2026-11-01,10.00,2026-11-01 10:00:00",
        "o2,DE,2026-11-01,20.00,2026-11-01 10:00:00",
        "o3,FR,2026-11-01,30.00,2026-11-01 10:00:00",
        "o4,FR,2026-11-02,40.00,2026-11-02 10:00:00",
        "o5,US,2026-11-03,50.00,2026-11-03 10:00:00",
      ]);
      const r1 = await run(landing, out);
      expect(commit(r1, "sales")).toMatchObject({ version: 0, operation: "WRITE", rows: { inserted: 4 } });

      // o6 opens group (11-02, DE); o4 moves from (11-02, FR), which it leaves empty, to (11-03, FR).
      writeCsv(join(landing, "f2.csv"), HEADER, [
        "o6,DE,2026-11-02,60.00,2026-11-04 09:00:00",
        "o4,FR,2026-11-03,45.00,2026-11-04 09:00:00",
      ]);
      const r2 = await run(landing, out);
      expect(commit(r2, "sales")).toMatchObject({
        version: 1,
        operation: "MERGE",
        rows: { inserted: 2, updated: 0, deleted: 1 },
      });
      // Three affected groups reach the MERGE; the three others are not in its source.
      expect(commit(r2, "sales")!.operationMetrics).toMatchObject({
        numSourceRows: "3",
        numTargetRowsInserted: "2",
        numTargetRowsUpdated: "0",
        numTargetRowsDeleted: "1",
      });
      expect(r2.actions.find((a) => a.name === "sales")!.rows).toBe(2);
      expect(await tableRows(spark, join(out, "sales"))).toEqual(afterRun2);

      // o2 changes within its group; o7 joins (11-03, US) (an older copy of it in the same file is dropped).
      writeCsv(join(landing, "f3.csv"), HEADER, [
        "o2,DE,2026-11-01,25.00,2026-11-05 09:00:00",
        "o7,US,2026-11-03,5.00,2026-11-05 09:00:00",
        "o7,US,2026-11-03,7.00,2026-11-05 08:00:00",
      ]);
      const r3 = await run(landing, out);
      expect(commit(r3, "sales")!.operationMetrics).toMatchObject({
        numSourceRows: "2",
        numTargetRowsInserted: "0",
        numTargetRowsUpdated: "2",
        numTargetRowsDeleted: "0",
      });
      const sales = [
        "DE|2026-11-01|2|35.00",
        "DE|2026-11-02|1|60.00",
        "FR|2026-11-01|1|30.00",
        "FR|2026-11-03|1|45.00",
        "US|2026-11-03|2|55.00",
      ];
      expect(await tableRows(spark, join(out, "sales"))).toEqual(sales);
      expect(r3.counts?.reconciliations.every((x) => x.holds)).toBe(true);

      // One run over all three files, into new tables: the same aggregate, checksum for checksum.
      const full = join(dir, "full");
      const once = await run(landing, full);
      expect(once.incremental?.sources[0]?.files.length).toBe(3);
      expect(commit(once, "sales")).toMatchObject({ version: 0, operation: "WRITE", rows: { inserted: 5 } });
      expect(await tableRows(spark, join(full, "sales"))).toEqual(sales);
      expect(await checksum(join(out, "sales"))).toBe(await checksum(join(full, "sales")));
      expect(await checksum(join(out, "orders"))).toBe(await checksum(join(full, "orders")));
    },
    RUN_LIMIT,
  );

  it(
    "a Delta source with timestamp: reads the table as of that time (Delta's timestampAsOf)",
    async () => {
      const table = join(dir, "out", "sales");
      const v1 = (await deltaHistory(spark, table)).find((c) => c.version === 1)!;
      const loaded = await loadPipeline(
        writeSpec(dir, "travel", {
          version: 1,
          name: "sales_as_of",
          sources: { sales: { format: "delta", path: table, timestamp: v1.timestamp } },
          sinks: { copy: { input: "sales", format: "delta", path: join(dir, "copy_v1") } },
        }),
      );
      const r = await runPipeline(spark, loaded);
      expect(r.error).toBeUndefined();
      expect(await tableRows(spark, join(dir, "copy_v1"))).toEqual(await tableRows(spark, table, 1));
      expect(await tableRows(spark, join(dir, "copy_v1"))).toEqual(afterRun2);
    },
    RUN_LIMIT,
  );

  it(
    "pipelines/incremental.yaml over a generated dataset and two appended batches gives the manifest's expected figures",
    async () => {
      const data = join(dir, "data");
      await generate({ outDir: join(data, "raw"), rows: 3000, seed: 5, dirtyRate: 0.05, files: 1 });
      const file = join(import.meta.dirname, "..", "..", "..", "..", "pipelines", "incremental.yaml");
      const runOnce = async (out: string) => {
        const loaded = await loadPipeline(file, { set: { data_dir: data, out_dir: out } });
        const r = await runPipeline(spark, loaded);
        expect(r.error).toBeUndefined();
        expect(r.counts?.reconciliations.every((x) => x.holds)).toBe(true);
        return r;
      };
      const out = join(dir, "generated");
      const runs = [await runOnce(out)];
      let manifest: Manifest | undefined;
      for (const rows of [400, 300]) {
        const appended = await appendOrders({ outDir: join(data, "raw"), rows, updateRate: 0.1 });
        manifest = appended.manifest;
        const r = await runOnce(out);
        expect(r.incremental?.sources[0]?.files.map((f) => f.replace(/^.*\/orders\//, "orders/"))).toEqual(
          appended.batch.files,
        );
        runs.push(r);
      }
      const e = manifest!.expected;
      // Every record ends somewhere: read once over the three runs, then quarantined, a duplicate
      // within its run, merged as an update of an earlier run's order, or inserted as a new order.
      const rec = runs.map((r) => r.counts!.reconciliations.find((x) => x.sink === "orders")!);
      const orders = runs.map((r) => commit(r, "orders")!);
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      expect(sum(rec.map((x) => x.rowsIn))).toBe(e.rowsIn);
      expect(sum(rec.map((x) => x.malformed + x.quarantined))).toBe(e.quarantined);
      expect(sum(rec.map((x) => x.duplicates)) + sum(orders.map((c) => c.rows.updated))).toBe(e.duplicates);
      expect(sum(orders.map((c) => c.rows.inserted))).toBe(e.validOut);
      // Later runs rewrite only the groups their orders touch, not the whole aggregate.
      for (const r of runs.slice(1)) {
        const m = commit(r, "daily_revenue")!;
        expect(m.operation).toBe("MERGE");
        const touched = Number(m.operationMetrics.numSourceRows);
        expect(touched).toBe(m.rows.inserted + m.rows.updated + (m.rows.deleted ?? 0));
        expect(touched).toBeLessThan(e.revenueByDateCountry.length);
      }
      const table = await spark.read.format("delta").load(join(out, "daily_revenue")).collect();
      const got = table
        .map((row) => `${isoDay(row.order_date)}|${row.country}|${row.orders}|${row.revenue}`)
        .sort();
      expect(got).toEqual(
        e.revenueByDateCountry.map((g) => `${g.orderDate}|${g.country}|${g.orders}|${g.revenue}`).sort(),
      );
      expect(await spark.read.format("delta").load(join(out, "orders")).count()).toBe(e.validOut);

      // One run over every file gives the same tables.
      const full = join(dir, "generated-full");
      await runOnce(full);
      for (const t of ["orders", "daily_revenue"])
        expect(await checksum(join(out, t))).toBe(await checksum(join(full, t)));
    },
    RUN_LIMIT * 2,
  );
});

const isoDay = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v));
