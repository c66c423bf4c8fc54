import { type Column, functions as F } from "@kindling/spark-connect";
import { CORRUPT } from "./hidden.js";

/**
 * Names of the observed metrics the compiled plan carries. Spark computes them in the same pass as
 * the writes (DataFrame.observe), so every count in the report comes without an extra scan.
 */
export const sourceMetric = (source: string) => `source__${source}`;
export const stepMetric = (step: string) => `step__${step}`;
export const dedupeMetric = (step: string) => `dedupe__${step}`;
export const sinkMetric = (sink: string) => `sink__${sink}`;
export const QUARANTINE_METRIC = "quarantine__all";

/**
 * The number of rows where `cond` is true, for an observed metric. Written as count(CASE WHEN …)
 * rather than count_if: inside Spark 4.2's CollectMetrics, an observation with three (or ten)
 * count_if metrics added 1.8–2 s to a 2.5 s noop scan of 300 MB of CSV (4.5M rows); the same
 * counts as count(CASE …) added 0.1–0.3 s (bench/README.md, "Observed metrics"). Same result,
 * 0 on no rows.
 */
export function countWhere(cond: Column): Column {
  return F.count(F.when(cond, F.lit(1)));
}

/**
 * A source's counts over every row it read: `<prefix>rows` and `<prefix>malformed`. Observed as
 * the source's own metric, or (prefix `source_`) inside the observation of the clean step that
 * reads the source and quarantines its malformed rows (see compileClean).
 */
export function sourceCounts(prefix = ""): Column[] {
  return [
    F.count(F.lit(1)).alias(`${prefix}rows`),
    countWhere(F.col(CORRUPT).isNotNull()).alias(`${prefix}malformed`),
  ];
}
