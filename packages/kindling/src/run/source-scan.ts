/**
 * Each raw file is read once per run. Before any output is written, every file source's parsed
 * rows (`CompiledSource.all`: typed columns, positions, the corrupt-record column) are kept in
 * Spark's cache and filled by one scan of their own, named `<source>: scan` (job-names.ts); every
 * later step, output, quarantine, count and recount reads that cache instead of the files (Spark
 * matches the cached plan inside theirs). The scan also judges invalid UTF-8 (encoding.ts): rows
 * that may hold it are counted in the same pass, and only files holding such rows are checked
 * byte for byte afterwards.
 *
 * Why a cache and not a staged Parquet copy (not measured side by side yet, see bench/README.md,
 * "One scan per source"): no staging folder of its own to clean after a killed run, and Spark
 * recomputes a lost cached block from the files (an executor lost mid-run), so a fault costs a
 * re-read of that block, never a wrong row; observations sit above the cache, so nothing is
 * counted twice by it. Not checked: how long a long-lived remote server keeps the cache of a
 * client killed mid-run (Spark's cache is the server's, not the session's).
 */
import {
  type ActionOptions,
  type Column,
  type DataFrame,
  functions as F,
  SparkConnectError,
  type StorageLevelName,
} from "@kindling/spark-connect";
import { findInvalidUtf8 } from "../compile/encoding.js";
import { FILE } from "../compile/hidden.js";
import { countWhere } from "../compile/metrics.js";
import type { CompiledPipeline } from "../compile/pipeline.js";
import { type CompiledSource, invalidUtf8Verdict, type SourceHints } from "../compile/read.js";
import { displayValue } from "../display.js";
import { KindlingError } from "../errors.js";
import { jobNameTag, withJobName } from "../job-names.js";

/**
 * Where a source's parsed rows are kept. MEMORY_AND_DISK: Spark's columnar cache in memory,
 * spilled to local disk when memory runs short. One level for every size (no choice by size yet).
 */
export const SOURCE_STORAGE_LEVEL: StorageLevelName = "MEMORY_AND_DISK";

/** What the scans of a run found. */
export interface SourceScans {
  /** Per scanned source: rows read and the scan's wall time (ms). */
  scanned: { source: string; rows: number; ms: number }[];
  /** Sources with files holding invalid UTF-8 to read again as ISO-8859-1 (compile them with these hints). */
  hints: Map<string, SourceHints>;
}

/** Sources whose rows are kept and scanned once: file sources (a Delta table is read as a table). */
export function scannedSources(compiled: CompiledPipeline): CompiledSource[] {
  return [...compiled.sources.values()].filter((s) => s.spec.format !== "delta");
}

/**
 * Caches every file source of `compiled` and fills each cache with one tagged scan (Spark's noop
 * sink). The scans run at once, each a Spark job of its own: a source that is one file (a
 * multi-line CSV cannot be split) is one task, so one source alone leaves the other cores idle
 * (bench/README.md, "Small inputs"). Returns the files a scan found holding invalid UTF-8 under
 * `invalid_encoding: quarantine` as hints for compiling again (only those sources need a second
 * scan); those checks run one source after another, after every scan.
 * @throws KindlingError `data` for invalid UTF-8 under `invalid_encoding: fail` or `malformed: fail`
 *   (file, line and bytes named), or a source that cannot be read (the first such source in spec
 *   order, whichever scan failed first); SparkConnectError when the scan fails otherwise.
 */
