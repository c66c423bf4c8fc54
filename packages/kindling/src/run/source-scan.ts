/**
 * Each raw file is read once per run. Before any output is written, every file source's parsed
 * rows (`CompiledSource.all`: typed columns, positions, the corrupt-record column) are written by
 * one scan of their own, named `<source>: scan` (job-names.ts), as Parquet into the run's scratch
 * folder (`RunOutputs.scratchPath`: beside the first output's staging, removed with it, and as
 * stale staging after a crash); the pipeline is then compiled again over those copies
 * (phases/scan.ts), so every later step, output, quarantine, count and recount reads the typed
 * columnar copy, never the raw files. The scan also judges invalid UTF-8 (encoding.ts): rows that
 * may hold it are counted in the same pass, and only files holding such rows are checked byte for
 * byte afterwards.
 *
 * Why Parquet and not Spark's cache: at 1 GB of CSV the staged copy (fill and two full reads) took
 * 1.48× the floor's time against 2.55× for a `MEMORY_AND_DISK` cache and 2.34× for `DISK_ONLY`
 * (bench/README.md, "Staged Parquet instead of the cache"); the cache also held the heap a 6 GB driver needs
 * for the joins. A staged copy survives a lost executor (it is files, not blocks), and the
 * positions (`monotonically_increasing_id`) are fixed once. The cache stays for a source whose
 * columns Parquet cannot hold (see {@link parquetHolds}) and for a run without an output folder.
 */
import {
  type ActionOptions,
  type Column,
  type DataFrame,
  type DataType,
  functions as F,
  SparkConnectError,
  type StorageLevelName,
  type StructType,
} from "@kindling/spark-connect";
import type { ScanJudge } from "../compile/clean.js";
import { findInvalidUtf8 } from "../compile/encoding.js";
import { ACTION, FILE } from "../compile/hidden.js";
import { countWhere } from "../compile/metrics.js";
import type { CompiledPipeline } from "../compile/pipeline.js";
import { type CompiledSource, invalidUtf8Verdict, readStaged, type SourceHints } from "../compile/read.js";
import { displayValue } from "../display.js";
import { KindlingError } from "../errors.js";
import { jobNameTag, withJobName } from "../job-names.js";
import { outputWriteError } from "./fs-errors.js";

/**
 * Where a source's parsed rows are kept when they cannot be staged as Parquet: Spark's columnar
 * cache in memory, spilled to local disk when memory runs short.
 */
export const SOURCE_STORAGE_LEVEL: StorageLevelName = "MEMORY_AND_DISK";

/**
 * Parquet writer options of a staged copy, which is read once or twice and deleted with the
 * scratch (bench/README.md has the measurements, 1 GB example): uncompressed, 3% faster than
 * Snappy for about twice Snappy's bytes (873 MB for the orders' copy); no column statistics, size
 * statistics or page checksums (parquet-java 1.17's `parquet.column.statistics.enabled`,
 * `parquet.size.statistics.enabled`, `parquet.page.write-checksum.enabled`), which nothing reading
 * the copy uses (its filters are on the partition column) and which cost 0.3–4.7 s of the 11–14 s
 * it takes to write.
 */
export const STAGED_WRITE_OPTIONS: Readonly<Record<string, string>> = {
  compression: "none",
  "parquet.column.statistics.enabled": "false",
  "parquet.size.statistics.enabled": "false",
  "parquet.page.write-checksum.enabled": "false",
};

/** What the scans of a run found. */
export interface SourceScans {
  /**
   * Per scanned source: rows read, the scan's wall time (ms), where its rows are kept, and the
   * clean step whose verdicts the staged copy holds (see CompiledPipeline.scanJudges), if any.
   */
  scanned: ScannedSource[];
  /** Sources with files holding invalid UTF-8 to read again as ISO-8859-1 (compile them with these hints). */
  hints: Map<string, SourceHints>;
  /** Source name → the Parquet copy of its parsed rows in the run's scratch. */
  staged: Map<string, StagedCopy>;
}

/**
 * A source's Parquet copy in the run's scratch. A copy holding a clean step's verdicts
 * (`judged`) is partitioned by the row's action (`_k_action=quarantine/…`, the rows that passed
 * under Spark's default partition), so the quarantine's query reads its own rows' files only, not
 * every row of the source; it is read back with the judged rows' schema (`judged.schema`), which
 * gives the partition column its type whatever folders the scan wrote.
 */
export interface StagedCopy {
  path: string;
  judged?: { step: string; schema: StructType };
}

/** One source's scan, as the run's report records it (`scans[]`). */
export interface ScannedSource {
  source: string;
  rows: number;
  ms: number;
  kept: "parquet" | "cache";
  judgedBy?: string;
}

/**
 * Sources whose rows are kept and scanned once: file sources not read from their staged copy
 * already (a Delta table is read as a table).
 */
export function scannedSources(compiled: CompiledPipeline): CompiledSource[] {
  return [...compiled.sources.values()].filter((s) => s.spec.format !== "delta" && !s.stagedAt);
}

