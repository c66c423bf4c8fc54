import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { SparkSession } from "../../../spark-connect/src/index.js";
import { testSession } from "../../../spark-connect/test/support/session.js";
import { folderWith, readRows, runYaml, stepOf } from "./support.js";

let spark: SparkSession;
beforeAll(async () => {
  spark = await testSession();
});

// Six cases: A1 twice (a true duplicate), three with an empty case number (null after `nulls`;
// one is blank and becomes empty after trim), and B2.
const CASES = "case_number,status\nA1,open\nA1,closed\n,x1\n,x2\n ,x3\nB2,open\n";

function spec(dedupe: string, rules = ""): string {
  return `
name: null_keys
sources:
  cases:
    format: csv
    path: cases.csv
    schema: "case_number STRING, status STRING"
    options: { header: true }
steps:
  - name: clean_cases
    kind: clean
    input: cases
    trim: all
    nulls: { values: [""] }
    ${dedupe}
    ${rules}
sinks:
  out: { input: clean_cases, path: out/cases }
quarantine: { path: out/quarantine }
`;
}

// Each test runs whole pipelines on a shared, loaded machine (load average 45 seen): generous limits.
describe("null keys: a row whose key is unknown duplicates no other row", { timeout: 1_200_000 }, () => {
  it("dedupe keeps every row with a null key by default (null_keys: keep)", async () => {
    const dir = folderWith({ "cases.csv": CASES });
    const run = await runYaml(spark, dir, spec("dedupe: { keys: [case_number], order_by: [status] }"));
    expect(run.error).toBeUndefined();
    const rows = await readRows(spark, join(dir, "out/cases"), "status");
    expect(rows).toEqual([
      { case_number: "A1", status: "closed" },
      { case_number: "B2", status: "open" },
      { case_number: null, status: "x1" },
      { case_number: null, status: "x2" },
      { case_number: null, status: "x3" },
    ]);
    const step = stepOf(run, "clean_cases");
    expect([step.rowsIn, step.rowsOut, step.duplicates, step.quarantined]).toEqual([6, 5, 1, 0]);
    expect(run.counts!.reconciliations).toEqual([
      expect.objectContaining({ rowsIn: 6, rowsOut: 5, duplicates: 1, quarantined: 0, holds: true }),
    ]);
  });

  it("null_keys: quarantine sends each null-key row to quarantine with reason null_key", async () => {
    const dir = folderWith({ "cases.csv": CASES });
    const run = await runYaml(
      spark,
      dir,
      spec("dedupe: { keys: [case_number], order_by: [status], null_keys: quarantine }"),
    );
    expect(run.error).toBeUndefined();
    expect(await readRows(spark, join(dir, "out/cases"), "status")).toEqual([
      { case_number: "A1", status: "closed" },
      { case_number: "B2", status: "open" },
    ]);
    const quarantined = await spark.read.parquet(join(dir, "out/quarantine")).orderBy("record").collect();
    expect(quarantined.map((r) => [r.step, r.rule, r.record])).toEqual([
      // Spark's CSV reader already reads an empty field as null (nullValue ""); " " is trimmed to "".
      ["clean_cases", "null_key", '{"case_number":" ","status":"x3"}'],
      ["clean_cases", "null_key", '{"status":"x1"}'],
      ["clean_cases", "null_key", '{"status":"x2"}'],
    ]);
    const step = stepOf(run, "clean_cases");
    expect([step.rowsIn, step.rowsOut, step.duplicates, step.quarantined]).toEqual([6, 2, 1, 3]);
    expect(step.rules).toEqual({ null_key: 3 });
    expect(run.counts!.reconciliations).toEqual([
      expect.objectContaining({ rowsIn: 6, rowsOut: 2, duplicates: 1, quarantined: 3, holds: true }),
    ]);
  });

  it("null_keys: fail stops the run, naming the step and the count", async () => {
    const dir = folderWith({ "cases.csv": CASES });
    const run = await runYaml(spark, dir, spec("dedupe: { keys: [case_number], null_keys: fail }"));
    expect(run.status).toBe("failed");
    expect(run.error).toBe("step clean_cases: 3 row(s) broke a rule with severity fail (null_key: 3)");
  });

  it("the unique rule does not count rows with a null key as duplicates", async () => {
    const dir = folderWith({ "cases.csv": CASES });
    const run = await runYaml(
      spark,
      dir,
      spec("", "rules: [{ check: unique, name: one_per_case, columns: [case_number], severity: warn }]"),
    );
    expect(run.error).toBeUndefined();
    // Only A1's two rows break uniqueness; the three null keys do not.
    expect(run.rules).toEqual([
      expect.objectContaining({ rule: "one_per_case", violations: 2, outcome: "warned" }),
    ]);
  });
});
