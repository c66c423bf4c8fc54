import { type Column, type DataFrame, functions as F } from "@kindling/spark-connect";
import { ACTION, CORRUPT, FILE, q, REASON } from "../hidden.js";
import { stepToQuarantine } from "../quarantine.js";
import type { CleanContext } from "./context.js";
import { originalOf } from "./names.js";

/** A quarantined row's `record`: the row as the step received it, as JSON (rewritten columns' originals). */
export function rawRecord(ctx: CleanContext): Column {
  const original = (c: string) => (ctx.rewritten.has(c) ? originalOf(c) : c);
  return F.toJson(F.struct(...ctx.fields.map((f) => F.col(q(original(f.name))).alias(f.name))));
}

/** The rows of a judged DataFrame whose action is quarantine. */
export const toQuarantine = (judged: DataFrame) => judged.filter(F.col(ACTION).eqNullSafe("quarantine"));

/** The step's rows to quarantine, in the quarantine's shape (see ../quarantine.ts). */
export function stepQuarantine(judged: DataFrame, ctx: CleanContext, source: string): DataFrame {
  return stepToQuarantine(toQuarantine(judged), source, ctx.step.name, F.col(REASON), rawRecord(ctx));
}

/**
 * The step's rows to quarantine together with its source's malformed rows, from one judged read
 * of every row the source read: a malformed row keeps its unparsed line (or, when Spark kept
 * none, a data column's text: see malformedToQuarantine) and is filed under `source:<name>`.
 */
export function stepAndMalformedQuarantine(
  judgedAll: DataFrame,
  ctx: CleanContext,
  source: string,
  anyDataColumn: string,
): DataFrame {
  const isMalformed = F.col(CORRUPT).isNotNull();
  return toQuarantine(judgedAll).select(
    F.lit(source).alias("source"),
    F.when(isMalformed, `source:${source}`).otherwise(ctx.step.name).alias("step"),
    F.col(REASON).cast("string").alias("rule"),
    F.when(isMalformed, F.coalesce(F.col(CORRUPT), F.col(q(anyDataColumn)).cast("string")))
      .otherwise(rawRecord(ctx))
      .alias("record"),
    F.col(FILE).alias("file"),
  );
}
