/**
 * Publishing a run's rows into a Delta sink: one Delta commit per sink per run. The runner stages
 * the sink's rows as Parquet (observed and counted like every output); only when the whole run has
 * passed its checks does this module turn them into a commit. Delta's log makes the commit atomic:
 * a run that fails or is killed before the commit file lands leaves the table at its previous
 * version, so Delta sinks need no staging-folder swap.
 */
import { SparkConnectError, type SparkSession } from "@kindling/spark-connect";
import { q } from "../compile/hidden.js";
import { resolvePath } from "../compile/read.js";
import { KindlingError } from "../errors.js";
import type { PipelineSpec, SinkSpec } from "../spec/index.js";
import type { IncrementalPlan } from "./incremental.js";
import {
  type DeltaCommit,
  type DeltaRowChanges,
  deltaHistory,
  deltaTableName,
  deltaVersion,
  type KindlingCommitInfo,
  kindlingCommitInfo,
  rowChanges,
} from "./table.js";

/** What one run's commit did to a Delta sink (part of the run report). */
export interface DeltaSinkCommit {
  /** The table version this run wrote. */
  version: number;
  /** The version the run started from (undefined: the run created the table). */
  readVersion: number | undefined;
  /** Delta's operation (WRITE, MERGE, …). */
  operation: string;
  rows: DeltaRowChanges;
  operationMetrics: Record<string, string>;
}

/** Delta's session conf for the commit's user metadata (Delta docs, "Set user-defined commit metadata"). */
const USER_METADATA_CONF = "spark.databricks.delta.commitInfo.userMetadata";
/** Delta's session conf that lets MERGE add the source's new columns (Delta docs, "Automatic schema evolution"). */
const MERGE_AUTO_SCHEMA_CONF = "spark.databricks.delta.schema.autoMerge.enabled";

interface DeltaSinkTarget {
  name: string;
  spec: SinkSpec;
  /** The table's path (absolute, file: or s3a:). */
  path: string;
}

/**
 * Commits the rows staged at `staging` (Parquet) into the sink's Delta table, in the sink's mode:
 * overwrite and replace_where (Delta's `replaceWhere`) as a DataFrame write, append as a blind
 * append, merge as `MERGE INTO … USING parquet.\`staging\`` on the keys (null-safe equality).
 * `readVersion` is the table version when the run started: if the table moved since, another run
 * wrote it and this one refuses (code `conflict`) rather than mixing the two. Throws KindlingError
 * (code `data`) when the columns differ from the table's and the sink has no `schema_evolution:
 * add_columns`, or when merge keys repeat in the run's rows. Returns the commit it wrote.
 */
export async function commitDeltaSink(
  spark: SparkSession,
  sink: DeltaSinkTarget,
  staging: string,
  info: KindlingCommitInfo,
  readVersion: number | undefined,
  goneGroups?: string,
): Promise<DeltaSinkCommit> {
  const runId = info.kindlingRun;
  const current = await deltaVersion(spark, sink.path);
  if (current !== readVersion) throw conflictError(sink, readVersion, current);
  const exists = current !== undefined;
  if (exists) await refuseSchemaChange(spark, sink, staging);
  await spark.conf.set(USER_METADATA_CONF, JSON.stringify(info));
  const evolve = sink.spec.schema_evolution === "add_columns";
  if (evolve) await spark.conf.set(MERGE_AUTO_SCHEMA_CONF, "true");
  try {
    const keep = exists && !info.fullRefresh;
    if (sink.spec.mode === "merge" && keep) await mergeInto(spark, sink, staging, goneGroups);
    else await writeDelta(spark, sink, staging, keep, evolve);
  } catch (e) {
    throw commitError(sink, e);
  } finally {
    await spark.conf.unset(USER_METADATA_CONF);
    if (evolve) await spark.conf.unset(MERGE_AUTO_SCHEMA_CONF);
  }
  const mine = (await deltaHistory(spark, sink.path, 20)).find(
    (c) => kindlingCommitInfo(c)?.kindlingRun === runId,
  );
  if (!mine)
    throw new KindlingError(
      `sink ${sink.name}: the Delta commit of run ${runId} is not in the last 20 commits of ${sink.path}; check the table's history (kindling history).`,
      "output",
    );
  return describeCommit(mine, readVersion);
}

function describeCommit(c: DeltaCommit, readVersion: number | undefined): DeltaSinkCommit {
  return {
    version: c.version,
    readVersion,
    operation: c.operation,
    rows: rowChanges(c),
    operationMetrics: c.operationMetrics,
  };
}

/**
 * A DataFrame write of the staged rows. `keep` is false when the table is new or being rebuilt
 * (--full-refresh): then every mode overwrites, so the table holds exactly this run's rows.
 */
