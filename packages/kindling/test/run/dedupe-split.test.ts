import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { SparkSession } from "../../../spark-connect/src/index.js";
import { testSession } from "../../../spark-connect/test/support/session.js";
import { folderWith, readRows, runYaml, stepOf } from "./support.js";

let spark: SparkSession;
beforeAll(async () => {
  spark = await testSession();
});

// Two files, read in name order. Keys (id, region): (1,eu) twice with different ts; (1,us) once;
// (2,eu) three times with one ts, the last in b.csv (read last, so it wins the tie); (3,eu) once
// valid and once quarantined (bad ts: not a duplicate); (4,eu) twice with one ts in one file (the
// later line wins); two rows with a null id (never duplicates).
const FILES = {
  "data/a.csv": [
    "id,region,ts,amount",
    "1,eu,2024-01-01,10",
    "1,eu,2024-01-03,11",
    "1,us,2024-01-02,12",
    "2,eu,2024-01-05,20",
    "2,eu,2024-01-05,21",
    ",eu,2024-01-01,30",
    ",eu,2024-01-01,31",
    "3,eu,bad,40",
    "",
  ].join("\n"),
  "data/b.csv": [
    "id,region,ts,amount",
    "2,eu,2024-01-05,22",
    "3,eu,2024-01-02,41",
    "4,eu,2024-01-01,50",
    "4,eu,2024-01-01,51",
    "",
  ].join("\n"),
};

const KEPT = [
  { id: "1", region: "eu", ts: "2024-01-03", amount: "11" },
  { id: "1", region: "us", ts: "2024-01-02", amount: "12" },
  { id: "2", region: "eu", ts: "2024-01-05", amount: "22" },
  { id: null, region: "eu", ts: "2024-01-01", amount: "30" },
  { id: null, region: "eu", ts: "2024-01-01", amount: "31" },
  { id: "3", region: "eu", ts: "2024-01-02", amount: "41" },
  { id: "4", region: "eu", ts: "2024-01-01", amount: "51" },
];

function spec(between = ""): string {
  return `
name: dedupe_split
sources:
  events:
    format: csv
    path: data/*.csv
    schema: "id STRING, region STRING, ts STRING, amount STRING"
    options: { header: true }
steps:
  ${between}
  - name: clean_events
    kind: clean
    input: ${between ? "picked" : "events"}
    rules:
      - { check: regex, name: bad_ts, column: ts, pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" }
    dedupe: { keys: [id, region], order_by: [ts desc] }
sinks:
  out: { input: clean_events, path: out/events }
quarantine: { path: out/quarantine }
`;
}

describe("a large dedupe split into duplicated keys and their winners", { timeout: 1_200_000 }, () => {
  it("keeps the same rows with the same counts as the window, and records the duplicated keys", async () => {
    for (const [minRows, dupKeys] of [
      [0, { clean_events: 3 }],
      [undefined, undefined], // the default: far more rows than these before a dedupe is split
    ] as const) {
      const dir = folderWith(FILES);
      const run = await runYaml(
        spark,
        dir,
        spec(),
        minRows === undefined ? {} : { dedupeSplitMinRows: minRows },
      );
      expect(run.error).toBeUndefined();
      expect(run.dedupeSplit).toEqual(dupKeys);
      expect(await readRows(spark, join(dir, "out/events"), "amount")).toEqual(KEPT);
      const step = stepOf(run, "clean_events");
      expect([step.rowsIn, step.rowsOut, step.duplicates, step.quarantined]).toEqual([12, 7, 4, 1]);
      expect(run.counts!.reconciliations).toEqual([
        expect.objectContaining({ rowsIn: 12, rowsOut: 7, duplicates: 4, quarantined: 1, holds: true }),
      ]);
    }
  });

  it("with no duplicated key the split keeps every row and counts none", async () => {
    const files = { "data/a.csv": "id,region,ts,amount\n1,eu,2024-01-01,1\n2,eu,2024-01-01,2\n" };
    const run = await runYaml(spark, folderWith(files), spec(), { dedupeSplitMinRows: 0 });
    expect(run.error).toBeUndefined();
    expect(run.dedupeSplit).toEqual({ clean_events: 0 });
    expect(stepOf(run, "clean_events").duplicates).toBe(0);
    expect(stepOf(run, "clean_events").rowsOut).toBe(2);
  });

  it("is not split when a step that is not a clean step feeds the dedupe", async () => {
    const between = "- { name: picked, kind: select, input: events, columns: [id, region, ts, amount] }";
    const dir = folderWith(FILES);
    const run = await runYaml(spark, dir, spec(between), { dedupeSplitMinRows: 0 });
    expect(run.error).toBeUndefined();
    expect(run.dedupeSplit).toBeUndefined();
    expect(await readRows(spark, join(dir, "out/events"), "amount")).toEqual(KEPT);
  });
});
