/**
 * Incremental file sources against a real Spark Connect server with Delta: three runs with new
 * files landing between them (including updated orders whose key already exists) end with the
 * same table as one run over all files; each run reads only its new files; a run with nothing new
 * commits nothing; --full-refresh rebuilds from every file.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import { SparkSession } from "@kindling/spark-connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deltaVersion } from "../../src/delta/table.js";
import { outputChecksum } from "../../src/run/checksum.js";
import { type RunResult, runPipeline } from "../../src/run/runner.js";
import { loadPipeline } from "../../src/spec/index.js";
import { deltaServer, rowsReadByDeltaRs, scratch, tableRows, writeCsv, writeSpec } from "./support.js";

let spark: SparkSession;
let stopServer: () => Promise<void>;
let sparkUi: string | undefined;
let dir: string;

const HEADER = "order_id,customer,amount,updated_at";
const order = (i: number, amount: string, at: string) =>
  `o${String(i).padStart(4, "0")},c${i % 7},${amount},${at}`;

function spec(landing: string, table: string) {
  return {
    version: 1,
    name: "incremental_orders",
    sources: {
      orders: {
        format: "csv",
        path: join(landing, "*.csv"),
        incremental: true,
        options: { header: true },
        schema: "order_id STRING, customer STRING, amount STRING, updated_at STRING",
        // No quarantine pass (which reads the raw files a second time): the write pass reads each file.
        malformed: "fail",
      },
    },
    steps: [
      {
        kind: "clean",
        name: "clean_orders",
        input: "orders",
        casts: { amount: "decimal(10,2)", updated_at: "timestamp" },
        dedupe: { keys: ["order_id"], order_by: ["updated_at desc"] },
      },
    ],
    sinks: {
      orders: {
        input: "clean_orders",
        format: "delta",
        path: table,
        mode: "merge",
        merge: { keys: ["order_id"] },
      },
    },
    quarantine: { path: join(dir, "quarantine") },
  };
}

async function run(landing: string, table: string, fullRefresh = false): Promise<RunResult> {
  const loaded = await loadPipeline(writeSpec(dir, "incremental", spec(landing, table)));
  const r = await runPipeline(spark, loaded, { ...(sparkUi ? { sparkUi } : {}), fullRefresh });
  expect(r.error).toBeUndefined();
  return r;
}

/** Raw bytes a run read from its source's files: Spark's input metrics of the source's jobs (report.json). */
const sourceBytesRead = (r: RunResult) => r.inputs.find((i) => i.source === "orders")?.bytesRead;

const size = (path: string) => statSync(path).size;