/**
 * True when Parquet can hold every value of `type` as Spark wrote it: not a calendar interval,
 * the null type, an empty struct, TIME, or a type this client does not model (all refused by
 * Spark's Parquet writer, or not known to be accepted).
 */
export function parquetHolds(type: DataType): boolean {
  switch (type.typeName) {
    case "null":
    case "time":
    case "other":
      return false;
    case "interval":
      return type.kind !== "calendar";
    case "array":
      return parquetHolds(type.elementType);
    case "map":
      return parquetHolds(type.keyType) && parquetHolds(type.valueType);
    case "struct":
      return type.fields.length > 0 && type.fields.every((f) => parquetHolds(f.dataType));
    default:
      return true;
  }
}

/**
 * Writes every file source of `compiled` as Parquet under `scratch` (`<scratch>/<source>`), one
 * tagged scan each; a source Parquet cannot hold, or every source when `scratch` is undefined, is
 * cached instead and its cache filled by the scan (Spark's noop sink). The scans run at once, each
 * a Spark job of its own: a source that is one file (a multi-line CSV cannot be split) is one
 * task, so one source alone leaves the other cores idle (bench/README.md, "Small inputs").
 * Returns where each source's rows are, and the files a scan found holding invalid UTF-8 under
 * `invalid_encoding: quarantine` as hints for compiling again (only those sources need a second
 * scan); those checks run one source after another, after every scan.
 * @throws KindlingError `data` for invalid UTF-8 under `invalid_encoding: fail` or `malformed: fail`
 *   (file, line and bytes named), or a source that cannot be read (the first such source in spec
 *   order, whichever scan failed first); `output` when the staged copy cannot be written (no space
 *   left, not writable: the path named); SparkConnectError when the scan fails otherwise.
 */
