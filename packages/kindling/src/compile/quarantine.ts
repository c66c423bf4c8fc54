import { type DataFrame, functions as F } from "@kindling/spark-connect";
import { CORRUPT, FILE } from "./hidden.js";

/**
 * Every quarantined row has the same shape, whatever step sent it there: `source`, `step`, `rule`
 * (the rule it broke), `record` (the unparsed line for malformed input, otherwise the row as the
 * step received it, as JSON) and `file`. This one gives a raw source's malformed rows that shape.
 * `anyDataColumn` is referenced on purpose: Spark refuses a scan of raw CSV/JSON that reads only
 * the corrupt-record column (UNSUPPORTED_FEATURE.QUERY_ONLY_CORRUPT_RECORD_COLUMN).
 */
export function malformedToQuarantine(df: DataFrame, source: string, anyDataColumn: string): DataFrame {
  return df.select(
    F.lit(source).alias("source"),
    F.lit(`source:${source}`).alias("step"),
    F.lit("malformed").alias("rule"),
    F.coalesce(F.col(CORRUPT), F.col(`\`${anyDataColumn}\``).cast("string")).alias("record"),
    F.col(FILE).alias("file"),
  );
}

/** Quarantine rows of a step: `reason` is a Column with the rule name, `raw` the record as JSON. */
export function stepToQuarantine(
  df: DataFrame,
  source: string,
  step: string,
  reason: ReturnType<typeof F.col>,
  raw: ReturnType<typeof F.col>,
): DataFrame {
  return df.select(
    F.lit(source).alias("source"),
    F.lit(step).alias("step"),
    reason.cast("string").alias("rule"),
    raw.alias("record"),
    F.col(FILE).alias("file"),
  );
}
