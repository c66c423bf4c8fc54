/**
 * The wrapper generator's pure parts: reading signatures from Spark's usage text and splitting
 * Spark's examples into calls (no server needed: KINDLING_TEST_SPARK=off).
 */
import { describe, expect, it } from "vitest";
import { callIn, examplesOf } from "../scripts/functions/examples.js";
import { parseCompact, signatureOf } from "../scripts/functions/signatures.js";
import { functions as F } from "../src/index.js";

const compact = (usage: string, fn: string, arities: number[] = []) =>
  signatureOf(fn, usage, arities)
    ?.params.map((p) => `${p.rest ? "..." : ""}${p.name}${p.optional ? "?" : ""}:${p.kind}`)
    .join(", ");

describe("signatures from usage text", () => {
  it("reads optional brackets, literal-kind names and camelCases them", () => {
    expect(compact("substring(str, pos[, len]) - Returns the substring", "substring")).toBe(
      "str:col, pos:lit, len?:lit",
    );
    expect(compact("date_trunc(fmt, ts) - Returns ts truncated", "date_trunc")).toBe("fmt:lit, ts:col");
    expect(compact("to_number(expr, fmt) - Converts", "to_number")).toBe("expr:col, fmt:lit");
  });

  it("turns a repeated tail into one rest parameter", () => {
    expect(compact("concat(col1, col2, ..., colN) - Returns", "concat")).toBe("...cols:col");
    expect(compact("elt(n, input1, input2, ...) - Returns", "elt")).toBe("n:lit, ...inputs:col");
  });

  it("makes parameters optional past the fewest arguments an example passes", () => {
    expect(compact("f(a, b, mode) - x", "f", [1, 3])).toBe("a:col, b?:col, mode?:lit");
  });

  it("reads lambda parameters and skips SQL-syntax usages", () => {
    expect(compact("exists(expr, pred) - Tests", "exists")).toBe("expr:col, pred:fn");
    expect(signatureOf("trim", "trim(BOTH trimStr FROM str) - Removes")).toBeNull();
  });

  it("parses the compact notation of hand-written signatures, rejecting typos", () => {
    expect(
      parseCompact("x:col, ...rest:lit, f?:fn").map((p) => [p.name, p.kind, p.rest, p.optional]),
    ).toEqual([
      ["x", "col", false, false],
      ["rest", "lit", true, false],
      ["f", "fn", false, true],
    ]);
    expect(() => parseCompact("x:column")).toThrow(/bad signature part/);
  });
});

describe("Spark's examples", () => {
  const describeText = [
    "Function: f",
    "Extended Usage:",
    "    Examples:",
    "      > SELECT f('a,b', array(1, 2), x -> x + 1);",
    "       [2,3]",
    "      > SELECT f(col) FROM VALUES (1) AS tab(col);",
    "       1",
    "  ",
    "    Since: 3.0.0",
  ].join("\n");

  it("splits the examples and their printed results", () => {
    expect(examplesOf(describeText)).toEqual([
      { sql: "SELECT f('a,b', array(1, 2), x -> x + 1)", expected: "[2,3]" },
      { sql: "SELECT f(col) FROM VALUES (1) AS tab(col)", expected: "1" },
    ]);
  });

  it("splits a call's arguments at top-level commas only, keeping quotes and brackets whole", () => {
    expect(callIn("SELECT f('a,b', array(1, 2), x -> x + 1)", "f")?.args).toEqual([
      "'a,b'",
      "array(1, 2)",
      "x -> x + 1",
    ]);
    const c = callIn("SELECT f(col) FROM VALUES (1) AS tab(col)", "f");
    expect([c?.args, c?.after.trim()]).toEqual([["col"], "FROM VALUES (1) AS tab(col)"]);
    expect(callIn("SELECT g(f(1))", "f")?.before).toBe("g(");
  });
});

describe("literal arguments", () => {
  it("sends a string given for a literal parameter as text, not as a column name", () => {
    const call = F.dateTrunc("month", "ts").expr;
    expect(call.exprType.case).toBe("unresolvedFunction");
    const args = call.exprType.case === "unresolvedFunction" ? call.exprType.value.arguments : [];
    expect(args.map((a) => a.exprType.case)).toEqual(["literal", "unresolvedAttribute"]);
    const viaName = F.callFunction("date_trunc", "month", F.col("ts")).expr;
    const args2 = viaName.exprType.case === "unresolvedFunction" ? viaName.exprType.value.arguments : [];
    expect(args2.map((a) => a.exprType.case)).toEqual(["literal", "unresolvedAttribute"]);
  });
});
