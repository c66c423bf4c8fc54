/**
 * Delta sinks and sources against a real Spark Connect server with Delta Lake: every mode with exact
 * rows and the commit's row metrics, one commit per run, a failed run that leaves every table at its
 * previous version, schema changes refused unless opted in, time travel, and two runs at once.
 */
import { join } from "node:path";
import { SparkSession } from "@kindling/spark-connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deltaHistory, deltaVersion, kindlingCommitInfo } from "../../src/delta/table.js";
import { type RunResult, runPipeline } from "../../src/run/runner.js";
import { loadPipeline } from "../../src/spec/index.js";
import { kindling } from "../support/cli.js";
import { deltaServer, rowsReadByDeltaRs, scratch, tableRows, writeCsv, writeSpec } from "./support.js";

// Runs on a shared 2-core machine take minutes each under load; the limits say when to give up.
const RUN_LIMIT = 1_200_000;

let spark: SparkSession;
let remote: string;
let stopServer: () => Promise<void>;
let dir: string;
const out = () => join(dir, "out");

const HEADER = "order_id,customer,amount,day";
const source = (path: string) => ({
  format: "csv",
  path,
  options: { header: true },
  schema: "order_id STRING, customer STRING, amount STRING, day STRING",
  malformed: "fail",
});
const clean = {
  kind: "clean",
  name: "clean_orders",
  input: "orders",
  casts: { amount: "decimal(10,2)", day: "date" },
  // No quarantine: one pass less per run on a busy machine (nothing here is quarantined).
  on_cast_error: "fail",
  rules: [{ check: "range", column: "amount", min: 0, severity: "fail" }],
};

/** Every mode at once, one table each, fed by the same cleaned orders. */
function allModesSpec(input: string) {
  const sink = (name: string, extra: object) => ({
    input: "clean_orders",
    format: "delta",
    path: join(out(), name),
    ...extra,
  });
  return {
    version: 1,
    name: "delta_modes",
    sources: { orders: source(input) },
    steps: [clean],
    sinks: {
      ov: sink("ov", { mode: "overwrite" }),
      ap: sink("ap", { mode: "append" }),
      mg: sink("mg", { mode: "merge", merge: { keys: ["order_id"], when_matched: "update" } }),
      mi: sink("mi", { mode: "merge", merge: { keys: ["order_id"], when_matched: "ignore" } }),
    },
  };
}

async function run(spec: object, name: string, session = spark): Promise<RunResult> {
  const loaded = await loadPipeline(writeSpec(dir, name, spec));
  return runPipeline(session, loaded);
}

const delta = (r: RunResult, sink: string) => r.actions.find((a) => a.name === sink)?.delta;

beforeAll(async () => {
  dir = scratch("delta");
  const s = await deltaServer();
  remote = s.remote;
  stopServer = s.stop;
  spark = await SparkSession.builder().remote(remote).getOrCreate();
}, 600_000);
afterAll(async () => {
  await spark?.stop();
  await stopServer?.();
});

