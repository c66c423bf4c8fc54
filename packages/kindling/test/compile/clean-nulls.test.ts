import { beforeAll, describe, expect, it } from "vitest";
import type { SparkSession } from "../../../spark-connect/src/index.js";
import { testSession } from "../../../spark-connect/test/support/session.js";
import { compileClean } from "../../src/compile/clean.js";
import type { CleanStepSpec } from "../../src/spec/index.js";

let spark: SparkSession;
beforeAll(async () => {
  spark = await testSession();
});

/** The step's output for one string column `v`, in input order. */
async function cleaned(values: (string | null)[], nulls: CleanStepSpec["nulls"]): Promise<(string | null)[]> {
  const input = spark.createDataFrame(
    values.map((v, i) => ({ i, v })),
    "i INT, v STRING",
  );
  const step = { name: "s", kind: "clean", input: "x", nulls } as CleanStepSpec;
  const { output } = await compileClean(input, step, "x");
  const rows = await output.orderBy("i").collect();
  return rows.map((r) => r.v as string | null);
}

describe("clean step: null-like values", () => {
  it("match case-insensitively when a value has letters", async () => {
    expect(
      await cleaned(["N/A", "n/a", "NULL", "Null", "", "x", null], {
        values: ["n/a", "null"],
        columns: ["v"],
      }),
    ).toEqual([null, null, null, null, "", "x", null]);
  });

  it("match exactly when no value has a letter (no lower() per row)", async () => {
    expect(await cleaned(["", " ", "-", "a", "A"], { values: ["", "-"], columns: ["v"] })).toEqual([
      null,
      " ",
      null,
      "a",
      "A",
    ]);
  });
});
