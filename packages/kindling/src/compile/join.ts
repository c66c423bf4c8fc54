/**
 * One lookup join of an enrich step. Every input row stays countable: inner, semi and anti joins
 * run as left joins that flag each row's match (`_k_match<i>`), and the rows the join type leaves
 * out are removed by the step after its observation counted them as `dropped` for that join. Only
 * a semi or anti join on a SQL condition (where a left join could repeat rows) runs as Spark's own
 * semi/anti join, counted by an observation before and after it.
 */
import { type Column, type DataFrame, functions as F, simpleString } from "@kindling/spark-connect";
import { KindlingError } from "../errors.js";
import { joinKeyTypeMessage, keyTypesClash } from "../spec/check/join-keys.js";
import type { JoinSpec } from "../spec/index.js";
import { isHidden, q } from "./hidden.js";
import { countWhere } from "./metrics.js";

export const MATCH = (i: number) => `_k_match${i}`;
const KEY = (i: number, k: number) => `_k_key${i}_${k}`;

/** Rows a join takes out of the step: dropped (the join type) or quarantined (`unmatched`). */
export interface JoinExit {
  when: Column;
  action: "drop" | "quarantine";
  /** Quarantine reason, or the join's name in the report's `dropped` counts. */
  reason: string;
}

export interface CompiledJoin {
  df: DataFrame;
  exit: JoinExit | undefined;
  /** The match column counts unmatched rows (not for semi/anti joins). */
  countsUnmatched: boolean;
  /** Observation names counting a condition semi/anti join's rows before and after it. */
  observed?: { before: string; after: string };
}

/** The name of the observation counting rows around a condition semi/anti join. */
export const joinMetric = (step: string, i: number, side: "before" | "after") =>
  `join__${step}__${i}__${side}`;

/** How a join is named in messages and in the report's `dropped` counts. */
export const joinLabel = (j: JoinSpec, i: number) => `joins[${i}] ${j.type} join with ${j.with}`;

/**
 * Joins `df` with `lookup` as `j` (the i-th join of `step`). Key types are checked first (Spark's
 * resolved schemas): keys of two type families without `key_type` throw KindlingError (code spec)
 * naming the step, the join and both types. With `key_type`, both sides' keys are compared as
 * try_cast(key AS key_type): a key that does not cast is null and matches nothing.
 */
export async function compileJoin(
  df: DataFrame,
  lookup: DataFrame,
  j: JoinSpec,
  i: number,
  step: string,
): Promise<CompiledJoin> {
  const lookupCols = (await lookup.columns()).filter((c) => !isHidden(c));
  const keys = Array.isArray(j.on) ? j.on : undefined;
  if (keys && j.key_type === undefined) await checkKeyTypes(df, lookup, keys, j, i, step);
  const selected = j.select ?? lookupCols.filter((c) => !keys?.includes(c));
  const prefix = j.prefix ?? "";
  const semiOrAnti = j.type === "semi" || j.type === "anti";
  if (!keys && semiOrAnti) {
    const before = joinMetric(step, i, "before");
    const after = joinMetric(step, i, "after");
    const joined = df
      .observe(before, F.count(F.lit(1)).alias("rows"))
      .alias("l")
      .join(lookup.alias("r"), F.expr(j.on as string), j.type === "semi" ? "left_semi" : "left_anti")
      .observe(after, F.count(F.lit(1)).alias("rows"));
    return { df: joined, exit: undefined, countsUnmatched: false, observed: { before, after } };
  }
  // Inner, semi and anti joins keep every row here; the step removes (and counts) the ones left out.
  const how = j.type === "inner" || semiOrAnti ? "left" : j.type;
  const added = semiOrAnti ? [] : selected.filter((c) => !keys?.includes(c));
  const addedCols = added.map((c) => F.col(q(c)).alias(`${prefix}${c}`));
  let out: DataFrame;
  if (keys && j.key_type === undefined) {
    // A semi/anti join only asks whether a key exists: distinct keys, so no row is repeated.
    let right = lookup.select(...keys.map((k) => F.col(q(k))), ...addedCols, F.lit(true).alias(MATCH(i)));
    if (semiOrAnti) right = right.distinct();
    out = df.join(right, keys, how);
  } else {
    const cast = (k: string) => F.col(q(k)).tryCast(j.key_type!);
    const left = keys ? df.withColumns(Object.fromEntries(keys.map((k, n) => [KEY(i, n), cast(k)]))) : df;
    let right = lookup.select(
      ...(keys ?? []).map((k, n) => cast(k).alias(KEY(i, n))),
      // A condition names the lookup's own columns (r.<col>); the added ones carry the prefix.
      ...(keys ? [] : lookupCols.map((c) => F.col(q(c)))),
      ...(keys || prefix ? addedCols : []),
      F.lit(true).alias(MATCH(i)),
    );
    if (semiOrAnti) right = right.distinct();
    const on = keys
      ? keys
          .map((_, n) => F.col(`l.${KEY(i, n)}`).equalTo(F.col(`r.${KEY(i, n)}`)))
          .reduce((a, b) => a.and(b))
      : F.expr(j.on as string);
    out = left
      .alias("l")
      .join(right.alias("r"), on, how)
      .select(F.col("l.*"), ...added.map((c) => F.col(`r.${q(`${prefix}${c}`)}`)), F.col(`r.${MATCH(i)}`));
    if (keys) out = out.drop(...keys.map((_, n) => KEY(i, n)));
  }
  const matched = F.col(MATCH(i)).isNotNull();
  const exit: JoinExit | undefined =
    j.type === "inner" || j.type === "semi"
      ? { when: matched.not(), action: "drop", reason: joinLabel(j, i) }
      : j.type === "anti"
        ? { when: matched, action: "drop", reason: joinLabel(j, i) }
        : j.unmatched === "quarantine" && (j.type === "left" || j.type === "full")
          ? { when: matched.not(), action: "quarantine", reason: `unmatched_${j.with}` }
          : undefined;
  return { df: out, exit, countsUnmatched: !semiOrAnti };
}

/** Rows of the joined DataFrame whose match flag is null: the input rows with no lookup row. */
export function unmatchedCount(i: number): Column {
  return countWhere(F.col(MATCH(i)).isNull());
}

async function checkKeyTypes(
  df: DataFrame,
  lookup: DataFrame,
  keys: readonly string[],
  j: JoinSpec,
  i: number,
  step: string,
): Promise<void> {
  const typeOf = async (d: DataFrame) => {
    const fields = (await d.schema()).fields;
    return (k: string) => fields.find((f) => f.name.toLowerCase() === k.toLowerCase());
  };
  const [left, right] = await Promise.all([typeOf(df), typeOf(lookup)]);
  for (const k of keys) {
    const l = left(k);
    const r = right(k);
    if (!l || !r) continue; // Spark names the missing column when the join is analysed
    const lt = simpleString(l.dataType);
    const rt = simpleString(r.dataType);
    if (keyTypesClash(lt, rt))
      throw new KindlingError(
        `step "${step}", ${joinLabel(j, i)}: ${joinKeyTypeMessage(k, lt, "the step's input", j.with, rt)}.`,
        "spec",
      );
  }
}
