/**
 * Incremental file sources (`incremental: true`): a run reads only the files that no earlier
 * successful run processed.
 *
 * The record of processed files is a manifest inside each Delta sink's own commit (its user
 * metadata: the files this run read, per source). It lands atomically with the rows: a run that
 * fails or is killed before its commit leaves no record, so its files are read again next time;
 * a committed run's files are never read again. Why not Structured Streaming's file source with
 * `trigger(availableNow)` and a checkpoint: over Spark Connect a stream can only write straight
 * into a sink (foreachBatch needs code on the server), which would bypass Kindling's staged
 * checks, quarantine, row accounting and MERGE; and its checkpoint is a second store that commits
 * apart from the table.
 */
import type { SparkSession } from "@kindling/spark-connect";
import { resolvePath } from "../compile/read.js";
import { KindlingError } from "../errors.js";
import type { PipelineSpec } from "../spec/index.js";
import { type DeltaCommit, deltaHistory, kindlingCommitInfo } from "./table.js";

/** The files of one incremental source: those this run reads, and how many earlier runs read. */
export interface IncrementalSource {
  source: string;
  /** Files read by this run (Spark's file URLs), sorted. */
  files: string[];
  /** Files present but already processed by an earlier committed run. */
  skipped: number;
}

/** What an incremental run reads (part of the run report). */
export interface IncrementalPlan {
  /** True when the run ignored the record of processed files and rebuilds every Delta sink. */
  fullRefresh: boolean;
  sources: IncrementalSource[];
}

/** True when the spec has an incremental source. */
export function isIncremental(spec: PipelineSpec): boolean {
  return Object.values(spec.sources).some((s) => s.incremental);
}

/**
 * Lists every incremental source's files and leaves out those recorded as processed in the commits
 * of every Delta sink (a file counts as processed only when all Delta sinks committed it). With
 * `fullRefresh`, nothing counts as processed. Returns the plan and a copy of the spec whose
 * incremental sources name only the files to read now (undefined: incremental sources exist and
 * none has a new file). Throws
 * KindlingError (code `data`) when some incremental sources have new files and others none (a run
 * cannot read an empty file list).
 */
export async function planIncremental(
  spark: SparkSession,
  spec: PipelineSpec,
  baseDir: string | undefined,
  fullRefresh: boolean,
): Promise<{ plan: IncrementalPlan; spec: PipelineSpec | undefined }> {
  const sinks = Object.values(spec.sinks).filter((s) => s.format === "delta");
  const processed = fullRefresh
    ? new Map<string, Set<string>>()
    : await processedFiles(
        spark,
        sinks.map((s) => resolvePath(s.path, baseDir)),
      );
  const plan: IncrementalPlan = { fullRefresh, sources: [] };
  const sources = { ...spec.sources };
  for (const [name, source] of Object.entries(spec.sources)) {
    if (!source.incremental) continue;
    const paths = (Array.isArray(source.path) ? source.path : [source.path]).map((p) =>
      resolvePath(p, baseDir),
    );
    // The text reader lists files exactly as every file source does (globs, hidden files) without
    // reading them.
    const all = (await spark.read.format("text").load(paths).inputFiles()).sort();
    const done = processed.get(name) ?? new Set<string>();
    const files = all.filter((f) => !done.has(f));
    plan.sources.push({ source: name, files, skipped: all.length - files.length });
    if (files.length) sources[name] = { ...source, path: files };
  }
  const empty = plan.sources.filter((s) => !s.files.length);
  if (plan.sources.length && empty.length === plan.sources.length) return { plan, spec: undefined };
  if (empty.length)
    throw new KindlingError(
      `incremental sources ${empty.map((s) => s.source).join(", ")} have no new files while ${plan.sources
        .filter((s) => s.files.length)
        .map((s) => s.source)
        .join(
          ", ",
        )} do; Kindling reads new files only when every incremental source has some. Land files for all of them, or run with --full-refresh.`,
      "data",
    );
  return { plan, spec: { ...spec, sources } };
}

/**
 * Files processed per source: for each Delta sink, the union of the manifests of its Kindling
 * commits back to (and including) its latest full refresh; then the intersection over sinks.
 */
async function processedFiles(spark: SparkSession, tables: string[]): Promise<Map<string, Set<string>>> {
  let result: Map<string, Set<string>> | undefined;
  for (const table of tables) {
    const history = await deltaHistory(spark, table).catch(() => [] as DeltaCommit[]);
    const mine = new Map<string, Set<string>>();
    for (const commit of history) {
      const info = kindlingCommitInfo(commit);
      if (!info) continue;
      for (const [source, files] of Object.entries(info.files ?? {})) {
        if (!mine.has(source)) mine.set(source, new Set());
        for (const f of files) mine.get(source)!.add(f);
      }
      if (info.fullRefresh) break;
    }
    result = result
      ? new Map([...result].map(([s, files]) => [s, new Set([...files].filter((f) => mine.get(s)?.has(f)))]))
      : mine;
  }
  return result ?? new Map();
}

/** Ends a run that found no new file in its incremental sources: it succeeds and commits nothing. */
export function nothingNew<R extends { status: string; wallMs: number }>(result: R, started: number): R {
  result.status = "succeeded";
  result.wallMs = Date.now() - started;
  return result;
}
