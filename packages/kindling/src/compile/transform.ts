import { type Column, type DataFrame, functions as F } from "@kindling/spark-connect";
import type { AggregateStepSpec, EnrichStepSpec, FilterStepSpec, SelectStepSpec } from "../spec/index.js";
import { isHidden, q } from "./hidden.js";
import { countWhere, stepMetric } from "./metrics.js";
import { stepToQuarantine } from "./quarantine.js";

const MATCH = (i: number) => `_k_match${i}`;

export interface CompiledEnrich {
  output: DataFrame;
  quarantine: DataFrame | undefined;
  /** Observed alias → join target, for unmatched-row counts. */
  unmatchedAliases: Record<string, string>;
}

/**
 * Joins (each lookup's columns added with a prefix), then derived columns in order, then date
 * parts. Unmatched rows of a left join are kept (nulls) or quarantined; both are counted.
 */
export async function compileEnrich(
  input: DataFrame,
  step: EnrichStepSpec,
  lookups: Map<string, DataFrame>,
  source: string,
): Promise<CompiledEnrich> {
  let df = input;
  const unmatchedAliases: Record<string, string> = {};
  const quarantineConds: { cond: Column; reason: string }[] = [];
  const joins = step.joins ?? [];
  for (let i = 0; i < joins.length; i++) {
    const j = joins[i]!;
    const lookup = lookups.get(j.with);
    if (!lookup) throw new Error(`enrich step ${step.name}: unknown lookup ${j.with}`);
    const lookupCols = (await lookup.columns()).filter((c) => !isHidden(c));
    const usingKeys = Array.isArray(j.on) ? j.on : undefined;
    const selected = j.select ?? lookupCols.filter((c) => !usingKeys?.includes(c));
    const prefix = j.prefix ?? "";
    const right = lookup.select(
      ...(usingKeys ?? lookupCols).map((k) => F.col(q(k))),
      ...selected.filter((c) => !usingKeys?.includes(c)).map((c) => F.col(q(c)).alias(`${prefix}${c}`)),
      F.lit(true).alias(MATCH(i)),
    );
    const how = j.type === "semi" ? "left_semi" : j.type === "anti" ? "left_anti" : j.type;
    if (usingKeys) {
      // Right-side key columns are renamed away so `using` keeps the left ones.
      df = df.join(right, usingKeys, how);
    } else {
      const l = df.alias("l");
      const r = right.alias("r");
      df = l
        .join(r, F.expr(j.on as string), how)
        .select(
          F.col("l.*"),
          ...selected.map((c) => F.col(`r.${q(`${prefix}${c}`)}`)),
          F.col(`r.${MATCH(i)}`),
        );
    }
    if (how === "left_semi" || how === "left_anti") continue;
    unmatchedAliases[`u${i}`] = j.with;
    if (j.unmatched === "quarantine" && (how === "left" || how === "full")) {
      quarantineConds.push({ cond: F.col(MATCH(i)).isNull(), reason: `unmatched_${j.with}` });
    }
  }
  for (const [name, sql] of Object.entries(step.derive ?? {})) df = df.withColumn(name, F.expr(sql));
  for (const dp of step.date_parts ?? []) {
    const prefix = dp.prefix ?? `${dp.column}_`;
    const fns: Record<string, string> = {
      year: "year",
      quarter: "quarter",
      month: "month",
      week: "weekofyear",
      day: "dayofmonth",
      dayofweek: "dayofweek",
      dayofyear: "dayofyear",
      hour: "hour",
      minute: "minute",
      second: "second",
    };
    df = df.withColumns(
      Object.fromEntries(dp.parts.map((p) => [`${prefix}${p}`, F.expr(`${fns[p]}(${q(dp.column)})`)])),
    );
  }
  const metrics = [
    F.count(F.lit(1)).alias("rows_out"),
    ...Object.keys(unmatchedAliases).map((a) =>
      countWhere(F.col(MATCH(Number(a.slice(1)))).isNull()).alias(a),
    ),
  ];
  let quarantine: DataFrame | undefined;
  if (quarantineConds.length) {
    const reason = quarantineConds.reduce<Column | undefined>(
      (acc, c) => (acc ? acc.when(c.cond, c.reason) : F.when(c.cond, c.reason)),
      undefined,
    )!;
    df = df.withColumn("_k_reason", reason);
    metrics.push(countWhere(F.col("_k_reason").isNotNull()).alias("quarantined"));
    const visible = (await input.columns()).filter((c) => !isHidden(c));
    const observed = df.observe(stepMetric(step.name), ...metrics);
    quarantine = stepToQuarantine(
      observed.filter(F.col("_k_reason").isNotNull()),
      source,
      step.name,
      F.col("_k_reason"),
      F.toJson(F.struct(...visible.map((c) => F.col(q(c))))),
    );
    const matchCols = Object.keys(unmatchedAliases).map((a) => MATCH(Number(a.slice(1))));
    return {
      output: observed.filter(F.col("_k_reason").isNull()).drop("_k_reason", ...matchCols),
      quarantine,
      unmatchedAliases,
    };
  }
  const observed = df.observe(stepMetric(step.name), ...metrics);
  const matchCols = joins.map((_, i) => MATCH(i));
  return { output: observed.drop(...matchCols), quarantine, unmatchedAliases };
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

/** Keeps rows where the condition is true; counts both sides in the same pass. */
export function compileFilter(input: DataFrame, step: FilterStepSpec): DataFrame {
  const cond = `coalesce(${step.where}, false)`;
  return input
    .observe(
      stepMetric(step.name),
      F.count(F.lit(1)).alias("rows_in"),
      countWhere(F.expr(cond)).alias("rows_out"),
    )
    .filter(cond);
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
