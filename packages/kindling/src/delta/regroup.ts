/**
 * Aggregates in incremental runs (issue #21.2): an incremental run reads only the new rows, but an
 * aggregate sums over all rows. So the aggregate is recomputed for the groups the new rows touch,
 * from every row those groups hold once this run's rows are merged into the row table (the Delta
 * sink that stores the aggregate's input), and only those groups are merged into the aggregate's
 * table. Groups every row of which moved elsewhere are deleted from it.
 *
 * The row table is read as of the version the run started from, and the run's own rows come from
 * that table's staged Parquet (written earlier in the same run), so the recomputed groups match the
 * table as it will be after this run's commit without committing anything before the run's checks
 * pass. The spec checks (spec/delta.ts, checkIncrementalAggregates) guarantee the shape assumed
 * here: the aggregate reads a step a Delta merge or append sink writes, has no windows, and its
 * only reader is a Delta sink merged on exactly its group_by columns.
 */
import { type Column, type DataFrame, functions as F, type SparkSession } from "@kindling/spark-connect";
import { q } from "../compile/hidden.js";
import { sinkMetric } from "../compile/metrics.js";
import type { CompiledPipeline, CompiledSink } from "../compile/pipeline.js";
import { compileAggregate } from "../compile/transform.js";
import type { AggregateStepSpec, SinkSpec } from "../spec/index.js";

/** Folder inside an aggregate sink's staging that holds the group keys to delete (hidden from Spark readers). */
export const GONE_GROUPS_DIR = "_kindling_gone_groups";

/** An aggregate sink whose groups are recomputed from a row table (see the module comment). */
export interface RegroupedSink {
  /** The aggregate's sink. */
  sink: string;
  step: AggregateStepSpec;
  /** The sink that stores the aggregate's input rows, and its table's path. */
  rowSink: string;
  rowSinkSpec: SinkSpec;
  rowTable: string;
}

/** Aggregate sinks the run must recompute per affected group, written after their row tables. */
export function regroupedSinks(compiled: CompiledPipeline): RegroupedSink[] {
  const out: RegroupedSink[] = [];
  for (const sink of compiled.sinks) {
    const step = compiled.graph.step(sink.node);
    if (step?.kind !== "aggregate" || sink.spec.format !== "delta" || sink.spec.mode !== "merge") continue;
    const rows = compiled.sinks.find(
      (s) => s.node === step.input && s.spec.format === "delta" && s.spec.mode !== "replace_where",
    );
    if (!rows) continue;
    out.push({ sink: sink.name, step, rowSink: rows.name, rowSinkSpec: rows.spec, rowTable: rows.path });
  }
  return out;
}

/** Null-safe equality of `cols` in `left` with the renamed copies `rightNames`. */
function sameKeys(cols: string[], rightNames: string[]): Column {
  return cols.map((c, i) => F.col(q(c)).eqNullSafe(F.col(rightNames[i]!))).reduce((a, b) => a.and(b));
}

/** The rows the row table holds after this run's commit: the table's rows merged with the run's. */
function mergedRows(table: DataFrame, run: DataFrame, spec: SinkSpec): DataFrame {
  if (spec.mode === "append") return table.unionByName(run);
  const keys = spec.merge!.keys;
  const names = keys.map((_, i) => `__kindling_key${i}`);
  const runKeys = run.select(...keys.map((k, i) => F.col(q(k)).alias(names[i]!)));
  if (spec.merge!.when_matched === "ignore") {
    const tableKeys = table.select(...keys.map((k, i) => F.col(q(k)).alias(names[i]!)));
    return table.unionByName(run.join(tableKeys, sameKeys(keys, names), "left_anti"));
  }
  return table.join(runKeys, sameKeys(keys, names), "left_anti").unionByName(run);
}

/**
 * The groups this run's rows touch: the groups of the rows it adds or changes, and (merge with
 * update) the groups the replaced table rows belonged to, which may lose rows to another group.
 */
function affectedGroups(table: DataFrame, run: DataFrame, spec: SinkSpec, groups: string[]): DataFrame {
  const pick = (df: DataFrame) => df.select(...groups.map((g) => F.col(q(g)))).distinct();
  if (spec.mode === "append") return pick(run);
  const keys = spec.merge!.keys;
  const names = keys.map((_, i) => `__kindling_key${i}`);
  const runKeys = run.select(...keys.map((k, i) => F.col(q(k)).alias(names[i]!)));
  const tableKeys = table.select(...keys.map((k, i) => F.col(q(k)).alias(names[i]!)));
  if (spec.merge!.when_matched === "ignore")
    return pick(run.join(tableKeys, sameKeys(keys, names), "left_anti"));
  return pick(run)
    .union(pick(table.join(runKeys, sameKeys(keys, names), "left_semi")))
    .distinct();
}

