/**
 * A partitioned sink's repartition moved below its enrich step's joins (compile/sink-partitioning.ts):
 * which partition columns can be computed on the step's input, and how a physical plan's text says
 * whether a join shuffles the rows again above that repartition. Pure logic; the pipeline test
 * `test/run/sink-partitioning.test.ts` runs it on Spark.
 */
import { describe, expect, it } from "vitest";
import {
  firstShuffleIsRepartition,
  partitionColumnsOf,
  partitionTermsOnInput,
  sinkPartitionColumns,
} from "../../src/compile/sink-partitioning.js";
import type { EnrichStepSpec, PipelineSpec } from "../../src/spec/index.js";
import { exprText } from "./plan-text.js";

const INPUT = ["order_id", "customer_id", "order_ts", "quantity", "price", "_k_file"];

function enrich(extra: Partial<EnrichStepSpec> = {}): EnrichStepSpec {
  return {
    name: "e",
    kind: "enrich",
    input: "clean",
    joins: [
      {
        with: "customers",
        on: ["customer_id"],
        type: "left",
        select: ["segment", "country"],
        prefix: "customer_",
      },
    ],
    derive: { revenue: "quantity * price", order_date: "to_date(order_ts)", spend: "revenue * 2" },
    date_parts: [{ column: "order_ts", parts: ["year", "month"], prefix: "order_" }],
    ...extra,
  } as EnrichStepSpec;
}

describe("partition columns computed on the enrich step's input", () => {
  it("an input column, a derive over input columns and a date part of an input column move below the joins", () => {
    const terms = partitionTermsOnInput(enrich(), INPUT, ["order_date", "order_year", "customer_id"]);
    expect(terms).toEqual([
      { kind: "derive", sql: "to_date(order_ts)" },
      { kind: "date_part", column: "order_ts", part: "year" },
      { kind: "column", name: "customer_id" },
    ]);
    expect(partitionColumnsOf(terms!).map(exprText)).toEqual([
      "sql(to_date(order_ts))",
      "year(`order_ts`)",
      "`customer_id`",
    ]);
  });

  it("names match as Spark resolves them, ignoring case", () => {
    expect(partitionTermsOnInput(enrich(), INPUT, ["ORDER_DATE"])).toEqual([
      { kind: "derive", sql: "to_date(order_ts)" },
    ]);
  });

  it.each([
    ["a column a join adds", ["customer_country"], enrich()],
    ["a derive reading an earlier derive", ["spend"], enrich()],
    ["a derive reading a joined column", ["tier"], enrich({ derive: { tier: "upper(customer_segment)" } })],
    ["an input column a derive replaces", ["quantity"], enrich({ derive: { quantity: "quantity + 1" } })],
    [
      "a date part of a derived column",
      ["d_year"],
      enrich({
        derive: { d: "to_date(order_ts)" },
        date_parts: [{ column: "d", parts: ["year"], prefix: "d_" }],
      }),
    ],
    ["a column the input lacks", ["region"], enrich()],
    [
      "any column when a join quarantines unmatched rows",
      ["customer_id"],
      enrich({
        joins: [
          {
            with: "customers",
            on: ["customer_id"],
            type: "left",
            select: ["segment"],
            unmatched: "quarantine",
          },
        ] as EnrichStepSpec["joins"],
      }),
    ],
    [
      "any column when a join adds every lookup column (no select)",
      ["customer_id"],
      enrich({
        joins: [{ with: "customers", on: ["customer_id"], type: "left" }] as EnrichStepSpec["joins"],
      }),
    ],
  ])("not for %s", (_what, by, step) => {
    expect(partitionTermsOnInput(step, INPUT, by)).toBeUndefined();
  });

  it("a date part wins over a derive of the same name (date parts come after derives)", () => {
    const step = enrich({ derive: { order_year: "2000" } });
    expect(partitionTermsOnInput(step, INPUT, ["order_year"])).toEqual([
      { kind: "date_part", column: "order_ts", part: "year" },
    ]);
  });
});

