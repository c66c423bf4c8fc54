/**
 * Issue 14 item 4: a CSV/JSON source without a declared schema and `malformed: quarantine` loses no
 * row: Spark infers the schema, the read uses it with the corrupt-record column, and malformed
 * records reach the quarantine with their raw text. Input files are made here; counts are exact.
 */
import type { SparkSession } from "@kindling/spark-connect";
import { beforeAll, describe, expect, it } from "vitest";
import { testSession } from "../../../spark-connect/test/support/session.js";
import { inputDir, runOneSource, writeInputs } from "./support.js";

let spark: SparkSession;
beforeAll(async () => {
  spark = await testSession();
});

describe("malformed records without a declared schema", () => {
  it("CSV: rows with too many or too few fields are quarantined with their raw line, none lost", async () => {
    const dir = inputDir("inferred-csv");
    const data = writeInputs(dir, { "a.csv": "str_col,int_col\na,1\nb,2,2020-02-01\nc\nd,4,\ne,5\n" });
    const r = await runOneSource(
      spark,
      dir,
      `
format: csv
path: ${data}/a.csv
options: { header: true, inferSchema: true }
malformed: quarantine
`,
    );
    expect(r.error).toBeUndefined();
    expect(r.columns).toEqual(["str_col", "int_col"]);
    expect(r.rows).toEqual([JSON.stringify(["a", 1]), JSON.stringify(["e", 5])]);
    expect(r.quarantined).toEqual([
      ["malformed", "b,2,2020-02-01"],
      ["malformed", "c"],
      ["malformed", "d,4,"],
    ]);
    expect(r.result!.counts!.sources.s).toEqual({ rows: 5, malformed: 3 });
    const rec = r.result!.counts!.reconciliations[0]!;
    expect([rec.rowsIn, rec.rowsOut, rec.malformed, rec.holds]).toEqual([5, 2, 3, true]);
  });

  it("JSON lines: a broken record is quarantined and the inferred columns keep every field", async () => {
    const dir = inputDir("inferred-jsonl");
    const data = writeInputs(dir, { "a.jsonl": '{"id":1,"tag":"x"}\n{"id":2,\n{"id":3,"extra":true}\n' });
    const r = await runOneSource(spark, dir, `format: jsonl\npath: ${data}/a.jsonl`);
    expect(r.error).toBeUndefined();
    expect(r.columns).toEqual(["extra", "id", "tag"]);
    expect(r.rows).toEqual([JSON.stringify([null, "1n", "x"]), JSON.stringify([true, "3n", null])]);
    expect(r.quarantined).toEqual([["malformed", '{"id":2,']]);
    expect(r.result!.counts!.sources.s).toEqual({ rows: 3, malformed: 1 });
  });
});
