/**
 * Reading a Delta table's log through Spark SQL: its current version and its history (DESCRIBE
 * HISTORY, Delta's "Retrieve Delta table history"). Paths are addressed as delta.`<path>`.
 */
import { functions as F, type SparkSession } from "@kindling/spark-connect";

/** One commit of a Delta table, as DESCRIBE HISTORY lists it. */
export interface DeltaCommit {
  version: number;
  /** When the commit was written (ISO 8601, UTC). */
  timestamp: string;
  /** Delta's operation name: WRITE, MERGE, CREATE TABLE, DELETE, … */
  operation: string;
  /** The version the writer read before committing (absent for the first commit). */
  readVersion: number | undefined;
  /** Delta's operation metrics (numOutputRows, numTargetRowsInserted, …), as Delta reports them. */
  operationMetrics: Record<string, string>;
  /** The commit's user metadata (Kindling's commits carry a {@link KindlingCommitInfo} as JSON). */
  userMetadata: string | undefined;
}

/** What Kindling records in each commit's user metadata (JSON). */
export interface KindlingCommitInfo {
  /** The run that wrote the commit. */
  kindlingRun: string;
  /** The files each incremental source read in that run (the manifest; see incremental.ts). */
  files?: Record<string, string[]>;
  /** Set when the run ignored earlier manifests and rebuilt the table (--full-refresh). */
  fullRefresh?: boolean;
}

/** The Kindling record of a commit, or undefined for commits Kindling did not write. */
export function kindlingCommitInfo(commit: DeltaCommit): KindlingCommitInfo | undefined {
  if (!commit.userMetadata?.startsWith("{")) return undefined;
  try {
    const info = JSON.parse(commit.userMetadata) as KindlingCommitInfo;
    return typeof info.kindlingRun === "string" ? info : undefined;
  } catch {
    return undefined;
  }
}

/** `delta.\`<path>\``: a path as a Delta table name in Spark SQL. */
export function deltaTableName(path: string): string {
  return `delta.\`${path.replace(/`/g, "``")}\``;
}

/** True when `path` holds a Delta table (Delta's own check: a readable `_delta_log`). */
export async function isDeltaTable(spark: SparkSession, path: string): Promise<boolean> {
  return (await deltaVersion(spark, path)) !== undefined;
}

/**
 * The table's current version, or undefined when `path` holds no Delta table yet. Throws the
 * server's error for anything else (unreadable log, no permission).
 */
export async function deltaVersion(spark: SparkSession, path: string): Promise<number | undefined> {
  const [latest] = await deltaHistory(spark, path, 1).catch((e: unknown) => {
    if (isNotDeltaTable(e)) return [];
    throw e;
  });
  return latest?.version;
}

/** True for the server's "not a Delta table" / "path does not exist" answers. */
export function isNotDeltaTable(e: unknown): boolean {
  const cls = (e as { errorClass?: string }).errorClass ?? "";
  const msg = e instanceof Error ? e.message : String(e);
  return (
    /DELTA_MISSING_DELTA_TABLE|DELTA_TABLE_NOT_FOUND|DELTA_PATH_DOES_NOT_EXIST|PATH_NOT_FOUND|TABLE_OR_VIEW_NOT_FOUND/.test(
      cls,
    ) || /is not a Delta table|doesn't exist|does not exist/i.test(msg)
  );
}

/**
 * The table's commits, newest first (`limit` of them when given), from DESCRIBE HISTORY. Throws the
 * server's error (a SparkConnectError) when `path` is not a Delta table.
 */
export async function deltaHistory(
  spark: SparkSession,
  path: string,
  limit?: number,
): Promise<DeltaCommit[]> {
  const history = await spark.sql(
    `DESCRIBE HISTORY ${deltaTableName(path)}${limit ? ` LIMIT ${limit}` : ""}`,
  );
  const rows = await history
    .select(
      F.col("version"),
      F.expr("date_format(timestamp, \"yyyy-MM-dd'T'HH:mm:ss.SSS'Z'\")").alias("timestamp"),
      F.col("operation"),
      F.col("readVersion"),
      F.expr("to_json(operationMetrics)").alias("metrics"),
      F.col("userMetadata"),
    )
    .orderBy(F.col("version").desc())
    .collect();
  return rows.map((r) => ({
    version: Number(r.version),
    timestamp: String(r.timestamp),
    operation: String(r.operation),
    readVersion: r.readVersion === null || r.readVersion === undefined ? undefined : Number(r.readVersion),
    operationMetrics: r.metrics ? (JSON.parse(String(r.metrics)) as Record<string, string>) : {},
    userMetadata:
      r.userMetadata === null || r.userMetadata === undefined ? undefined : String(r.userMetadata),
  }));
}

/** Rows inserted, updated and deleted by one commit, read from its operation metrics. */
export interface DeltaRowChanges {
  inserted: number;
  updated: number;
  /** Undefined when the operation does not report it (a plain WRITE that replaced files). */
  deleted: number | undefined;
}

/**
 * Row changes of a commit from Delta's operation metrics: MERGE reports numTargetRowsInserted /
 * Updated / Deleted; a WRITE reports numOutputRows, which for a replaceWhere write includes the
 * rows it copied from rewritten files (numCopiedRows) beside numDeletedRows; a plain replacing
 * WRITE reports only the files it removed (numRemovedFiles), so `deleted` is then undefined.
 */
export function rowChanges(commit: DeltaCommit): DeltaRowChanges {
  const m = commit.operationMetrics;
  const n = (k: string) => (m[k] === undefined ? undefined : Number(m[k]));
  const written = n("numOutputRows");
  return {
    inserted: n("numTargetRowsInserted") ?? (written === undefined ? 0 : written - (n("numCopiedRows") ?? 0)),
    updated: n("numTargetRowsUpdated") ?? n("numUpdatedRows") ?? 0,
    deleted: n("numTargetRowsDeleted") ?? n("numDeletedRows") ?? (n("numRemovedFiles") ? undefined : 0),
  };
}