describe("the partition columns of the sinks writing a step", () => {
  const spec = (sinks: Record<string, { input: string; partition_by?: string[] }>) =>
    ({ sinks }) as unknown as PipelineSpec;

  it("the one list every sink writing the step uses", () => {
    expect(
      sinkPartitionColumns(spec({ a: { input: "e", partition_by: ["d"] }, b: { input: "x" } }), "e"),
    ).toEqual(["d"]);
    expect(
      sinkPartitionColumns(
        spec({ a: { input: "e", partition_by: ["d"] }, b: { input: "e", partition_by: ["d"] } }),
        "e",
      ),
    ).toEqual(["d"]);
  });

  it("none when a sink writing it is unpartitioned or partitioned otherwise", () => {
    expect(sinkPartitionColumns(spec({ a: { input: "e" } }), "e")).toBeUndefined();
    expect(
      sinkPartitionColumns(spec({ a: { input: "e", partition_by: ["d"] }, b: { input: "e" } }), "e"),
    ).toBeUndefined();
    expect(
      sinkPartitionColumns(
        spec({ a: { input: "e", partition_by: ["d"] }, b: { input: "e", partition_by: ["c"] } }),
        "e",
      ),
    ).toBeUndefined();
    expect(sinkPartitionColumns(spec({ a: { input: "x", partition_by: ["d"] } }), "e")).toBeUndefined();
  });
});

// Shapes of Spark 4.2's `explain` (simple mode), cut to the lines that matter.
const BROADCAST = `== Physical Plan ==
AdaptiveSparkPlan isFinalPlan=false
+- CollectMetrics sink__orders_clean, [count(1) AS rows#1L], 0
   +- Project [order_id#2, customer_segment#3, order_date#4]
      +- BroadcastHashJoin [customer_id#5], [customer_id#6], LeftOuter, BuildRight, false
         :- Exchange hashpartitioning(cast(order_ts#7 as date), 200), REPARTITION_BY_COL, [plan_id=40]
         :  +- Window [row_number() windowspecdefinition(order_id#2 ...)]
         :     +- Sort [order_id#2 ASC NULLS FIRST], false, 0
         :        +- Exchange hashpartitioning(order_id#2, 200), ENSURE_REQUIREMENTS, [plan_id=35]
         +- BroadcastExchange HashedRelationBroadcastMode(List(input[0, string, true]),false), [plan_id=44]
            +- Exchange hashpartitioning(customer_id#6, 200), ENSURE_REQUIREMENTS, [plan_id=42]
`;
const SORT_MERGE = `== Physical Plan ==
AdaptiveSparkPlan isFinalPlan=false
+- CollectMetrics sink__orders_clean, [count(1) AS rows#1L], 0
   +- SortMergeJoin [customer_id#5], [customer_id#6], LeftOuter
      :- Sort [customer_id#5 ASC NULLS FIRST], false, 0
      :  +- Exchange hashpartitioning(customer_id#5, 200), ENSURE_REQUIREMENTS, [plan_id=50]
      :     +- Exchange hashpartitioning(cast(order_ts#7 as date), 200), REPARTITION_BY_COL, [plan_id=48]
`;

describe("whether a join shuffles the repartitioned rows again", () => {
  it("broadcast joins keep the repartition the first shuffle from the top", () => {
    expect(firstShuffleIsRepartition(BROADCAST)).toBe(true);
  });
  it("a sort-merge join shuffles them by its keys above it", () => {
    expect(firstShuffleIsRepartition(SORT_MERGE)).toBe(false);
  });
  it("a plan without any shuffle has no repartition", () => {
    expect(firstShuffleIsRepartition("== Physical Plan ==\n*(1) Scan parquet [a#1]\n")).toBe(false);
  });
});
