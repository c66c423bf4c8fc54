/**
 * The stages of a clean step that rewrite values, in the documented order: trim → nulls → case →
 * standardize → casts. Each is a `(df, ctx) => df` transform built from column functions; a stage
 * the step does not use returns its input unchanged.
 */
import { type Column, type DataFrame, functions as F } from "@kindling/spark-connect";
import { q } from "../hidden.js";
import { specLiteral } from "../literals.js";
import type { CastSpec, CleanContext, CleanTransform } from "./context.js";
import { castFailed, castInput, originalOf } from "./names.js";

const col = (name: string) => F.col(q(name));

/** `df` with each of `columns` replaced by `f(column)`, in one projection. */
function rewrite(
  df: DataFrame,
  columns: readonly string[],
  f: (c: Column, name: string) => Column,
): DataFrame {
  return columns.length ? df.withColumns(Object.fromEntries(columns.map((c) => [c, f(col(c), c)]))) : df;
}

/**
 * Keeps each rewritten column's value as the step received it, under a hidden name: the raw
 * record of a quarantined row is built from these (only for the rows that end in quarantine).
 */
export const keepOriginals: CleanTransform = (df, { rewritten }) =>
  rewritten.size
    ? df.withColumns(Object.fromEntries([...rewritten].map((c) => [originalOf(c), col(c)])))
    : df;

/**
 * The rewritten columns whose original can be told from the rewritten value (see
 * compactOriginals): every rewrite but a cast (another type) and a null default (a null becomes a
 * value) keeps a null null, so an original equal to the rewritten value need not be stored. Only
 * plain STRING columns: under a collation such as UTF8_LCASE, `<=>` would call a case rewrite
 * unchanged.
 */
function restorable(ctx: CleanContext): string[] {
  const lossy = new Set([
    ...Object.keys(ctx.step.casts ?? {}),
    ...Object.keys(ctx.step.nulls?.defaults ?? {}),
  ]);
  const plain = new Set(
    ctx.fields.filter((f) => f.dataType.typeName === "string" && !f.dataType.collation).map((f) => f.name),
  );
  return [...ctx.rewritten].filter((c) => plain.has(c) && !lossy.has(c));
}

/**
 * Judged rows as the scan stages them: a restorable column's original is kept only where the
 * rewrite changed it (null where equal, by `<=>`), so a copy of a column the rewrites leave as
 * it was (most rows of a trimmed id) is not written again. {@link restoreOriginals} undoes it.
 */
export const compactOriginals: CleanTransform = (df, ctx) =>
  rewriteOriginals(df, ctx, (original, value) => F.when(original.eqNullSafe(value).not(), original));

/** Judged rows from compactOriginals' form: each restorable original is `coalesce(original, value)`. */
export const restoreOriginals: CleanTransform = (df, ctx) =>
  rewriteOriginals(df, ctx, (original, value) => F.coalesce(original, value));

function rewriteOriginals(df: DataFrame, ctx: CleanContext, f: (original: Column, value: Column) => Column) {
  const columns = restorable(ctx);
  return columns.length
    ? df.withColumns(Object.fromEntries(columns.map((c) => [originalOf(c), f(F.col(originalOf(c)), col(c))])))
    : df;
}

/** `trim:` leading and trailing spaces off the listed (or all string) columns (Spark's `trim`). */
export const trimStage: CleanTransform = (df, { step, stringColumns }) =>
  rewrite(df, step.trim === "all" ? stringColumns : (step.trim ?? []), (c) => F.trim(c));

/**
 * `nulls:` null-like values become null, then `defaults` fill nulls. Values match whole and
 * ignoring case; lower() is skipped when no value has a letter (e.g. just ""), as it copies every
 * value of the column.
 */
export const nullsStage: CleanTransform = (df, { step, stringColumns }) => {
  const nulls = step.nulls;
  if (!nulls) return df;
  let out = df;
  if (nulls.values.length) {
    const values = nulls.values.map((v) => v.toLowerCase());
    const caseless = nulls.values.every((v) => v.toLowerCase() === v.toUpperCase());
    const columns = nulls.columns === "all" ? stringColumns : nulls.columns;
    out = rewrite(out, columns, (c) =>
      F.when((caseless ? c : F.lower(c)).isin(...values), null).otherwise(c),
    );
  }
  const defaults = nulls.defaults ?? {};
  return rewrite(out, Object.keys(defaults), (c, name) => F.coalesce(c, specLiteral(defaults[name]!)));
};

