import { type Column, type DataFrame, functions as F } from "@kindling/spark-connect";
import type {
  AggregateStepSpec,
  DatePartsSpec,
  EnrichStepSpec,
  FilterStepSpec,
  SelectStepSpec,
} from "../spec/index.js";
import { isHidden, q, REASON } from "./hidden.js";
import { compileJoin, type JoinExit, joinLabel, MATCH, unmatchedCount } from "./join.js";
import { countWhere, stepMetric } from "./metrics.js";
import { stepToQuarantine } from "./quarantine.js";

export interface CompiledEnrich {
  output: DataFrame;
  quarantine: DataFrame | undefined;
  /** Observed alias → join target, for unmatched-row counts. */
  unmatchedAliases: Record<string, string>;
  /** Observed alias (or observation pair) → join label, for the rows each join dropped. */
  droppedAliases: Record<string, string>;
  droppedPairs: { before: string; after: string; join: string }[];
}

/**
 * Joins (each lookup's columns added with a prefix), then derived columns in order, then date
 * parts. Rows a join leaves out are counted in the step's observation before they leave: as
 * `dropped` for the join (inner, semi, anti) or quarantined (`unmatched: quarantine` on a left or
 * full join). A null key matches nothing (docs/pipeline-spec.md, "Null keys").
 * @throws KindlingError (code spec) when a join's key types clash (see compileJoin)
 */
export async function compileEnrich(
  input: DataFrame,
  step: EnrichStepSpec,
  lookups: Map<string, DataFrame>,
  source: string,
): Promise<CompiledEnrich> {
  let df = input;
  const unmatchedAliases: Record<string, string> = {};
  const droppedAliases: Record<string, string> = {};
  const droppedPairs: CompiledEnrich["droppedPairs"] = [];
  const exits: JoinExit[] = [];
  const joins = step.joins ?? [];
  for (const [i, j] of joins.entries()) {
    const lookup = lookups.get(j.with);
    if (!lookup) throw new Error(`enrich step ${step.name}: unknown lookup ${j.with}`);
    const joined = await compileJoin(df, lookup, j, i, step.name);
    df = joined.df;
    if (joined.countsUnmatched) unmatchedAliases[`u${i}`] = j.with;
    if (joined.observed) droppedPairs.push({ ...joined.observed, join: joinLabel(j, i) });
    if (joined.exit) exits.push(joined.exit);
  }
  const metrics = [
    F.count(F.lit(1)).alias("rows_out"),
    ...Object.keys(unmatchedAliases).map((a) => unmatchedCount(Number(a.slice(1))).alias(a)),
  ];
  let quarantine: DataFrame | undefined;
  if (exits.length) {
    // The first join that leaves a row out is the row's reason.
    const reason = exits.reduce<Column | undefined>(
      (acc, e) => (acc ? acc.when(e.when, e.reason) : F.when(e.when, e.reason)),
      undefined,
    )!;
    df = df.withColumn(REASON, reason);
    const quarantined = exits.filter((e) => e.action === "quarantine").map((e) => e.reason);
    exits.forEach((e, n) => {
      if (e.action !== "drop") return;
      droppedAliases[`d${n}`] = e.reason;
      metrics.push(countWhere(F.col(REASON).eqNullSafe(e.reason)).alias(`d${n}`));
    });
    const isQuarantined = quarantined.length ? F.col(REASON).isin(...quarantined) : F.lit(false);
    metrics.push(countWhere(isQuarantined).alias("quarantined"));
    df = df.observe(stepMetric(step.name), ...metrics);
    if (quarantined.length) {
      const visible = (await input.columns()).filter((c) => !isHidden(c));
      quarantine = stepToQuarantine(
        df.filter(isQuarantined),
        source,
        step.name,
        F.col(REASON),
        F.toJson(F.struct(...visible.map((c) => F.col(q(c))))),
      );
    }
    df = df.filter(F.col(REASON).isNull()).drop(REASON);
  } else {
    df = df.observe(stepMetric(step.name), ...metrics);
  }
  // Derived columns and date parts keep every row, so the observation above counts the output.
  df = df.drop(...joins.map((_, i) => MATCH(i)));
  for (const [name, sql] of Object.entries(step.derive ?? {})) df = df.withColumn(name, F.expr(sql));
  for (const dp of step.date_parts ?? []) df = addDateParts(df, dp);
  return { output: df, quarantine, unmatchedAliases, droppedAliases, droppedPairs };
}

/** Spark's function for each `date_parts` part. */
export const DATE_PART_FUNCTIONS: Record<DatePartsSpec["parts"][number], (c: Column) => Column> = {
  year: F.year,
  quarter: F.quarter,
  month: F.month,
  week: F.weekofyear,
  day: F.dayofmonth,
  dayofweek: F.dayofweek,
  dayofyear: F.dayofyear,
  hour: F.hour,
  minute: F.minute,
  second: F.second,
};

/** `<prefix><part>` int columns of a date/timestamp column (Spark's `year`, `weekofyear`, …). */
function addDateParts(df: DataFrame, dp: DatePartsSpec): DataFrame {
  const prefix = dp.prefix ?? `${dp.column}_`;
  const value = F.col(q(dp.column));
  return df.withColumns(
    Object.fromEntries(dp.parts.map((p) => [`${prefix}${p}`, DATE_PART_FUNCTIONS[p](value)])),
  );
}

/** group_by + named metrics (Spark SQL aggregates), then window columns over the grouped rows. */
export function compileAggregate(input: DataFrame, step: AggregateStepSpec): DataFrame {
  const metrics = Object.entries(step.metrics ?? {}).map(([name, sql]) => F.expr(sql).alias(name));
  const groups = (step.group_by ?? []).map((c) => F.col(q(c)));
  let df = metrics.length ? input.groupBy(...groups).agg(...metrics) : input.select(...groups).distinct();
  for (const [name, w] of Object.entries(step.windows ?? {})) {
    const parts: string[] = [];
    if (w.partition_by?.length) parts.push(`PARTITION BY ${w.partition_by.map(q).join(", ")}`);
    if (w.order_by?.length) parts.push(`ORDER BY ${w.order_by.join(", ")}`);
    if (w.frame) parts.push(w.frame.toUpperCase());
    df = df.withColumn(name, F.expr(`${w.expression} OVER (${parts.join(" ")})`));
  }
  return df.observe(stepMetric(step.name), F.count(F.lit(1)).alias("rows_out"));
}

/**
 * Keeps rows where the condition (the user's Spark SQL) is true: false and null drop the row.
 * Counts both sides in the same pass.
 */
export function compileFilter(input: DataFrame, step: FilterStepSpec): DataFrame {
  const keep = F.coalesce(F.expr(step.where), F.lit(false));
  return input
    .observe(stepMetric(step.name), F.count(F.lit(1)).alias("rows_in"), countWhere(keep).alias("rows_out"))
    .filter(keep);
}

/** Keeps `columns` (hidden bookkeeping columns ride along), renames, drops. */
export async function compileSelect(input: DataFrame, step: SelectStepSpec): Promise<DataFrame> {
  let df = input;
  if (step.columns?.length) {
    const hidden = (await input.columns()).filter(isHidden);
    df = df.select(...step.columns.map((c) => F.col(q(c))), ...hidden.map((c) => F.col(c)));
  }
  if (step.rename && Object.keys(step.rename).length) df = df.withColumnsRenamed(step.rename);
  if (step.drop?.length) df = df.drop(...step.drop);
  return df.observe(stepMetric(step.name), F.count(F.lit(1)).alias("rows_out"));
}
