import { beforeAll, describe, expect, it } from "vitest";
import type { SparkSession } from "../../../spark-connect/src/index.js";
import { testSession } from "../../../spark-connect/test/support/session.js";
import { compileClean } from "../../src/compile/clean.js";
import { KindlingError } from "../../src/errors.js";
import type { CleanStepSpec } from "../../src/spec/index.js";

let spark: SparkSession;
beforeAll(async () => {
  spark = await testSession();
});

// Each test runs whole pipelines on a shared, loaded machine (load average 45 seen): generous limits.
describe("rule arguments checked when the step is compiled (types only Spark knows)", {
  timeout: 1_200_000,
}, () => {
  it("refuses min: zero on a column Spark resolved as int, naming the step and the rule's path", async () => {
    const input = spark.createDataFrame([{ qty: 1, raw: "2" }], "qty INT, raw STRING");
    const step = {
      name: "clean_orders",
      kind: "clean",
      input: "orders",
      casts: { raw: "bigint" },
      on_cast_error: "quarantine",
      rules: [
        { check: "range", column: "qty", min: "zero", severity: "quarantine" },
        { check: "accepted_values", column: "raw", values: [1, "two"], severity: "quarantine" },
      ],
    } as unknown as CleanStepSpec;
    const error = await compileClean(input, step, "orders").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KindlingError);
    expect((error as KindlingError).code).toBe("spec");
    expect((error as Error).message).toBe(
      [
        'step "clean_orders" rules[0].min: expected a number (column "qty" is int), found "zero" — did you mean "0"?',
        'step "clean_orders" rules[1].values[1]: expected a number (column "raw" is bigint), found "two" — did you mean "2"?',
      ].join("\n"),
    );
  });
});
