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

/** `x -> body` or `(a, b) -> body` as a JS lambda building `expr(body)` over renamed variables. */
function lambdaArg(text: string): unknown {
  const m = /^\(?\s*([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*\)?\s*->\s*([\s\S]+)$/.exec(text);
  if (!m) return undefined;
  const vars = (m[1] as string).split(",").map((v) => v.trim());
  const body = m[2] as string;
  const make = (cols: Column[]) => {
    let out = body;
    vars.forEach((v, i) => {
      const expr = cols[i]?.expr;
      const name =
        expr?.exprType.case === "unresolvedNamedLambdaVariable" ? expr.exprType.value.nameParts[0] : v;
      // Only outside quotes: split on quoted parts and rename in the unquoted ones.
      out = out
        .split(/('(?:[^'\\]|\\.)*')/)
        .map((part, j) => (j % 2 === 1 ? part : part.replace(new RegExp(`\\b${v}\\b`, "g"), name ?? v)))
        .join("");
    });
    return F.expr(out);
  };
  if (vars.length === 1) return (a: Column) => make([a]);
  if (vars.length === 2) return (a: Column, b: Column) => make([a, b]);
  if (vars.length === 3) return (a: Column, b: Column, c: Column) => make([a, b, c]);
  return undefined;
}

function convert(p: Param, text: string, hasFrom: boolean): unknown {
  if (p.kind === "fn") return lambdaArg(text);
  return p.kind === "lit" ? literalArg(text) : columnArg(text, hasFrom);
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
    if (value === undefined) return "a lambda argument that is not `x -> body` or `(a, b) -> body`";
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