/**
 * The DataFrames that replace an aggregate sink's plan in an incremental run: `rows`, the recomputed
 * rows of the affected groups (observed like any sink), and `gone`, the keys of affected groups left
 * with no row (to delete from the aggregate's table). `tableVersion` is the row table's version when
 * the run started; `stagedRows` the row sink's staged Parquet; `everyGroup`: aggregate every row
 * (the aggregate's table does not exist yet; `gone` is then undefined). Plans only; nothing runs here.
 */
export async function regroupPlan(
  spark: SparkSession,
  r: RegroupedSink,
  sink: CompiledSink,
  tableVersion: number,
  stagedRows: string,
  everyGroup = false,
): Promise<{ rows: DataFrame; gone: DataFrame | undefined }> {
  const run = spark.read.parquet(stagedRows);
  const columns = (await run.columns()).map((c) => F.col(q(c)));
  const table = spark.read
    .format("delta")
    .option("versionAsOf", tableVersion)
    .load(r.rowTable)
    .select(...columns);
  const groups = r.step.group_by!;
  const names = groups.map((_, i) => `__kindling_group${i}`);
  const rename = (df: DataFrame) => df.select(...groups.map((g, i) => F.col(q(g)).alias(names[i]!)));
  const affected = affectedGroups(table, run, r.rowSinkSpec, groups);
  const merged = mergedRows(table, run, r.rowSinkSpec);
  const inAffected = everyGroup
    ? merged
    : merged.join(rename(affected), sameKeys(groups, names), "left_semi");
  const aggregated = compileAggregate(inAffected, r.step);
  const visible = await sink.df.columns();
  const rows = aggregated
    .select(...visible.map((c) => F.col(q(c))))
    .observe(sinkMetric(sink.name), F.count(F.lit(1)).alias("rows"));
  if (everyGroup) return { rows, gone: undefined };
  const gone = affected.join(rename(merged), sameKeys(groups, names), "left_anti");
  return { rows, gone };
}

type Regrouped = RegroupedSink & { tableVersion: number; everyGroup: boolean };

/**
 * The regrouped sinks of one run and what it staged for them. Empty (every method a no-op) unless
 * the run is incremental, not a full refresh, and the row table already exists (else the run's rows
 * are every row). When the aggregate's own table does not exist yet (an aggregate added to a
 * running pipeline), its first write aggregates every row of the row table merged with the run's.
 */
export class Regrouping {
  private readonly gone = new Map<string, string>();

  private constructor(private readonly sinks: Map<string, Regrouped>) {}

  /** Finds the run's regrouped sinks; `readVersion` gives a Delta sink's version at the run's start. */
  static plan(
    compiled: CompiledPipeline,
    readVersion: (sink: string) => number | undefined,
    incremental: { fullRefresh: boolean } | undefined,
  ): Regrouping {
    const found = new Map<string, Regrouped>();
    if (incremental && !incremental.fullRefresh)
      for (const r of regroupedSinks(compiled)) {
        const tableVersion = readVersion(r.rowSink);
        const everyGroup = readVersion(r.sink) === undefined;
        if (tableVersion !== undefined) found.set(r.sink, { ...r, tableVersion, everyGroup });
      }
    return new Regrouping(found);
  }

  /** `sinks` with the regrouped ones last: they read their row sink's staged rows. */
  writeOrder<T extends { name: string }>(sinks: T[]): T[] {
    return [...sinks.filter((s) => !this.sinks.has(s.name)), ...sinks.filter((s) => this.sinks.has(s.name))];
  }

  /**
   * For a regrouped sink: replaces its plan by the recomputed groups (on the compiled sink itself, so
   * a recount counts the rows written) and returns the plan of the groups to delete. Undefined for
   * other sinks. `stagingOf` gives a sink's staging path.
   */
  async replacePlan(
    spark: SparkSession,
    sink: CompiledSink,
    stagingOf: (sink: string) => string,
  ): Promise<DataFrame | undefined> {
    const r = this.sinks.get(sink.name);
    if (!r) return undefined;
    const plan = await regroupPlan(spark, r, sink, r.tableVersion, stagingOf(r.rowSink), r.everyGroup);
    sink.df = plan.rows;
    return plan.gone;
  }

  /** Records where a regrouped sink's groups to delete were staged. */
  staged(sink: string, path: string): void {
    this.gone.set(sink, path);
  }

  /** Where the sink's groups to delete were staged (undefined: not a regrouped sink). */
  goneGroups(sink: string): string | undefined {
    return this.gone.get(sink);
  }
}