async function writeDelta(
  spark: SparkSession,
  sink: DeltaSinkTarget,
  staging: string,
  keep: boolean,
  evolve: boolean,
): Promise<void> {
  const mode = sink.spec.mode === "append" && keep ? "append" : "overwrite";
  let w = spark.read.parquet(staging).write.format("delta").mode(mode);
  if (sink.spec.partition_by?.length) w = w.partitionBy(...sink.spec.partition_by);
  if (sink.spec.mode === "replace_where" && keep) w = w.option("replaceWhere", sink.spec.replace_where!);
  if (evolve) w = w.option("mergeSchema", "true");
  await w.save(sink.path);
}

async function mergeInto(
  spark: SparkSession,
  sink: DeltaSinkTarget,
  staging: string,
  goneGroups: string | undefined,
): Promise<void> {
  if (goneGroups) return mergeGroups(spark, sink, staging, goneGroups);
  const merge = sink.spec.merge!;
  const on = merge.keys.map((k) => `t.${q(k)} <=> s.${q(k)}`).join(" AND ");
  const matched = merge.when_matched === "update" ? "WHEN MATCHED THEN UPDATE SET * " : "";
  const sql =
    `MERGE INTO ${deltaTableName(sink.path)} AS t USING ${parquetName(staging)} AS s ` +
    `ON ${on} ${matched}WHEN NOT MATCHED THEN INSERT *`;
  await (await spark.sql(sql)).collect();
}

const parquetName = (path: string) => `parquet.\`${path.replace(/`/g, "``")}\``;
const GONE = "__kindling_gone";

/**
 * MERGE of recomputed aggregate groups (delta/regroup.ts): the staged rows update or insert their
 * groups, and the group keys in `goneGroups` (affected groups left with no row) delete theirs, all
 * in one commit. The source marks the keys to delete with a column the table does not have, so
 * every clause names its columns (no `SET *`, which would also evolve the schema with it).
 */
async function mergeGroups(
  spark: SparkSession,
  sink: DeltaSinkTarget,
  staging: string,
  goneGroups: string,
): Promise<void> {
  const keys = sink.spec.merge!.keys;
  const columns = await spark.read.parquet(staging).dtypes();
  const kept = columns.map(([c]) => q(c)).join(", ");
  const blanks = columns
    .map(([c, t]) => (keys.includes(c) ? q(c) : `CAST(NULL AS ${t}) AS ${q(c)}`))
    .join(", ");
  const source =
    `(SELECT ${kept}, false AS ${GONE} FROM ${parquetName(staging)} ` +
    `UNION ALL SELECT ${blanks}, true AS ${GONE} FROM ${parquetName(goneGroups)})`;
  const on = keys.map((k) => `t.${q(k)} <=> s.${q(k)}`).join(" AND ");
  const set = columns.map(([c]) => `t.${q(c)} = s.${q(c)}`).join(", ");
  const values = columns.map(([c]) => `s.${q(c)}`).join(", ");
  const sql =
    `MERGE INTO ${deltaTableName(sink.path)} AS t USING ${source} AS s ON ${on} ` +
    `WHEN MATCHED AND s.${GONE} THEN DELETE WHEN MATCHED THEN UPDATE SET ${set} ` +
    `WHEN NOT MATCHED AND NOT s.${GONE} THEN INSERT (${kept}) VALUES (${values})`;
  await (await spark.sql(sql)).collect();
}

/** Refuses added, missing or retyped columns unless the sink opts into adding columns. */
async function refuseSchemaChange(
  spark: SparkSession,
  sink: DeltaSinkTarget,
  staging: string,
): Promise<void> {
  const table = new Map(await spark.read.format("delta").load(sink.path).dtypes());
  const run = new Map(await spark.read.parquet(staging).dtypes());
  const added = [...run.keys()].filter((c) => !table.has(c));
  const missing = [...table.keys()].filter((c) => !run.has(c));
  const retyped = [...run]
    .filter(([c, t]) => table.has(c) && table.get(c) !== t)
    .map(([c, t]) => `${c} ${table.get(c)} → ${t}`);
  const evolve = sink.spec.schema_evolution === "add_columns";
  if (!missing.length && !retyped.length && (evolve || !added.length)) return;
  const what = [
    added.length ? `added ${added.join(", ")}` : "",
    missing.length ? `missing ${missing.join(", ")}` : "",
    retyped.length ? `type changed ${retyped.join(", ")}` : "",
  ].filter(Boolean);
  const fix =
    missing.length || retyped.length
      ? "Keep the table's columns and types in the sink's input (cast or add them in a step), or write to a new table."
      : "Set schema_evolution: add_columns on the sink to add the new columns to the table.";
  throw new KindlingError(
    `sink ${sink.name}: the run's columns differ from the Delta table at ${sink.path} (${what.join("; ")}); nothing was committed. ${fix}`,
    "data",
  );
}

