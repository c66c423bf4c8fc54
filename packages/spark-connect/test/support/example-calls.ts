/**
 * Turns one of Spark's own function examples (`SELECT f(a, b) [FROM …]`) into the equivalent
 * wrapper call, using the wrapper's parameter kinds: a literal parameter gets a JS value where
 * the SQL argument is a plain string, integer or boolean; a column parameter gets the column's
 * name where the argument is a bare column of the example's FROM; a lambda parameter gets a JS
 * function whose body is the SQL body with the lambda variables renamed. Anything else is passed
 * as `expr(<SQL text>)`.
 */

import { callIn, type Example } from "../../scripts/functions/examples.js";
import { type Param, parseCompact } from "../../scripts/functions/signatures.js";
import { type Column, functions as F } from "../../src/index.js";

export interface TranslatedExample {
  fn: string;
  sql: string;
  /** The call's SQL text, for running several examples in one SELECT. */
  callText: string;
  /** The example's ` FROM …` clause, or "" when it selects from no table. */
  from: string;
  build: () => Column;
}

const SIMPLE_STRING = /^'([^'\\]*)'$/;
const INT = /^-?\d{1,9}$/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SQL_WORDS = new Set(["null", "true", "false"]);

function literalArg(text: string): unknown {
  const s = SIMPLE_STRING.exec(text);
  if (s) return s[1];
  if (INT.test(text)) return Number(text);
  if (/^(true|false)$/i.test(text)) return text.toLowerCase() === "true";
  return F.expr(text);
}

function columnArg(text: string, hasFrom: boolean): unknown {
  if (hasFrom && IDENT.test(text) && !SQL_WORDS.has(text.toLowerCase())) return text;
  return F.expr(text);
}

type Lambda = (...vars: Column[]) => Column;
const w = F.when;
/**
 * The lambdas of Spark's higher-order-function examples, written with Column methods (SQL text
 * cannot be the body: Spark Connect does not resolve a name inside `expr(...)` to a lambda
 * variable). Keyed by the example's lambda text.
 */
const LAMBDAS: Record<string, Lambda> = {
  "(acc, x) -> acc + x": (acc, x) => acc!.plus(x),
  "acc -> acc * 10": (acc) => acc!.multiply(10),
  "(left, right) -> case when left < right then -1 when left > right then 1 else 0 end": (l, r) =>
    w(l!.lt(r), -1).when(l!.gt(r), 1).otherwise(0),
  "(left, right) -> case when left is null and right is null then 0 when left is null then -1 when right is null then 1 when left < right then 1 when left > right then -1 else 0 end":
    (l, r) =>
      w(l!.isNull().and(r!.isNull()), 0)
        .when(l!.isNull(), -1)
        .when(r!.isNull(), 1)
        .when(l!.lt(r), 1)
        .when(l!.gt(r), -1)
        .otherwise(0),
  "x -> x % 2 == 0": (x) => x!.mod(2).eq(0),
  "x -> x % 2 == 10": (x) => x!.mod(2).eq(10),
  "x -> x % 2 == 1": (x) => x!.mod(2).eq(1),
  "x -> x IS NULL": (x) => x!.isNull(),
  "x -> x IS NOT NULL": (x) => x!.isNotNull(),
  "(x, i) -> x > i": (x, i) => x!.gt(i),
  "(k, v) -> k > v": (k, v) => k!.gt(v),
  "(k, v1, v2) -> concat(v1, v2)": (_k, a, b) => F.concat(a!, b!),
  "(k, v1, v2) -> coalesce(v1, 0) + coalesce(v2, 0)": (_k, a, b) =>
    F.coalesce(a!, F.lit(0)).plus(F.coalesce(b!, F.lit(0))),
  "x -> x + 1": (x) => x!.plus(1),
  "(x, i) -> x + i": (x, i) => x!.plus(i),
  "(k, v) -> k + 1": (k) => k!.plus(1),
  "(k, v) -> k + v": (k, v) => k!.plus(v),
  "(k, v) -> v + 1": (_k, v) => v!.plus(1),
  "(x, y) -> (y, x)": (x, y) => F.struct(y!.alias("y"), x!.alias("x")),
  "(x, y) -> x + y": (x, y) => x!.plus(y),
  "(x, y) -> concat(x, y)": (x, y) => F.concat(x!, y!),
};

/** The JS lambda for an example's lambda text, with as many parameters as the SQL lambda has. */
function lambdaArg(text: string): unknown {
  const body = LAMBDAS[text.trim()];
  const m = /^\(?\s*([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*\)?\s*->/.exec(text);
  if (!body || !m) return undefined;
  const arity = (m[1] as string).split(",").length;
  if (arity === 1) return (a: Column) => body(a);
  if (arity === 2) return (a: Column, b: Column) => body(a, b);
  return (a: Column, b: Column, c: Column) => body(a, b, c);
}

function convert(p: Param, text: string, hasFrom: boolean): unknown {
  if (p.kind === "fn") return lambdaArg(text);
  return p.kind === "lit" ? literalArg(text) : columnArg(text, hasFrom);
}

/** An argument's text with nested parentheses emptied (`cast(x AS int)` → `cast()`). */
function topLevel(text: string): string {
  let out = text;
  for (let prev = ""; prev !== out; ) {
    prev = out;
    out = out.replace(/\([^()]*\)/g, "()");
  }
  return out;
}

/** The wrapper call for an example, or the reason it cannot be written as one. */
export function translateExample(
  fn: string,
  exportName: string,
  signature: string,
  example: Example,
): TranslatedExample | string {
  const call = callIn(example.sql, fn);
  if (!call) return "the example does not call the function in its select list";
  if (call.before.trim()) return "the call is inside a larger expression";
  const after = call.after.trim();
  if (after && !/^FROM\b/i.test(after)) return "the call is inside a larger expression";
  if (/\b(GROUP BY|ORDER BY|HAVING|WINDOW|WHERE|JOIN|LIMIT)\b/i.test(after))
    return "the example needs clauses beyond FROM";
  if (call.args.some((a) => /^[A-Za-z_]\w*\s*=>/.test(a))) return "named arguments (`name => value`)";
  if (
    call.args.some((a) =>
      /^(DISTINCT|ALL|BOTH|LEADING|TRAILING)\b|\s(FROM|FOR|AS|PLACING)\s/i.test(topLevel(a)),
    )
  )
    return "SQL syntax inside the call (DISTINCT, FROM, FOR, AS, BOTH…)";
  const params = parseCompact(signature);
  const hasFrom = after.length > 0;
  const args: unknown[] = [];
  let i = 0;
  for (const p of params) {
    if (p.rest) {
      while (i < call.args.length) args.push(convert(p, call.args[i++] as string, hasFrom));
      break;
    }
    if (i >= call.args.length) {
      if (p.optional) break;
      return `the example passes ${call.args.length} arguments; the wrapper requires more`;
    }
    const value = convert(p, call.args[i++] as string, hasFrom);
    if (value === undefined) return "a lambda whose Column form is not in the test's table";
    args.push(value);
  }
  if (i < call.args.length)
    return `the example passes ${call.args.length} arguments; the wrapper takes fewer`;
  const wrapper = (F as unknown as Record<string, (...a: unknown[]) => Column>)[exportName];
  if (!wrapper) return `no export ${exportName}`;
  const callStart = example.sql
    .toLowerCase()
    .indexOf(`${fn}(`, /^\s*SELECT\s+/i.exec(example.sql)?.[0].length);
  const callText = example.sql.slice(callStart, example.sql.length - call.after.length);
  return { fn, sql: example.sql, callText, from: after, build: () => wrapper(...args) };
}
