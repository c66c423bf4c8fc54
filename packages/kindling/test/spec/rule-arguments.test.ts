import { describe, expect, it } from "vitest";
import { parsePipeline } from "../../src/spec/index.js";
import { specErrorOf } from "./support.js";

/** A pipeline whose one clean step has `body` (YAML lines at step indentation) and top-level `extra`. */
function yaml(body: string, extra = ""): string {
  return `name: args
sources:
  orders:
    format: csv
    path: orders.csv
    schema: "order_id STRING, amount STRING, qty INT, placed DATE, paid BOOLEAN, note STRING"
steps:
  - name: clean_orders
    kind: clean
    input: orders
${body
  .trim()
  .split("\n")
  .map((l) => `    ${l}`)
  .join("\n")}
sinks:
  out: { input: clean_orders, path: out/orders }
quarantine: { path: out/quarantine }
${extra}`;
}

async function problems(text: string): Promise<string[]> {
  const error = await specErrorOf(() => parsePipeline(text, "p.yaml", { env: {} }));
  return error.issues.map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`);
}

describe("rule arguments are checked against the column's type", () => {
  it("range bounds on a numeric column must be numbers, with a did-you-mean", async () => {
    expect(
      await problems(yaml("rules:\n  - { check: range, column: qty, min: zero, max: '1,000' }")),
    ).toEqual([
      '12:43 steps[0].rules[0].min: expected a number (column "qty" is int), found "zero" — did you mean "0"?',
      '12:54 steps[0].rules[0].max: expected a number (column "qty" is int), found "1,000" — did you mean "1000"?',
    ]);
  });

  it("uses the type after the step's casts (rules run after them)", async () => {
    expect(
      await problems(
        yaml("casts: { amount: 'decimal(10,2)' }\nrules:\n  - { check: range, column: amount, min: zero }"),
      ),
    ).toEqual([
      '13:46 steps[0].rules[0].min: expected a number (column "amount" is decimal(10,2)), found "zero" — did you mean "0"?',
    ]);
    // Before the cast the column is text: a text bound compares as text, and is accepted.
    expect(() =>
      parsePipeline(yaml("rules:\n  - { check: range, column: amount, min: zero }"), "p.yaml", { env: {} }),
    ).not.toThrow();
  });

  it("date bounds must be real dates; numbers do not compare with dates", async () => {
    expect(
      await problems(
        yaml(
          "rules:\n  - { check: range, column: placed, min: 2024/1/5, max: 2024-02-30 }\n  - { check: range, column: placed, min: 0 }",
        ),
      ),
    ).toEqual([
      '12:46 steps[0].rules[0].min: expected a date yyyy-MM-dd (column "placed" is date), found "2024/1/5" — did you mean "2024-01-05"?',
      '12:61 steps[0].rules[0].max: expected a date yyyy-MM-dd (column "placed" is date), found "2024-02-30"',
      '13:46 steps[0].rules[1].min: expected a date yyyy-MM-dd (column "placed" is date), found 0',
    ]);
  });

  it("accepted_values must fit the column: numbers for numbers, true/false for booleans", async () => {
    expect(
      await problems(
        yaml(
          "rules:\n  - { check: accepted_values, column: qty, values: [1, two, '3'] }\n  - { check: accepted_values, column: paid, values: [true, yes] }",
        ),
      ),
    ).toEqual([
      '12:60 steps[0].rules[0].values[1]: expected a number (column "qty" is int), found "two" — did you mean "2"?',
      '13:64 steps[0].rules[1].values[1]: expected true or false (column "paid" is boolean), found "yes"',
    ]);
  });

  it("accepts well-typed arguments", () => {
    const ok = yaml(
      "rules:\n  - { check: range, column: qty, min: 0, max: '1000' }\n  - { check: range, column: placed, min: '2020-01-01' }\n  - { check: accepted_values, column: note, values: [a, 1] }",
    );
    expect(() => parsePipeline(ok, "p.yaml", { env: {} })).not.toThrow();
  });
});

describe("spark_conf", () => {
  const step = "trim: all";
  it("accepts keys on the allow-list", () => {
    const ok = yaml(
      step,
      "spark_conf:\n  spark.sql.parquet.outputTimestampType: TIMESTAMP_MILLIS\n  spark.sql.shuffle.partitions: 8\n",
    );
    expect(parsePipeline(ok, "p.yaml", { env: {} }).spec.spark_conf).toEqual({
      "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MILLIS",
      "spark.sql.shuffle.partitions": 8,
    });
  });

  it("refuses an unknown key with a did-you-mean and a forbidden one with the reason", async () => {
    const found = await problems(
      yaml(
        step,
        "spark_conf:\n  spark.sql.parquet.outputTimestmpType: TIMESTAMP_MICROS\n  spark.sql.ansi.enabled: false\n  spark.executor.memory: 8g\n",
      ),
    );
    expect(found).toHaveLength(3);
    expect(found[0]).toMatch(
      /^16:3 spark_conf\["spark\.sql\.parquet\.outputTimestmpType"\]: spark_conf key "spark\.sql\.parquet\.outputTimestmpType" cannot be set by a spec \(not on the allow-list\) — did you mean "spark\.sql\.parquet\.outputTimestampType"\?; allowed: spark\.sql\.parquet\.outputTimestampType, /,
    );
    expect(found[1]).toMatch(
      /^17:3 .*"spark\.sql\.ansi\.enabled" cannot be set by a spec \(Kindling's casts and rules rely on ANSI mode\)/,
    );
    expect(found[2]).toMatch(
      /^18:3 .*"spark\.executor\.memory" cannot be set by a spec \(not a Spark SQL setting a run may change/,
    );
  });
});