export async function scanSources(
  compiled: CompiledPipeline,
  options: ActionOptions,
  scratch: string | undefined,
  only?: ReadonlySet<string>,
): Promise<SourceScans> {
  const sources = scannedSources(compiled).filter((s) => !only || only.has(s.name));
  const settled = await Promise.allSettled(
    sources.map((s) => scanOne(s, options, scratch, compiled.scanJudges.get(s.name))),
  );
  const failed = settled.find((r) => r.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
  const scans: SourceScans = { scanned: [], hints: new Map(), staged: new Map() };
  for (const [i, r] of settled.entries()) {
    const { seen, ms, copy } = (r as PromiseFulfilledResult<ScanResult>).value;
    const source = sources[i]!;
    const kept = copy ? "parquet" : "cache";
    const judgedBy = copy?.judged ? { judgedBy: copy.judged.step } : {};
    scans.scanned.push({ source: source.name, rows: Number(seen.rows ?? 0), ms, kept, ...judgedBy });
    if (copy) scans.staged.set(source.name, copy);
    const rows = copy ? await stagedRows(source, copy, compiled.scanJudges.get(source.name)) : source.all;
    const invalid = await checkUtf8(source, rows, Number(seen.suspect ?? 0), options.tags ?? []);
    if (invalid) scans.hints.set(source.name, { invalidUtf8: invalid });
  }
  return scans;
}

/** One scan's observed counts (`rows`, `suspect`), its wall time (ms) and its Parquet copy, if staged. */
interface ScanResult {
  seen: Record<string, unknown>;
  ms: number;
  copy?: StagedCopy;
}

type StepScanJudge = ScanJudge & { step: string };

/**
 * Writes one source's rows as Parquet under `scratch` with its tagged scan, or caches them and
 * fills the cache (see {@link scanSources}).
 */
async function scanOne(
  source: CompiledSource,
  options: ActionOptions,
  scratch: string | undefined,
  scanJudge: StepScanJudge | undefined,
): Promise<ScanResult> {
  const t0 = Date.now();
  const stagedAt =
    scratch !== undefined && parquetHolds(await source.all.schema())
      ? `${scratch}/${source.name}`
      : undefined;
  const judgedSchema = stagedAt && scanJudge ? await scanJudge.judge(source.all).schema() : undefined;
  const judge = judgedSchema && parquetHolds(judgedSchema) ? scanJudge : undefined;
  if (!stagedAt) await source.all.persist(SOURCE_STORAGE_LEVEL);
  const tags = [...(options.tags ?? []), jobNameTag(`${source.name}: scan`)];
  const counts = [
    F.count(F.lit(1)).alias("rows"),
    ...(source.utf8Suspect ? [countWhere(source.utf8Suspect).alias("suspect")] : []),
  ];
  const observed = source.all.observe(`scan__${source.name}`, ...counts);
  const rows = judge ? judge.judge(observed) : observed;
  // Partitioned by action when judged (StagedCopy).
  const write = stagedAt
    ? rows.write
        .mode("overwrite")
        .options(STAGED_WRITE_OPTIONS)
        .partitionBy(...(judge ? [ACTION] : []))
        .parquet(stagedAt, { ...options, tags })
    : observed.write
        .format("noop")
        .mode("overwrite")
        .save(undefined, { ...options, tags });
  const info = await write.catch((e: unknown) => {
    // A full or read-only disk under the outputs stops the staged copy first: said as such.
    const unwritable = stagedAt
      ? outputWriteError(`the staged copy of source ${source.name}`, stagedAt, e)
      : e;
    throw unwritable !== e ? unwritable : scanFailed(source, e, judge?.step);
  });
  const seen = info.observedMetrics[`scan__${source.name}`] ?? {};
  const judged = judge && judgedSchema ? { judged: { step: judge.step, schema: judgedSchema } } : {};
  return { seen, ms: Date.now() - t0, ...(stagedAt ? { copy: { path: stagedAt, ...judged } } : {}) };
}

/** Every row of a staged copy, with the judged rows' columns when it holds verdicts. */
function readCopy(source: CompiledSource, copy: StagedCopy): DataFrame {
  const reader = source.all.session.read;
  return (copy.judged ? reader.schema(copy.judged.schema) : reader).parquet(copy.path);
}

/** A source's staged rows with the source's own columns (a judged copy's rewritten columns as read). */
async function stagedRows(source: CompiledSource, copy: StagedCopy, judge?: ScanJudge): Promise<DataFrame> {
  const rows = readCopy(source, copy);
  return copy.judged && judge ? judge.unjudged(rows, await source.all.columns()) : rows;
}

/**
 * The files of a scanned source holding invalid UTF-8, checked byte for byte among the files with
 * suspect rows or headers only; undefined when there are none. Throws under a failing policy.
 */
async function checkUtf8(
  source: CompiledSource,
  rows: DataFrame,
  suspectRows: number,
  tags: string[],
): Promise<Set<string> | undefined> {
  if (!source.utf8Suspect) return undefined;
  const files = new Set(source.utf8SuspectFiles ?? []);
  const spark = source.all.session;
  if (suspectRows > 0) {
    const named = [...tags, jobNameTag(`${source.name}: encoding suspects`)];
    for (const f of await suspectFiles(rows, source.utf8Suspect, named)) files.add(f);
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

/**
 * The sources of `compiled`, those in `staged` (source name → Parquet copy, SourceScans.staged)
 * read from their copies (compile/read.ts `readStaged`), the others as they are, and each judged
 * copy's rows for the step that judged them (CompileKnown.prejudged): what the run compiles its
 * steps and outputs against again.
 */
export async function readStagedSources(
  compiled: CompiledPipeline,
  staged: ReadonlyMap<string, StagedCopy>,
): Promise<{ sources: Map<string, CompiledSource>; prejudged: Map<string, DataFrame> }> {
  const sources = new Map<string, CompiledSource>();
  const prejudged = new Map<string, DataFrame>();
  for (const [name, source] of compiled.sources) {
    const copy = staged.get(name);
    if (!copy) {
      sources.set(name, source);
      continue;
    }
    const judge = compiled.scanJudges.get(name);
    if (copy.judged && judge) prejudged.set(copy.judged.step, judge.restore(readCopy(source, copy)));
    const rows = await stagedRows(source, copy, judge);
    sources.set(name, await readStaged(source, copy.path, rows));
  }
  return { sources, prejudged };
}

/** The files of the kept rows (staged copy or cache) marked suspect: reads them, not the files. */
async function suspectFiles(all: DataFrame, suspect: Column, tags: string[]): Promise<string[]> {
  const rows = await all.filter(suspect).select(FILE).distinct().collect({ tags });
  return rows.map((r) => String(r[FILE]));
}

/** Drops the cached rows of every source scanned into the cache (after the run, or before compiling again). */
export async function releaseSources(compiled: CompiledPipeline): Promise<void> {
  for (const s of scannedSources(compiled)) await s.all.unpersist().catch(() => undefined);
}

/**
 * A failed scan, naming the source and its paths with Spark's message (a malformed record under
 * `malformed: fail`, a file that vanished), and the step whose rules the scan judged, if any (an
 * expression rule can fail at run time too); errors that are not Spark's, and the client's
 * UNAVAILABLE (the server went away), pass unchanged.
 */
function scanFailed(source: CompiledSource, e: unknown, judgedBy?: string): unknown {
  // A lost server is no fault of the source: the client's own message says what happened.
  if (!(e instanceof SparkConnectError) || e.code === "UNAVAILABLE") return e;
  const paths = source.paths.map((p) => displayValue(p, 200)).join(", ");
  const what = judgedBy
    ? `source ${source.name} could not be read from ${paths} and judged by step ${judgedBy} (its rewrites and rules run in the source's scan)`
    : `source ${source.name} could not be read from ${paths}`;
  return new KindlingError(
    `${what}: ${e.message.replace(/[\s.]+$/, "")}. The Spark server log has the full trace.`,
    "data",
    { cause: e },
  );
}
