/**
 * The facts the committed registry snapshot (scripts/functions/registry.json) keeps per function,
 * derived from Spark's `DESCRIBE FUNCTION EXTENDED` text at dump time. Only facts are kept (name,
 * group, version, parameter names and kinds, result types, whether examples exist): Spark's prose
 * and example SQL stay in Spark and are read live where a test needs them. Pure.
 */
import { callIn, examplesOf } from "./examples.js";
import { type Param, signatureOf } from "./signatures.js";

export interface FunctionFacts {
  /** ExpressionInfo group (`string_funcs`, `agg_funcs`, …): decides the family file. */
  group: string;
  /** The Spark version that added the function, or "" when DESCRIBE does not say. */
  since: string;
  /**
   * The parameters read from the usage text and the examples' arities, in the compact notation
   * (`str:col, pos:lit, len?:lit, ...cols:col`; see parseCompact), or null when the usage is SQL
   * syntax or has no `name(args)` form.
   */
  params: string | null;
  /** The types of the first result column of the function's own examples (analysed, not run). */
  returnTypes: string[];
  hasExamples: boolean;
}

export interface Registry {
  sparkVersion: string;
  functions: Record<string, FunctionFacts>;
}

/** `name:kind` notation of parameters (`?` optional, `...` rest). */
export const compactOf = (params: Param[]): string =>
  params.map((p) => `${p.rest ? "..." : ""}${p.name}${p.optional ? "?" : ""}:${p.kind}`).join(", ");

/** How many arguments each of the function's examples passes to it. */
function exampleArities(sqlName: string, describe: string): number[] {
  return examplesOf(describe).flatMap((e) => {
    const call = callIn(e.sql, sqlName);
    return call ? [call.args.length] : [];
  });
}

/** The facts of one function from its DESCRIBE text, its group and its examples' result types. */
export function factsOf(
  sqlName: string,
  group: string,
  describe: string,
  returnTypes: string[],
): FunctionFacts {
  const usage = (describe.split("\nUsage:")[1] ?? "").split("\nExtended Usage:")[0] ?? "";
  const signature = signatureOf(sqlName, usage, exampleArities(sqlName, describe));
  return {
    group,
    since: /Since:\s*([0-9.]+)/.exec(describe)?.[1] ?? "",
    params: signature ? compactOf(signature.params) : null,
    returnTypes,
    hasExamples: examplesOf(describe).length > 0,
  };
}