function conflictError(sink: DeltaSinkTarget, readVersion: number | undefined, current: number | undefined) {
  const was = readVersion === undefined ? "did not exist" : `was at version ${readVersion}`;
  const now = current === undefined ? "is gone" : `is at version ${current}`;
  return new KindlingError(
    `sink ${sink.name}: the Delta table at ${sink.path} ${was} when this run started and ${now} now: another run committed to it meanwhile. Nothing was committed by this run; run it again (see kindling history for who wrote).`,
    "conflict",
  );
}

/** Turns Delta's errors at commit time into messages that name the sink and say what to do. */
function commitError(sink: DeltaSinkTarget, e: unknown): unknown {
  if (!(e instanceof SparkConnectError)) return e;
  const cls = e.errorClass ?? "";
  if (/^DELTA_CONCURRENT|DELTA_METADATA_CHANGED|DELTA_PROTOCOL_CHANGED/.test(cls))
    return new KindlingError(
      `sink ${sink.name}: another run committed to the Delta table at ${sink.path} while this run was committing (${cls}). Nothing was committed by this run; run it again.`,
      "conflict",
      { cause: e },
    );
  if (cls === "DELTA_MULTIPLE_SOURCE_ROW_MATCHING_TARGET_ROW_IN_MERGE")
    return new KindlingError(
      `sink ${sink.name}: several of this run's rows have the same merge keys (${sink.spec.merge?.keys.join(", ")}), so MERGE cannot tell which one wins; nothing was committed. De-duplicate on those keys in a clean step (dedupe: {keys: [...]}).`,
      "data",
      { cause: e },
    );
  if (/REPLACE_WHERE/.test(cls))
    return new KindlingError(
      `sink ${sink.name}: some of this run's rows do not satisfy replace_where (${sink.spec.replace_where}); nothing was committed. Filter the rows in a step, or widen the predicate.`,
      "data",
      { cause: e },
    );
  return new KindlingError(
    `sink ${sink.name}: the Delta commit to ${sink.path} failed: ${e.message}`,
    "spark",
    {
      cause: e,
    },
  );
}

/**
 * The Delta sinks of one run and the table versions they started from. Made before any data is
 * read, so a commit can tell whether another run wrote the table meanwhile.
 */
export class DeltaSinks {
  private constructor(
    private readonly sinks: Map<string, DeltaSinkTarget>,
    private readonly readVersions: Map<string, number | undefined>,
  ) {}

  /** Records the current version of every `format: delta` sink (undefined: no table yet). */
  static async begin(spark: SparkSession, spec: PipelineSpec, baseDir?: string): Promise<DeltaSinks> {
    const delta = Object.entries(spec.sinks)
      .filter(([, s]) => s.format === "delta")
      .map(([name, s]) => ({ name, spec: s, path: resolvePath(s.path, baseDir) }));
    const versions = new Map<string, number | undefined>();
    for (const s of delta) versions.set(s.name, await deltaVersion(spark, s.path));
    return new DeltaSinks(new Map(delta.map((s) => [s.name, s])), versions);
  }

  /** True when the sink is a Delta sink (committed by {@link commit}, not published by renames). */
  has(sinkName: string): boolean {
    return this.sinks.has(sinkName);
  }

  /** The sink's table version when the run started (undefined: no table yet). */
  readVersion(sinkName: string): number | undefined {
    return this.readVersions.get(sinkName);
  }

  /**
   * Commits a sink's staged rows with the run's record (see {@link commitDeltaSink}); `goneGroups`:
   * the staged keys of aggregate groups to delete (delta/regroup.ts).
   */
  commit(
    spark: SparkSession,
    sinkName: string,
    staging: string,
    info: KindlingCommitInfo,
    goneGroups?: string,
  ): Promise<DeltaSinkCommit> {
    return commitDeltaSink(
      spark,
      this.sinks.get(sinkName)!,
      staging,
      info,
      this.readVersions.get(sinkName),
      goneGroups,
    );
  }
}

/** The record a run puts in each Delta commit: its id and, when incremental, the files it read. */
export function commitInfo(runId: string, plan: IncrementalPlan | undefined): KindlingCommitInfo {
  return {
    kindlingRun: runId,
    ...(plan?.fullRefresh ? { fullRefresh: true } : {}),
    ...(plan ? { files: Object.fromEntries(plan.sources.map((s) => [s.source, s.files])) } : {}),
  };
}
