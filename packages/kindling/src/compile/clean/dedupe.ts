import { type Column, type DataFrame, functions as F, Window } from "@kindling/spark-connect";
import type { CleanStepSpec } from "../../spec/index.js";
import { BLOCK, FILE, q, SEQ } from "../hidden.js";
import { countWhere, dedupeMetric } from "../metrics.js";
import type { CleanTransform } from "./context.js";
import { ROW_NUMBER } from "./names.js";
import { anyNull } from "./verdicts.js";

type Dedupe = NonNullable<CleanStepSpec["dedupe"]>;

/**
 * `dedupe:` one row per key: the first row in `order_by` order wins; ties go to the row read last
 * (file, block, position within the read, descending). Rows with a null key share a window
 * partition but are not duplicates: all of them are kept. Observed as `dedupe__<step>`
 * (`rows_in`, `duplicates`) in the same pass. Runs after the step's verdicts, on the rows that
 * passed. With `winners` (see {@link dedupeWinners}) the rows are kept or dropped by a broadcast
 * join with them instead of a window over every row.
 */
export const dedupeStage: CleanTransform = (df, { step, dedupeWinners: winners }) => {
  if (!step.dedupe) return df;
  const known = anyNull(step.dedupe.keys).not();
  if (winners) return dedupeByWinners(df, step.name, step.dedupe.keys, winners);
  return df
    .withColumn(ROW_NUMBER, F.rowNumber().over(dedupeWindow(step.dedupe)))
    .observe(
      dedupeMetric(step.name),
      F.count(F.lit(1)).alias("rows_in"),
      countWhere(known.and(F.col(ROW_NUMBER).gt(1))).alias("duplicates"),
    )
    .filter(F.col(ROW_NUMBER).equalTo(1).or(known.not()))
    .drop(ROW_NUMBER);
};

/** The dedupe's window: per key, `order_by` first, then the row read last first. */
function dedupeWindow(dedupe: Dedupe) {
  const order = [
    ...(dedupe.order_by ?? []).map(orderTerm),
    F.col(FILE).desc(),
    F.col(BLOCK).desc(),
    F.col(SEQ).desc(),
  ];
  return Window.partitionBy(...dedupe.keys.map((k) => F.col(q(k)))).orderBy(...order);
}

/** The i-th key column of a dup-keys or winners frame (a name no input column has). */
const keyColumn = (i: number) => `_k_dup_key${i}`;
/** The winner's `_k_seq` in a winners frame. */
const WIN_SEQ = "_k_win_seq";

/**
 * The keys held by more than one row of `input` (rows with a null key left out), as columns
 * `_k_dup_key0…`: a hash aggregation of the key columns only, to run and write before the
 * dedupe (run/phases/dedupe-split.ts).
 */
export function duplicateKeys(input: DataFrame, dedupe: Dedupe): DataFrame {
  const keys = dedupe.keys.map((k, i) => F.col(q(k)).alias(keyColumn(i)));
  return input
    .filter(anyNull(dedupe.keys).not())
    .groupBy(...keys)
    .agg(F.count(F.lit(1)).alias("_k_dup_rows"))
    .filter(F.col("_k_dup_rows").gt(1))
    .drop("_k_dup_rows");
}

/**
 * For each of `dupKeys` (from {@link duplicateKeys}, small enough to broadcast), the position of
 * the row the dedupe keeps: the same window as the dedupe's, over the rows holding those keys only.
 * Columns `_k_dup_key0…` and `_k_win_seq` (the kept row's `_k_seq`).
 */
export function dedupeWinners(input: DataFrame, dedupe: Dedupe, dupKeys: DataFrame): DataFrame {
  const held = input.join(dupKeys.hint("broadcast"), keysMatch(dedupe), "inner");
  return held
    .withColumn(ROW_NUMBER, F.rowNumber().over(dedupeWindow(dedupe)))
    .filter(F.col(ROW_NUMBER).equalTo(1))
    .select(...dedupe.keys.map((_, i) => F.col(keyColumn(i))), F.col(SEQ).alias(WIN_SEQ));
}

/**
 * The dedupe as a broadcast join with the winners: a row whose key has a winner is a duplicate
 * unless it is that row (the same `_k_seq`); every other row holds a key no other row holds, or a
 * null key, and is kept. Same rows and counts as the window, without shuffling and sorting every
 * row. `_k_seq` identifies a row because the step's input is row for row its source's staged copy,
 * where one scan numbered every row (`monotonically_increasing_id`: unique across the scan's
 * partitions), the condition run/phases/dedupe-split.ts checks.
 */
function dedupeByWinners(df: DataFrame, step: string, keys: string[], winners: DataFrame): DataFrame {
  const joined = df.join(winners.hint("broadcast"), keysMatch({ keys }), "left");
  const duplicate = F.col(WIN_SEQ)
    .isNotNull()
    .and(F.col(SEQ).notEqual(F.col(WIN_SEQ)));
  return joined
    .observe(
      dedupeMetric(step),
      F.count(F.lit(1)).alias("rows_in"),
      countWhere(duplicate).alias("duplicates"),
    )
    .filter(duplicate.not())
    .drop(...keys.map((_, i) => keyColumn(i)), WIN_SEQ);
}

/** The join condition of the input's key columns with `_k_dup_key0…` (null keys match nothing). */
function keysMatch(dedupe: Pick<Dedupe, "keys">): Column {
  return dedupe.keys.map((k, i) => F.col(q(k)).equalTo(F.col(keyColumn(i)))).reduce((a, b) => a.and(b));
}

/** `"col [asc|desc] [nulls first|last]"` → a sort Column (Spark's defaults: asc, nulls first on asc). */
export function orderTerm(term: string): Column {
  const m = term.trim().match(/^(`[^`]+`|\S+)(?:\s+(asc|desc))?(?:\s+nulls\s+(first|last))?$/i);
  const name = (m?.[1] ?? term).replace(/^`|`$/g, "");
  const c = F.col(q(name));
  const desc = m?.[2]?.toLowerCase() === "desc";
  const nulls = m?.[3]?.toLowerCase();
  if (desc) return nulls === "first" ? c.descNullsFirst() : c.descNullsLast();
  return nulls === "last" ? c.ascNullsLast() : c.ascNullsFirst();
}
