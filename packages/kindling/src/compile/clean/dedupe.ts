import { type Column, functions as F, Window } from "@kindling/spark-connect";
import { BLOCK, FILE, q, SEQ } from "../hidden.js";
import { countWhere, dedupeMetric } from "../metrics.js";
import type { CleanTransform } from "./context.js";
import { ROW_NUMBER } from "./names.js";
import { anyNull } from "./verdicts.js";

/**
 * `dedupe:` one row per key: the first row in `order_by` order wins; ties go to the row read last
 * (file, block, position within the read, descending). Rows with a null key share a window
 * partition but are not duplicates: all of them are kept. Observed as `dedupe__<step>`
 * (`rows_in`, `duplicates`) in the same pass. Runs after the step's verdicts, on the rows that
 * passed.
 */
export const dedupeStage: CleanTransform = (df, { step }) => {
  if (!step.dedupe) return df;
  const known = anyNull(step.dedupe.keys).not();
  const order = [
    ...(step.dedupe.order_by ?? []).map(orderTerm),
    F.col(FILE).desc(),
    F.col(BLOCK).desc(),
    F.col(SEQ).desc(),
  ];
  const byKey = Window.partitionBy(...step.dedupe.keys.map((k) => F.col(q(k)))).orderBy(...order);
  return df
    .withColumn(ROW_NUMBER, F.rowNumber().over(byKey))
    .observe(
      dedupeMetric(step.name),
      F.count(F.lit(1)).alias("rows_in"),
      countWhere(known.and(F.col(ROW_NUMBER).gt(1))).alias("duplicates"),
    )
    .filter(F.col(ROW_NUMBER).equalTo(1).or(known.not()))
    .drop(ROW_NUMBER);
};

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
