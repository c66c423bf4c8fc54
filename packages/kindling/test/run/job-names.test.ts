/**
 * Every Spark job a run starts is named for the step, source or output it works for (issue 19
 * item 4): the report's stages say `orders_clean: write`, not `Spark Connect - session_id: …`.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import type { SparkSession } from "../../../spark-connect/src/index.js";
import { testSession } from "../../../spark-connect/test/support/session.js";
import { jobNameOf, jobNameTag } from "../../src/job-names.js";
import { runPipeline } from "../../src/run/runner.js";
import { parsePipeline } from "../../src/spec/index.js";
import { folderWith } from "./support.js";

let spark: SparkSession;
beforeAll(async () => {
  spark = await testSession();
});

// Five orders: id 2 twice (the warn rule counts them), one without an amount (quarantined).
const ORDERS =
  "id,day,amount\n1,2026-11-01,10.5\n2,2026-11-01,4\n2,2026-11-02,4\n3,2026-11-02,\n4,2026-11-02,1\n";

const SPEC = `
name: job_names
sources:
  orders_raw:
    format: csv
    path: orders.csv
    schema: "id INT, day STRING, amount DOUBLE"
    options: { header: true }
steps:
  - name: orders_valid
    kind: clean
    input: orders_raw
    rules:
      - { check: not_null, name: missing_amount, columns: [amount] }
      - { check: unique, name: one_per_id, columns: [id], severity: warn }
  - name: daily
    kind: aggregate
    input: orders_valid
    group_by: [day]
    metrics: { revenue: sum(amount) }
sinks:
  orders_clean: { input: orders_valid, path: out/orders_clean, partition_by: [day] }
  daily_revenue: { input: daily, path: out/daily_revenue }
quarantine: { path: out/quarantine }
`;

describe("job names", () => {
  it("a job's name is read back from the tag Spark Connect makes of it, commas made semicolons", () => {
    expect(jobNameTag("orders_clean: write")).toBe("kindling-job:orders_clean: write");
    expect(jobNameTag("a, b")).toBe("kindling-job:a; b");
    // The job tags Spark 4.2 makes of an execution's tags, as its UI lists them.
    const sparkTags = [
      "SparkConnect_SessionTag_User_u_Session_s_Tag_kindling-run-1",
      `SparkConnect_SessionTag_User_u_Session_s_Tag_${jobNameTag("orders_raw: encoding check")}`,
      "SparkConnect_OperationTag_User_u_Session_s_Operation_o",
    ];
    expect(jobNameOf(sparkTags)).toBe("orders_raw: encoding check");
    expect(jobNameOf(sparkTags.slice(0, 1))).toBeUndefined();
  });

  // A whole run on a shared, loaded machine: a generous limit.
  it("every stage of a run is named for its step or output, none for the session", {
    timeout: 900_000,
  }, async () => {
    const dir = folderWith({ "orders.csv": ORDERS });
    const loaded = parsePipeline(SPEC, join(dir, "pipeline.yaml"), { env: {} });
    const run = await runPipeline(spark, loaded, {
      baseDir: dir,
      sparkUi: `http://127.0.0.1:${inject("sparkUiPort")}`,
    });
    expect(run.error).toBeUndefined();
    expect(run.counts?.steps.find((s) => s.name === "orders_valid")).toMatchObject({
      rowsIn: 5,
      rowsOut: 4,
      quarantined: 1,
    });
    expect(run.rules).toMatchObject([{ rule: "one_per_id", violations: 2, outcome: "warned" }]);
    const stages = run.spark?.stages ?? [];
    expect(stages.length).toBeGreaterThan(0);
    expect(new Set(stages.map((s) => s.name))).toEqual(
      new Set([
        // The source's one scan (run/source-scan.ts); the UTF-8 check rides on it, no pass of its own.
        "orders_raw: scan",
        "orders_clean: write",
        "daily_revenue: write",
        "quarantine: write",
        "orders_valid: rule one_per_id",
      ]),
    );
    for (const s of stages) {
      expect(s.jobId).toBeTypeOf("number");
      // Spark's own name is kept beside it.
      expect(s.sparkName).toMatch(/^Spark Connect - /);
    }
  });
});
