import { beforeAll, describe, expect, it } from "vitest";
import type { SparkSession } from "../../../spark-connect/src/index.js";
import { testSession } from "../../../spark-connect/test/support/session.js";
import { compileClean } from "../../src/compile/clean.js";
import type { CleanStepSpec } from "../../src/spec/index.js";

let spark: SparkSession;
beforeAll(async () => {
  spark = await testSession();
});

describe("clean step: one rule name given two severities", () => {
  // Each row's action is the severity of the rule it broke first, not of the last rule with that
  // name (the action once followed from the name alone: every `required` row was quarantined).
  it("drops the rows the drop rule caught and quarantines the others, counting each", async () => {
    const input = spark.createDataFrame(
      [
        { id: 1, name: "a", _k_file: "in.csv" },
        { id: null, name: "b", _k_file: "in.csv" },
        { id: 2, name: null, _k_file: "in.csv" },
        { id: null, name: null, _k_file: "in.csv" },
        { id: 3, name: "c", _k_file: "in.csv" },
      ],
      "id INT, name STRING, _k_file STRING",
    );
    const step = {
      name: "s",
      kind: "clean",
      input: "x",
      rules: [
        { check: "not_null", columns: ["id"], name: "required", severity: "drop" },
        { check: "not_null", columns: ["name"], name: "required", severity: "quarantine" },
      ],
    } as CleanStepSpec;
    const compiled = await compileClean(input, step, "x");
    // No orderBy: a sort samples its input in a job of its own, which would count every row twice.
    const result = await compiled.output.select("id", "name").collectResult();
    expect(result.rows.sort((a, b) => Number(a.id) - Number(b.id))).toEqual([
      { id: 1, name: "a" },
      { id: 3, name: "c" },
    ]);
    const counts = result.observedMetrics.step__s!;
    expect(compiled.ruleAliases).toEqual({ r0: "required" });
    expect(counts).toEqual({ rows_in: 5n, quarantined: 1n, dropped: 2n, failed: 0n, r0: 3n });
    const quarantined = await compiled.quarantine!.collect();
    expect(quarantined).toEqual([
      { source: "x", step: "s", rule: "required", record: '{"id":2}', file: "in.csv" },
    ]);
  });
});
