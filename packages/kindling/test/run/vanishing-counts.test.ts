/**
 * Counts that must not vanish: when every row of a source is quarantined and the sink is
 * partitioned (a shuffle after the rules) or the step dedupes, Spark's adaptive execution may drop
 * the empty stage from the final plan and with it the observation; the report must still say the
 * true numbers (in 2 = out 0 + quarantined 2), never zeros.
 */
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SparkSession } from "@kindling/spark-connect";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runPipeline } from "../../src/run/runner.js";
import { parsePipeline } from "../../src/spec/index.js";

let spark: SparkSession;
beforeAll(async () => {
  spark = await SparkSession.builder().remote(inject("sparkRemote")).getOrCreate();
});
afterAll(async () => {
  await spark?.stop();
});

/** Two orders whose amounts both break `range min: 0`, and a pipeline over them. */
function allQuarantined(sinkExtra: string, stepExtra = "") {
  const dir = mkdtempSync(join(tmpdir(), "kindling-vanish-"));
  writeFileSync(join(dir, "orders.csv"), "order_id,amount\n1,-5\n2,-7\n");
  const yaml = `version: 1
name: vanish
sources:
  orders:
    format: csv
    path: ${dir}/orders.csv
    schema: "order_id STRING, amount INT"
    options: { header: true }
steps:
  - name: valid
    kind: clean
    input: orders
    rules:
      - { check: range, column: amount, min: 0 }
${stepExtra}
sinks:
  out:
    input: valid
    path: ${dir}/out/orders
${sinkExtra}
quarantine:
  path: ${dir}/out/quarantine
`;
  return { dir, loaded: parsePipeline(yaml, join(dir, "p.yaml")) };
}

describe("counts when every row is quarantined", () => {
  it.each([
    ["a partitioned sink", "    partition_by: [order_id]", ""],
    ["a dedupe step", "", "    dedupe: { keys: [order_id] }"],
  ])("%s: in 2 = out 0 + quarantined 2", async (_name, sinkExtra, stepExtra) => {
    const { loaded } = allQuarantined(sinkExtra, stepExtra);
    const result = await runPipeline(spark, loaded);
    expect(result.error).toBeUndefined();
    expect(result.status).toBe("succeeded");
    const r = result.counts!.reconciliations[0]!;
    expect({ in: r.rowsIn, out: r.rowsOut, quarantined: r.quarantined, holds: r.holds }).toEqual({
      in: 2,
      out: 0,
      quarantined: 2,
      holds: true,
    });
    expect(result.counts!.sources.orders).toEqual({ rows: 2, malformed: 0 });
    expect(result.actions.find((a) => a.kind === "quarantine")!.rows).toBe(2);
  });
});

describe("counts Spark did not report", () => {
  // With Spark's rule back on, the observations are lost again: the run must count again (the
  // write-free pass has no shuffle for a partitioned sink) or fail, never report zeros.
  const ruleOn = { conf: { "spark.sql.adaptive.optimizer.excludedRules": "none" } };

  it("a partitioned sink: a second pass takes the true counts and says why", async () => {
    const { loaded } = allQuarantined("    partition_by: [order_id]");
    const result = await runPipeline(spark, loaded, ruleOn);
    expect(result.error).toBeUndefined();
    const r = result.counts!.reconciliations[0]!;
    expect([r.rowsIn, r.rowsOut, r.quarantined, r.holds]).toEqual([2, 0, 2, true]);
    expect(result.recount?.reason).toMatch(/Spark reported no count for /);
  });

  it("a dedupe step: the run fails naming the missing counts, nothing published", async () => {
    const { dir, loaded } = allQuarantined("", "    dedupe: { keys: [order_id] }");
    const result = await runPipeline(spark, loaded, ruleOn);
    if (result.status === "succeeded") {
      // Acceptable only with true numbers.
      const r = result.counts!.reconciliations[0]!;
      expect([r.rowsIn, r.quarantined]).toEqual([2, 2]);
    } else {
      expect(result.error).toMatch(/Spark reported no count for .*nothing was published/);
      expect(existsSync(join(dir, "out", "orders"))).toBe(false);
    }
  });
});