export async function scanSources(
  compiled: CompiledPipeline,
  options: ActionOptions,
  only?: ReadonlySet<string>,
): Promise<SourceScans> {
  const sources = scannedSources(compiled).filter((s) => !only || only.has(s.name));
  const settled = await Promise.allSettled(sources.map((s) => scanOne(s, options)));
  const failed = settled.find((r) => r.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
  const scans: SourceScans = { scanned: [], hints: new Map() };
  for (const [i, r] of settled.entries()) {
    const { seen, ms } = (r as PromiseFulfilledResult<ScanResult>).value;
    const source = sources[i]!;
    scans.scanned.push({ source: source.name, rows: Number(seen.rows ?? 0), ms });
    const invalid = await checkUtf8(source, Number(seen.suspect ?? 0), options.tags ?? []);
    if (invalid) scans.hints.set(source.name, { invalidUtf8: invalid });
  }
  return scans;
}

/** One scan's observed counts (`rows`, `suspect`) and its wall time (ms). */
interface ScanResult {
  seen: Record<string, unknown>;
  ms: number;
}

/** Caches one source's rows and fills the cache with its tagged scan. */
async function scanOne(source: CompiledSource, options: ActionOptions): Promise<ScanResult> {
  const t0 = Date.now();
  await source.all.persist(SOURCE_STORAGE_LEVEL);
  const tags = [...(options.tags ?? []), jobNameTag(`${source.name}: scan`)];
  const counts = [
    F.count(F.lit(1)).alias("rows"),
    ...(source.utf8Suspect ? [countWhere(source.utf8Suspect).alias("suspect")] : []),
  ];
  const info = await source.all
    .observe(`scan__${source.name}`, ...counts)
    .write.format("noop")
    .mode("overwrite")
    .save(undefined, { ...options, tags })
    .catch((e: unknown) => {
      throw scanFailed(source, e);
    });
  return { seen: info.observedMetrics[`scan__${source.name}`] ?? {}, ms: Date.now() - t0 };
}

/**
 * The files of a scanned source holding invalid UTF-8, checked byte for byte among the files with
 * suspect rows or headers only; undefined when there are none. Throws under a failing policy.
 */
async function checkUtf8(
  source: CompiledSource,
  suspectRows: number,
  tags: string[],
): Promise<Set<string> | undefined> {
  if (!source.utf8Suspect) return undefined;
  const files = new Set(source.utf8SuspectFiles ?? []);
  const spark = source.all.session;
  if (suspectRows > 0) {
    const named = [...tags, jobNameTag(`${source.name}: encoding suspects`)];
    for (const f of await suspectFiles(source.all, source.utf8Suspect, named)) files.add(f);
  }
  if (!files.size) return undefined;
  const found = await withJobName(spark, `${source.name}: encoding check`, () =>
    findInvalidUtf8(spark, [...files].sort(), tags),
  );
  if (!found.length) return undefined;
  const verdict = invalidUtf8Verdict(source.name, source.spec, found);
  if (verdict instanceof Error) throw verdict;
  return verdict;
}

/** The files of the cached rows marked suspect (reads the cache, not the files). */
async function suspectFiles(all: DataFrame, suspect: Column, tags: string[]): Promise<string[]> {
  const rows = await all.filter(suspect).select(FILE).distinct().collect({ tags });
  return rows.map((r) => String(r[FILE]));
}

/** Drops the cached rows of every scanned source (after the run, or before compiling again). */
export async function releaseSources(compiled: CompiledPipeline): Promise<void> {
  for (const s of scannedSources(compiled)) await s.all.unpersist().catch(() => undefined);
}

/**
 * A failed scan, naming the source and its paths with Spark's message (a malformed record under
 * `malformed: fail`, a file that vanished); errors that are not Spark's, and the client's UNAVAILABLE
 * (the server went away), pass unchanged.
 */
function scanFailed(source: CompiledSource, e: unknown): unknown {
  // A lost server is no fault of the source: the client's own message says what happened.
  if (!(e instanceof SparkConnectError) || e.code === "UNAVAILABLE") return e;
  const paths = source.paths.map((p) => displayValue(p, 200)).join(", ");
  return new KindlingError(
    `source ${source.name} could not be read from ${paths}: ${e.message.replace(/[\s.]+$/, "")}. The Spark server log has the full trace.`,
    "data",
    { cause: e },
  );
}