describe("Delta sinks", () => {
  it(
    "each mode writes one commit per run with exact rows and the commit's row metrics",
    async () => {
      const b1 = writeCsv(join(dir, "in", "b1.csv"), HEADER, [
        "o1,c1,10.00,2026-11-01",
        "o2,c2,20.00,2026-11-01",
        "o3,c3,30.00,2026-11-02",
      ]);
      const r1 = await run(allModesSpec(b1), "modes1");
      expect(r1.error).toBeUndefined();
      for (const s of ["ov", "ap", "mg", "mi"]) {
        expect(delta(r1, s)).toMatchObject({ version: 0, readVersion: undefined, operation: "WRITE" });
        expect(delta(r1, s)!.rows.inserted).toBe(3);
      }
      const first = ["10.00|c1|2026-11-01|o1", "20.00|c2|2026-11-01|o2", "30.00|c3|2026-11-02|o3"];
      expect(await tableRows(spark, join(out(), "mg"))).toEqual(first);

      // o2 is updated (its key exists), o4 is new.
      const b2 = writeCsv(join(dir, "in", "b2.csv"), HEADER, [
        "o2,c2,25.00,2026-11-01",
        "o4,c4,40.00,2026-11-02",
      ]);
      const r2 = await run(allModesSpec(b2), "modes2");
      expect(r2.error).toBeUndefined();
      expect(delta(r2, "ov")).toMatchObject({ version: 1, readVersion: 0, operation: "WRITE" });
      expect(await tableRows(spark, join(out(), "ov"))).toEqual([
        "25.00|c2|2026-11-01|o2",
        "40.00|c4|2026-11-02|o4",
      ]);
      expect(delta(r2, "ap")).toMatchObject({
        version: 1,
        operation: "WRITE",
        rows: { inserted: 2, updated: 0, deleted: 0 },
      });
      expect(await tableRows(spark, join(out(), "ap"))).toEqual(
        [...first, "25.00|c2|2026-11-01|o2", "40.00|c4|2026-11-02|o4"].sort(),
      );
      expect(delta(r2, "mg")).toMatchObject({
        version: 1,
        operation: "MERGE",
        rows: { inserted: 1, updated: 1, deleted: 0 },
      });
      expect(await tableRows(spark, join(out(), "mg"))).toEqual([
        "10.00|c1|2026-11-01|o1",
        "25.00|c2|2026-11-01|o2",
        "30.00|c3|2026-11-02|o3",
        "40.00|c4|2026-11-02|o4",
      ]);
      // A reader that is not Spark (delta-rs) sees the same rows, now and as of version 0.
      expect(rowsReadByDeltaRs(join(out(), "mg"))).toEqual(await tableRows(spark, join(out(), "mg")));
      expect(rowsReadByDeltaRs(join(out(), "mg"), 0)).toEqual(first);
      expect(delta(r2, "mi")).toMatchObject({
        version: 1,
        operation: "MERGE",
        rows: { inserted: 1, updated: 0, deleted: 0 },
      });
      expect(await tableRows(spark, join(out(), "mi"))).toEqual([...first, "40.00|c4|2026-11-02|o4"].sort());
      // One commit per run and sink: versions 0 and 1, each tagged with its run.
      const history = await deltaHistory(spark, join(out(), "mg"));
      expect(history.map((c) => [c.version, kindlingCommitInfo(c)])).toEqual([
        [1, { kindlingRun: r2.runId }],
        [0, { kindlingRun: r1.runId }],
      ]);
    },
    RUN_LIMIT,
  );

  it(
    "a run that fails its checks commits nothing: every table stays at its previous version",
    async () => {
      const bad = writeCsv(join(dir, "in", "bad.csv"), HEADER, [
        "o9,c9,-1.00,2026-11-03",
        "o2,c2,99.00,2026-11-01",
      ]);
      const before = await tableRows(spark, join(out(), "mg"));
      const r = await run(allModesSpec(bad), "modes-bad");
      expect(r.status).toBe("failed");
      expect(r.error).toMatch(/step clean_orders: 1 row\(s\) broke a rule with severity fail/);
      for (const s of ["ov", "ap", "mg", "mi"]) expect(await deltaVersion(spark, join(out(), s))).toBe(1);
      expect(await tableRows(spark, join(out(), "mg"))).toEqual(before);
    },
    RUN_LIMIT,
  );

  it(
    "replace_where replaces only the rows its predicate selects, and refuses rows outside it",
    async () => {
      const spec = (input: string) => ({
        version: 1,
        name: "delta_replace_where",
        sources: { orders: source(input) },
        steps: [clean],
        sinks: {
          ov: {
            input: "clean_orders",
            format: "delta",
            path: join(out(), "ov"),
            mode: "replace_where",
            replace_where: "day = DATE'2026-11-02'",
          },
        },
      });
      const b3 = writeCsv(join(dir, "in", "b3.csv"), HEADER, [
        "o5,c5,50.00,2026-11-02",
        "o6,c6,60.00,2026-11-02",
      ]);
      const r = await run(spec(b3), "rw1");
      expect(r.error).toBeUndefined();
      expect(delta(r, "ov")).toMatchObject({ version: 2, readVersion: 1, operation: "WRITE" });
      // Delta rewrote the file holding o2 and o4: o2 copied, o4 deleted, o5 and o6 inserted.
      expect(delta(r, "ov")!.rows).toEqual({ inserted: 2, updated: 0, deleted: 1 });
      expect(delta(r, "ov")!.operationMetrics).toMatchObject({ numCopiedRows: "1", numDeletedRows: "1" });
      // o4 (2026-11-02) is replaced; o2 (2026-11-01) stays.
      expect(await tableRows(spark, join(out(), "ov"))).toEqual([
        "25.00|c2|2026-11-01|o2",
        "50.00|c5|2026-11-02|o5",
        "60.00|c6|2026-11-02|o6",
      ]);
      const outside = writeCsv(join(dir, "in", "b4.csv"), HEADER, ["o7,c7,70.00,2026-11-01"]);
      const r2 = await run(spec(outside), "rw2");
      expect(r2.status).toBe("failed");
      expect(r2.error).toMatch(
        /sink ov: some of this run's rows do not satisfy replace_where \(day = DATE'2026-11-02'\)/,
      );
      expect(await deltaVersion(spark, join(out(), "ov"))).toBe(2);
    },
    RUN_LIMIT,
  );

  it(
    "a new column is refused unless the sink sets schema_evolution: add_columns",
    async () => {
      const spec = (evolution: string | undefined) => ({
        version: 1,
        name: "delta_schema",
        sources: { orders: source(join(dir, "in", "b2.csv")) },
        steps: [clean, { kind: "enrich", name: "taxed", derive: { amount_with_tax: "amount * 1.2" } }],
        sinks: {
          mg: {
            input: "taxed",
            format: "delta",
            path: join(out(), "mg"),
            mode: "merge",
            merge: { keys: ["order_id"] },
            ...(evolution ? { schema_evolution: evolution } : {}),
          },
        },
      });
      const refused = await run(spec(undefined), "schema1");
      expect(refused.status).toBe("failed");
      expect(refused.error).toMatch(
        /sink mg: the run's columns differ from the Delta table at .*\/mg \(added amount_with_tax\); nothing was committed\. Set schema_evolution: add_columns/,
      );
      expect(await deltaVersion(spark, join(out(), "mg"))).toBe(1);
      const added = await run(spec("add_columns"), "schema2");
      expect(added.error).toBeUndefined();
      expect(delta(added, "mg")).toMatchObject({
        version: 2,
        operation: "MERGE",
        rows: { inserted: 0, updated: 2 },
      });
      expect(await tableRows(spark, join(out(), "mg"))).toEqual([
        "10.00|∅|c1|2026-11-01|o1",
        "25.00|30.000|c2|2026-11-01|o2",
        "30.00|∅|c3|2026-11-02|o3",
        "40.00|48.000|c4|2026-11-02|o4",
      ]);
    },
    RUN_LIMIT,
  );

  it(
    "a Delta source reads the table as of a version (time travel)",
    async () => {
      const r = await run(
        {
          version: 1,
          name: "delta_time_travel",
          sources: { mg_v0: { format: "delta", path: join(out(), "mg"), version: 0 } },
          sinks: { copy: { input: "mg_v0", format: "delta", path: join(out(), "copy_v0") } },
        },
        "travel",
      );
      expect(r.error).toBeUndefined();
      expect(r.counts?.reconciliations.every((x) => x.holds)).toBe(true);
      expect(await tableRows(spark, join(out(), "copy_v0"))).toEqual(
        await tableRows(spark, join(out(), "mg"), 0),
      );
      expect(await tableRows(spark, join(out(), "copy_v0"))).toEqual([
        "10.00|c1|2026-11-01|o1",
        "20.00|c2|2026-11-01|o2",
        "30.00|c3|2026-11-02|o3",
      ]);
    },
    RUN_LIMIT,
  );

  it(
    "two runs at once on one table: one commits, the other is refused (the output's lock, or Delta's conflict check) and commits nothing",
    async () => {
      const spec = (input: string) => ({
        version: 1,
        name: "delta_race",
        sources: { orders: source(input) },
        steps: [clean],
        sinks: {
          race: {
            input: "clean_orders",
            format: "delta",
            path: join(out(), "race"),
            mode: "merge",
            merge: { keys: ["order_id"] },
          },
        },
      });
      const seed = await run(spec(join(dir, "in", "b1.csv")), "race0");
      expect(seed.error).toBeUndefined();
      const a = writeCsv(join(dir, "in", "race-a.csv"), HEADER, ["o1,ca,11.00,2026-11-01"]);
      const b = writeCsv(join(dir, "in", "race-b.csv"), HEADER, ["o1,cb,12.00,2026-11-01"]);
      const [sa, sb] = await Promise.all(
        [0, 1].map(() => SparkSession.builder().remote(remote).getOrCreate()),
      );
      try {
        const settled = await Promise.allSettled([run(spec(a), "race-a", sa), run(spec(b), "race-b", sb)]);
        // The run that starts second is refused at once by the lock on the table's folder (same
        // file system); runs that cannot see each other's lock meet Delta's conflict check instead.
        const results = settled.map((s) =>
          s.status === "fulfilled" ? s.value : { status: "refused" as const, error: String(s.reason) },
        );
        const ok = results.filter((r) => r.status === "succeeded");
        const refused = results.filter((r) => r.status !== "succeeded");
        expect(ok.length).toBe(1);
        expect(refused.length).toBe(1);
        expect(refused[0]!.error).toMatch(
          /race is being written by run \S+ \(pid \d+|sink race: .*another run committed to .* Nothing was committed by this run; run it again/,
        );
        expect(await deltaVersion(spark, join(out(), "race"))).toBe(1);
        const winner = ok[0] === results[0] ? "ca|11.00" : "cb|12.00";
        const [customer, amount] = winner.split("|");
        expect((await tableRows(spark, join(out(), "race"))).filter((r) => r.endsWith("|o1"))).toEqual([
          `${amount}|${customer}|2026-11-01|o1`,
        ]);
      } finally {
        await Promise.all([sa!.stop(), sb!.stop()]);
      }
    },
    RUN_LIMIT,
  );

  it(
    "kindling history lists the sink's versions, operations and row counts",
    async () => {
      const file = writeSpec(dir, "history", allModesSpec(join(dir, "in", "b1.csv")));
      const r = await kindling(["history", file, "mg", "--remote", remote, "--json"]);
      expect(r.code, r.stderr).toBe(0);
      const commits = JSON.parse(r.stdout) as { version: number; operation: string; rows: object }[];
      expect(commits.map((c) => [c.version, c.operation, c.rows])).toEqual([
        [2, "MERGE", { inserted: 0, updated: 2, deleted: 0 }],
        [1, "MERGE", { inserted: 1, updated: 1, deleted: 0 }],
        [0, "WRITE", { inserted: 3, updated: 0, deleted: 0 }],
      ]);
      const notDelta = await kindling(["history", file, "nope", "--remote", remote]);
      expect(notDelta.code).toBe(2);
      expect(notDelta.stderr).toMatch(/no sink named nope \(sinks: ov, ap, mg, mi\)/);
    },
    RUN_LIMIT,
  );
});
