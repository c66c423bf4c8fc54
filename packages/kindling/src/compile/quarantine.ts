import { type DataFrame, functions as F } from "@kindling/spark-connect";
import { CORRUPT, FILE } from "./hidden.js";

/**
 * Every quarantined row has the same shape, whatever step sent it there: `source`, `step`, `rule`
 * (the rule it broke), `record` (the unparsed line for malformed input, otherwise the row as the
 * step received it, as JSON) and `file`. This one gives a raw source's malformed rows that shape.
 * Every data column is referenced on purpose: Spark's CSV reader parses only the columns a query
 * reads, so a scan reading one column does not see a row as malformed when the bad value is in
 * another (measured: `5,not a time,…` with `ts TIMESTAMP` was counted malformed by the sink's
 * scan and missing from the quarantine; spark.sql.csv.parser.columnPruning.enabled=false did not
 * change it). A scan of the corrupt-record column alone is refused by Spark anyway
 * (UNSUPPORTED_FEATURE.QUERY_ONLY_CORRUPT_RECORD_COLUMN).
 */
export function malformedToQuarantine(df: DataFrame, source: string, dataColumns: string[]): DataFrame {
  return df.select(
    F.lit(source).alias("source"),
    F.lit(`source:${source}`).alias("step"),
    F.lit("malformed").alias("rule"),
    F.coalesce(F.col(CORRUPT), F.toJson(F.struct(...dataColumns.map((c) => F.col(`\`${c}\``))))).alias(
      "record",
    ),
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
