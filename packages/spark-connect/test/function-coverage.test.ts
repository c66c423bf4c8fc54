/**
 * Coverage of the pinned Spark's function registry: lists `SHOW FUNCTIONS` on the live server and
 * fails below the bar (95% of named functions, operators excluded), naming what is missing.
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { sqlFunctionWrappers, unwrappedFunctions } from "../src/functions/coverage.js";
import { functions as F, type SparkSession } from "../src/index.js";
import { testSession } from "./support/session.js";

const BAR = 0.95;
/** Operators (`+`, `<=>`, `||`, …) are not named functions; Column methods cover them. */
const isNamed = (name: string) => /^[a-z_][a-z0-9_]*$/.test(name);

let spark: SparkSession;
let live: string[];

beforeAll(async () => {
  spark = await testSession();
  live = (await (await spark.sql("SHOW FUNCTIONS")).collect()).map((r) => String(r.function)).filter(isNamed);
});

describe("function registry coverage", () => {
  it(`wraps at least ${BAR * 100}% of the live registry's named functions, naming the missing ones`, () => {
    const exported = F as unknown as Record<string, unknown>;
    const missing = live.filter((n) => {
      const wrapper = sqlFunctionWrappers[n];
      return wrapper === undefined || typeof exported[wrapper] !== "function";
    });
    const wrapped = live.length - missing.length;
    const share = wrapped / live.length;
    console.log(
      `registry ${live.length} named functions, wrapped ${wrapped} (${(share * 100).toFixed(1)}%), ` +
        `missing: ${missing.map((n) => `${n} (${unwrappedFunctions[n] ?? "no wrapper"})`).join(", ")}`,
    );
    if (share < BAR)
      expect.fail(
        `Only ${wrapped}/${live.length} named functions are wrapped (${(share * 100).toFixed(1)}% < ${BAR * 100}%). ` +
          `Missing: ${missing.join(", ")}`,
      );
    expect(live.length).toBeGreaterThan(500);
  });

  it("the committed registry snapshot matches the live server (regenerate the wrappers when it does not)", () => {
    const snapshot = JSON.parse(
      readFileSync(new URL("../scripts/functions/registry.json", import.meta.url), "utf8"),
    ) as { functions: Record<string, unknown> };
    const committed = Object.keys(snapshot.functions).filter(isNamed).sort();
    expect([...live].sort()).toEqual(committed);
  });
});