/** Bytes Spark's stages of a run read from storage (its input metrics). */
const inputBytes = (r: RunResult) => r.spark?.stages.reduce((a, s) => a + s.inputBytes, 0);
const filesRead = (r: RunResult) => r.incremental?.sources[0]?.files.map((f) => f.replace(/^.*\//, ""));
const checksum = async (table: string) => {
  const c = await outputChecksum(spark, table, "delta");
  return `${c.rows}:${c.hash}`;
};

beforeAll(async () => {
  dir = scratch("incremental");
  const s = await deltaServer();
  stopServer = s.stop;
  if (s.server) sparkUi = `http://127.0.0.1:${s.server.uiPort}`;
  spark = await SparkSession.builder().remote(s.remote).getOrCreate();
}, 600_000);
afterAll(async () => {
  await spark?.stop();
  await stopServer?.();
});

describe("incremental sources", () => {
  it("three runs over landing files equal one full run, and each run reads only its new files", async () => {
    const landing = join(dir, "landing");
    const table = join(dir, "out", "orders");
    const day1 = "2026-11-01 10:00:00";
    const big = writeCsv(
      join(landing, "f1.csv"),
      HEADER,
      Array.from({ length: 2000 }, (_, i) => order(i + 1, `${i + 1}.00`, day1)),
    );
    const r1 = await run(landing, table);
    expect(filesRead(r1)).toEqual(["f1.csv"]);
    expect(r1.actions[0]!.delta).toMatchObject({ version: 0, rows: { inserted: 2000 } });

    // New orders and updates of existing keys land between runs.
    writeCsv(join(landing, "f2.csv"), HEADER, [
      order(2001, "1.50", "2026-11-02 09:00:00"),
      order(2002, "2.50", "2026-11-02 09:00:00"),
      order(2, "222.00", "2026-11-02 09:00:00"),
      order(3, "333.00", "2026-11-02 09:00:00"),
    ]);
    const r2 = await run(landing, table);
    expect(filesRead(r2)).toEqual(["f2.csv"]);
    expect(r2.incremental?.sources[0]?.skipped).toBe(1);
    expect(r2.actions[0]!.delta).toMatchObject({
      version: 1,
      operation: "MERGE",
      rows: { inserted: 2, updated: 2 },
    });
    expect(r2.counts?.reconciliations.every((x) => x.holds)).toBe(true);

    writeCsv(join(landing, "f3.csv"), HEADER, [
      order(2003, "3.50", "2026-11-03 09:00:00"),
      order(2003, "3.00", "2026-11-03 08:00:00"), // older duplicate in the same file: dropped by dedupe
      order(2001, "1.75", "2026-11-03 09:00:00"),
      order(2, "2222.00", "2026-11-03 09:00:00"),
    ]);
    const r3 = await run(landing, table);
    expect(filesRead(r3)).toEqual(["f3.csv"]);
    expect(r3.actions[0]!.delta).toMatchObject({ version: 2, rows: { inserted: 1, updated: 2 } });
    expect(r3.counts?.steps.find((s) => s.name === "clean_orders")?.duplicates).toBe(1);
    // Spark's input metrics: each run reads exactly its new file, once (one scan per source), and
    // never an earlier run's.
    expect(sourceBytesRead(r1)).toBe(size(big));
    expect(sourceBytesRead(r2)).toBe(size(join(landing, "f2.csv")));
    expect(sourceBytesRead(r3)).toBe(size(join(landing, "f3.csv")));
    if (inputBytes(r3) !== undefined) expect(inputBytes(r3)!).toBeLessThan(size(big));

    // Nothing new: the run succeeds and commits nothing.
    const r4 = await run(landing, table);
    expect(r4.status).toBe("succeeded");
    expect(filesRead(r4)).toEqual([]);
    expect(r4.actions).toEqual([]);
    expect(await deltaVersion(spark, table)).toBe(2);

    // One full run over the same files, into another table: the same rows.
    const full = join(dir, "out", "orders_full");
    const once = await run(landing, full);
    expect(filesRead(once)).toEqual(["f1.csv", "f2.csv", "f3.csv"]);
    expect(await checksum(table)).toBe(await checksum(full));
    const rows = await tableRows(spark, table);
    expect(rows.length).toBe(2003);
    expect(rows.filter((r) => /\|o(0002|0003|2001|2003)\|/.test(r))).toEqual([
      "1.75|c6|o2001|2026-11-03T09:00:00.000Z",
      "2222.00|c2|o0002|2026-11-03T09:00:00.000Z",
      "3.50|c1|o2003|2026-11-03T09:00:00.000Z",
      "333.00|c3|o0003|2026-11-02T09:00:00.000Z",
    ]);

    // A reader that is not Spark (delta-rs) sees the same rows.
    expect(rowsReadByDeltaRs(table)).toEqual(rows);

    // --full-refresh reads every file again and rebuilds the table in one commit.
    const rebuilt = await run(landing, table, true);
    expect(filesRead(rebuilt)).toEqual(["f1.csv", "f2.csv", "f3.csv"]);
    expect(rebuilt.actions[0]!.delta).toMatchObject({
      version: 3,
      operation: "WRITE",
      rows: { inserted: 2003 },
    });
    expect(await checksum(table)).toBe(await checksum(full));
    // After a full refresh, the next run again finds nothing new.
    expect(filesRead(await run(landing, table))).toEqual([]);
  }, 3_600_000);
});