const CASE_FUNCTIONS = { upper: F.upper, lower: F.lower, title: F.initcap } as const;

/** `case:` upper, lower or title case (Spark's `initcap`) per column. */
export const caseStage: CleanTransform = (df, { step }) => {
  const how = step.case ?? {};
  return rewrite(df, Object.keys(how), (c, name) => CASE_FUNCTIONS[how[name]!](c));
};

/**
 * `standardize:` per column, the regex replacements in order (Spark's `regexp_replace`, Java
 * regex), then the exact-value map (a value not in the map stays; `null` blanks it out).
 */
export const standardizeStage: CleanTransform = (df, { step }) =>
  (step.standardize ?? []).reduce((out, s) => {
    let value = (s.replace ?? []).reduce((v, r) => F.regexpReplace(v, r.pattern, r.with), col(s.column));
    const map = Object.entries(s.map ?? {});
    if (map.length) {
      const mapped = map.reduce<Column | undefined>(
        (acc, [from, to]) => (acc ? acc.when(value.equalTo(from), to) : F.when(value.equalTo(from), to)),
        undefined,
      )!;
      value = mapped.otherwise(value);
    }
    return out.withColumn(s.column, value);
  }, df);

/**
 * `casts:` never fail the job: each is a try-cast (null for a value that does not convert), and a
 * non-null value that became null sets the cast's failure flag (`castFailed(i)`), judged later.
 * The value before the cast is kept aside so each cast is evaluated once per row: written as one
 * expression, the flag would run the cast a second time.
 */
export const castsStage: CleanTransform = (df, { casts }) => {
  if (!casts.length) return df;
  const each = (f: (column: string, spec: CastSpec, i: number) => [string, Column]) =>
    Object.fromEntries(casts.map(([c, spec], i) => f(c, spec, i)));
  return df
    .withColumns(each((c, _, i) => [castInput(i), col(c)]))
    .withColumns(each((c, spec, i) => [c, castValue(F.col(castInput(i)), spec)]))
    .withColumns(each((c, _, i) => [castFailed(i), F.col(castInput(i)).isNotNull().and(col(c).isNull())]));
};

/**
 * One cast: with a `format`, a timestamp or date is parsed by that pattern (Spark's
 * `try_to_timestamp`, a date cast from it); otherwise a try-cast to the type (DDL text).
 * For the ISO patterns of {@link ISO_SHAPES}, a value of the pattern's plain shape takes Spark's
 * cheaper string cast instead, to the same value (see there); any other value is parsed by the
 * pattern as before.
 */
export function castValue(value: Column, spec: CastSpec): Column {
  const type = typeof spec === "string" ? spec : spec.type;
  const format = typeof spec === "string" ? undefined : spec.format;
  if (!format) return value.tryCast(type);
  const byPattern = /^date$/i.test(type)
    ? F.tryToTimestamp(value, format).cast("date")
    : /^(timestamp|timestamp_ntz)$/i.test(type)
      ? F.tryToTimestamp(value, format)
      : value.tryCast(type);
  const shape = ISO_SHAPES.get(`${type.toLowerCase()} ${format}`);
  return shape
    ? F.when(value.rlike(shape), value.tryCast(type.toLowerCase())).otherwise(byPattern)
    : byPattern;
}

/**
 * Patterns whose values Spark's string-to-timestamp (or date) cast reads exactly as the pattern
 * does when the text has the pattern's plain shape (four-digit year, ASCII digits, these
 * separators, nothing around). The cast parses by hand (`DateTimeUtils.stringToTimestamp`), where
 * `try_to_timestamp` with a pattern runs java.time's `DateTimeFormatter`: ~9 s per evaluation over
 * the 15M rows of the 1 GB bench (bench/README.md, issue 19). Both reject what the calendar does
 * not have (Feb 30, hour 24, second 60), both read year 0000, both use the session time zone.
 * Values of another shape (a signed or five-digit year, which the pattern reads) still go to the
 * pattern. Checked against `try_to_timestamp` in test/compile/iso-casts.test.ts.
 */
const ISO_SHAPES: ReadonlyMap<string, string> = new Map([
  ["timestamp yyyy-MM-dd HH:mm:ss", "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$"],
  ["timestamp yyyy-MM-dd", "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"],
  // Not a date from "yyyy-MM-dd HH:mm:ss": a date cast ignores what follows the day.
  ["date yyyy-MM-dd", "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"],
]);
