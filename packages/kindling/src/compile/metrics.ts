/**
 * Names of the observed metrics the compiled plan carries. Spark computes them in the same pass as
 * the writes (DataFrame.observe), so every count in the report comes without an extra scan.
 */
export const sourceMetric = (source: string) => `source__${source}`;
export const stepMetric = (step: string) => `step__${step}`;
export const dedupeMetric = (step: string) => `dedupe__${step}`;
export const sinkMetric = (sink: string) => `sink__${sink}`;
export const QUARANTINE_METRIC = "quarantine__all";

/** What each clean/enrich/filter step reports through its observation. */
export interface StepCounts {
  rowsIn: bigint;
  rowsOut: bigint;
  quarantined: bigint;
  dropped: bigint;
  failed: bigint;
  duplicates: bigint;
  filtered: bigint;
  unmatched: bigint;
  /** Violations per rule name (all severities, first-failing rule only for quarantine/drop/fail). */
  byRule: Record<string, bigint>;
  /** Rows that broke a warn-severity rule, per rule. */
  warnings: Record<string, bigint>;
}
