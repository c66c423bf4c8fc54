/**
 * kill -9 in the middle of a Delta commit: the CLI runs against a Delta-enabled server; when it
 * reports that the commit began, both the CLI and the server JVM doing the commit are killed with
 * SIGKILL. The table must still be at its previous version with its previous rows, and the next
 * run must end in the state of an undisturbed sequence.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { type LocalServer, SparkSession } from "@kindling/spark-connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deltaVersion } from "../../src/delta/table.js";
import { runPipeline } from "../../src/run/runner.js";
import { loadPipeline } from "../../src/spec/index.js";
import { startKindling } from "../support/cli.js";
import { scratch, startDeltaTestServer, tableRows, writeCsv, writeSpec } from "./support.js";

const HEADER = "order_id,customer,amount";
let dir: string;
let server: LocalServer | undefined;

function specFile(input: string, table: string): string {
  return writeSpec(dir, `merge-${input.replace(/\W/g, "_")}`, {
    version: 1,
    name: "kill_commit",
    sources: {
      orders: {
        format: "csv",
        path: input,
        options: { header: true },
        schema: "order_id STRING, customer STRING, amount STRING",
        malformed: "fail",
      },
    },
    steps: [
      {
        kind: "clean",
        name: "typed",
        input: "orders",
        casts: { amount: "decimal(10,2)" },
        on_cast_error: "fail",
      },
    ],
    sinks: {
      orders: { input: "typed", format: "delta", path: table, mode: "merge", merge: { keys: ["order_id"] } },
    },
  });
}

beforeAll(() => {
  dir = scratch("kill-commit");
});
afterAll(async () => {
  await server?.stop();
});

describe("kill -9 mid-commit", () => {
  it("leaves the Delta table at its previous version; the next run ends as an undisturbed one", async () => {
    const table = join(dir, "out", "orders");
    const first = writeCsv(join(dir, "in", "first.csv"), HEADER, ["o1,c1,10.00", "o2,c2,20.00"]);
    // Enough rows that writing the commit's files takes a while.
    const second = writeCsv(join(dir, "in", "second.csv"), HEADER, [
      "o2,c2,22.00",
      ...Array.from({ length: 200_000 }, (_, i) => `n${i},c${i % 9},${i % 1000}.50`),
    ]);
    server = await startDeltaTestServer();
    let spark = await SparkSession.builder().remote(server.url).getOrCreate();
    const r0 = await runPipeline(spark, await loadPipeline(specFile(first, table)));
    expect(r0.error).toBeUndefined();
    const before = await tableRows(spark, table);
    await spark.stop();

    const cli = startKindling(["run", specFile(second, table), "--remote", server.url]);
    const dataFiles = () => readdirSync(table).filter((f) => f.endsWith(".parquet"));
    const old = new Set(dataFiles());
    await cli.waitForOutput(/committing sink orders to the Delta table/);
    // Mid-commit: MERGE is writing the new version's data files, the log does not name them yet.
    const deadline = Date.now() + 600_000;
    while (!dataFiles().some((f) => !old.has(f)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 25));
    cli.child.kill("SIGKILL");
    server.process.kill("SIGKILL");
    await server.stop();
    const orphans = dataFiles().filter((f) => !old.has(f));
    expect(orphans.length, "the kill came after the commit's data files began to land").toBeGreaterThan(0);

    server = await startDeltaTestServer();
    spark = await SparkSession.builder().remote(server.url).getOrCreate();
    try {
      expect(await deltaVersion(spark, table)).toBe(0);
      expect(await tableRows(spark, table)).toEqual(before);
      const again = await runPipeline(spark, await loadPipeline(specFile(second, table)));
      expect(again.error).toBeUndefined();
      expect(again.actions[0]!.delta).toMatchObject({ version: 1, rows: { inserted: 200_000, updated: 1 } });
      const rows = await tableRows(spark, table);
      expect(rows.length).toBe(200_002);
      expect(rows.filter((r) => /\|o[12]$/.test(r))).toEqual(["10.00|c1|o1", "22.00|c2|o2"]);
    } finally {
      await spark.stop();
    }
  }, 3_000_000);
});
