/**
 * Filter and enrich plans built without a server (KINDLING_TEST_SPARK=off): column functions
 * where one exists, the user's own Spark SQL (`where:`, `derive:`) kept as SQL. What Spark does
 * with them is pinned by the pipeline tests.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type DataFrame, SparkSession } from "../../../spark-connect/src/index.js";
import { compileEnrich, compileFilter } from "../../src/compile/transform.js";
import type { EnrichStepSpec, FilterStepSpec } from "../../src/spec/index.js";
import { planSteps } from "./plan-text.js";

let input: DataFrame;
beforeAll(async () => {
  // Never connects: building plans sends nothing.
  const offline = await SparkSession.builder().remote("sc://127.0.0.1:1").getOrCreate();
  input = offline.table("input");
});

describe("filter", () => {
  it("keeps rows where the user's condition is true (null drops the row), counting both sides", () => {
    const step = { name: "big", kind: "filter", input: "x", where: "amount > 10" } as FilterStepSpec;
    expect(planSteps(compileFilter(input, step))).toEqual([
      "<read>",
      "observe step__big: count(1) AS rows_in, count(when(coalesce(sql(amount > 10), false), 1)) AS rows_out",
      "filter coalesce(sql(amount > 10), false)",
    ]);
  });
});

describe("enrich: derive and date parts", () => {
  it("derives from the user's SQL, then adds date parts with Spark's date functions", async () => {
    const step = {
      name: "e",
      kind: "enrich",
      input: "x",
      derive: { total: "price * qty" },
      date_parts: [{ column: "order day", parts: ["year", "week", "day", "dayofweek"] }],
    } as EnrichStepSpec;
    const { output } = await compileEnrich(input, step, new Map(), "x");
    expect(planSteps(output)).toEqual([
      "<read>",
      "observe step__e: count(1) AS rows_out",
      "drop ",
      "withColumns total = sql(price * qty)",
      "withColumns order day_year = year(`order day`); order day_week = weekofyear(`order day`); order day_day = dayofmonth(`order day`); order day_dayofweek = dayofweek(`order day`)",
    ]);
  });
});
