import { randomUUID } from "node:crypto";
import {
  type Column,
  type ExecutionProgress,
  functions as F,
  type SparkSession,
} from "@kindling/spark-connect";
import { q } from "../compile/hidden.js";
import { QUARANTINE_METRIC, sinkMetric } from "../compile/metrics.js";
import { type CompiledPipeline, compilePipeline } from "../compile/pipeline.js";
import { commitInfo, type DeltaSinkCommit, DeltaSinks } from "../delta/commit.js";
import { type IncrementalPlan, isIncremental, nothingNew, planIncremental } from "../delta/incremental.js";
import { GONE_GROUPS_DIR, Regrouping } from "../delta/regroup.js";
import { KindlingError, type KindlingErrorCode } from "../errors.js";
import type { LoadedPipeline } from "../spec/index.js";
import { outputWriteError } from "./fs-errors.js";
import { type Observed, type RunCounts, reconcile } from "./reconcile.js";
import { recount, recountReason } from "./recount.js";
import { RunOutputs, runRoot, testPause } from "./run-commit.js";
import { type SparkRunStats, sparkRunStats } from "./spark-ui.js";
import { OutputStores } from "./stores.js";
import { type WriteTarget, writeFailed } from "./write-error.js";

/**
 * Session settings every run uses (see bench/README.md for what each bought):
 *  - AQE may re-partition inside cached steps, so a shared step's shuffle is coalesced to a few
 *    right-sized partitions instead of 200 tiny tasks (off by default in Spark);
 *  - coalescing aims at the advisory partition size rather than at the core count;
 *  - Parquet timestamps are written as TIMESTAMP_MICROS, not Spark's legacy INT96 (which other
 *    readers, e.g. pyarrow, turn into wrong dates: 9999-12-31 became 1816-03-30), in the
 *    proleptic Gregorian calendar every other reader uses (no rebasing of dates before 1582).
 * A spec's `spark_conf` (allow-listed keys) comes after these.
 */
export const RUN_CONF: Record<string, string> = {
  "spark.sql.adaptive.enabled": "true",
  "spark.sql.optimizer.canChangeCachedPlanOutputPartitioning": "true",
  "spark.sql.adaptive.coalescePartitions.parallelismFirst": "false",
  "spark.sql.adaptive.advisoryPartitionSizeInBytes": "64m",
  "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
  "spark.sql.parquet.datetimeRebaseModeInWrite": "CORRECTED",
  // When every row is quarantined, the stage after a shuffle (partition_by, dedupe) is empty and
  // this rule replaces it by an empty relation, dropping the observations inside it: the report
  // then said in 0 = out 0 (issue 15 item 4). Keeping the stage costs nothing measurable.
  "spark.sql.adaptive.optimizer.excludedRules":
    "org.apache.spark.sql.execution.adaptive.AQEPropagateEmptyRelation",
};

export interface RunOptions {
  /** Base folder for relative paths (default: the working directory). */
  baseDir?: string;
  /** Spark UI base URL (for stage timings); defaults to the local server's. */
  sparkUi?: string;
  onProgress?: (event: RunEvent) => void;
  signal?: AbortSignal;
  /** Session settings applied after RUN_CONF (to compare tunings; see bench/profile-pipeline.ts). */
  conf?: Record<string, string>;
  /** Ignore the record of files processed by earlier runs and rebuild every Delta sink (delta/incremental.ts). */
  fullRefresh?: boolean;
  /** Replace output folders Kindling did not write (`kindling run --force`). */
  force?: boolean;
}

/**
 * What a run reports while it works: `start` once (its id and Spark job tag, before any Spark
 * job), then per action (an output written, or the recount) `action`, Spark's `progress`
 * messages and `done` with the rows the action wrote (from its observed metrics).
 */
export type RunEvent =
  | { type: "start"; runId: string; runTag: string; pipeline: string; startedAt: string }
  | { type: "action"; name: string; index: number; total: number }
  | { type: "progress"; action: string; progress: ExecutionProgress }
  | { type: "done"; action: string; ms: number; kind?: "sink" | "quarantine"; rows?: number }
  /** A Delta sink's commit begins (the run has passed its checks; see delta/commit.ts). */
  | { type: "commit"; sink: string; path: string };

export interface ActionRecord {
  name: string;
  kind: "sink" | "quarantine";
  path: string;
  ms: number;
  rows: number;
  files: number;
  bytes: number;
  /** Delta sinks: the commit this run wrote (version, operation, rows inserted/updated/deleted). */
  delta?: DeltaSinkCommit;
}

export interface RuleResult {
  step: string;
  rule: string;
  check: string;
  severity: string;
  violations: number;
  threshold: string | undefined;
  outcome: "passed" | "within_threshold" | "warned" | "failed";
  note?: string;
}

export interface RunResult {
  runId: string;
  status: "succeeded" | "failed";
  error: string | undefined;
  /** The failure's KindlingError code (`output`, `data`, ...), when it had one. */
  errorCode?: KindlingErrorCode;
  pipeline: string;
  specHash: string;
  specFile: string;
  sparkVersion: string;
  startedAt: string;
  wallMs: number;
  inputs: { source: string; paths: string[]; files: number; bytes: number; drift: unknown }[];
  counts: RunCounts | undefined;
  actions: ActionRecord[];
  rules: RuleResult[];
  spark: SparkRunStats | undefined;
  recovered: string[];
  /** Steps kept in Spark's cache because several outputs read them. */
  cached: string[];
  /** Set when the counts come from a second, write-free pass (see recount.ts). */
  recount?: { reason: string; ms: number };
  /** Incremental sources: the files this run read (see delta/incremental.ts). */
  incremental?: IncrementalPlan;
}

/**
 * Runs a loaded pipeline on a session: compiles it, writes every output (and the quarantine) to
 * staging in one pass each, checks the counts add up and the rules hold, then publishes. On any
 * failure nothing is published and the previous outputs stay as they were. Always resolves with
 * a RunResult (status failed with the error message) unless the spec cannot be compiled.
 */
export async function runPipeline(
  spark: SparkSession,
  loaded: LoadedPipeline,
  options: RunOptions = {},
): Promise<RunResult> {
  const runId = `${new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "")}-${randomUUID().slice(0, 8)}`;
  const runTag = `kindling-run-${runId}`;
  // Every Spark job of the run carries its tag (the session's tags go on each execution), the
  // jobs compile starts too (header reads, the encoding check): the report's stages, a killed
  // executor's failed tasks and the live figures all find them by it.
  spark.addTag(runTag);
  try {
    return await runTagged(spark, loaded, options, runId, runTag);
  } finally {
    spark.removeTag(runTag);
  }
}

async function runTagged(
  spark: SparkSession,
  loaded: LoadedPipeline,
  options: RunOptions,
  runId: string,
  runTag: string,
): Promise<RunResult> {
  const started = Date.now();
  const result: RunResult = {
    runId,
    status: "failed",
    error: undefined,
    pipeline: loaded.spec.name,
    specHash: loaded.specHash,
    specFile: loaded.file,
    sparkVersion: await spark.version(),
    startedAt: new Date(started).toISOString(),
    wallMs: 0,
    inputs: [],
    counts: undefined,
    actions: [],
    rules: [],
    spark: undefined,
    recovered: [],
    cached: [],
  };
  options.onProgress?.({
    type: "start",
    runId,
    runTag,
    pipeline: result.pipeline,
    startedAt: result.startedAt,
  });
  const specConf = Object.fromEntries(
    Object.entries(loaded.spec.spark_conf ?? {}).map(([k, v]) => [k, String(v)]),
  );
  for (const [k, v] of Object.entries({ ...RUN_CONF, ...specConf, ...options.conf }))
    await spark.conf.set(k, v);
  // Table versions first, then the incremental manifests: a run that commits in between is a conflict.
  const deltaSinks = await DeltaSinks.begin(spark, loaded.spec, options.baseDir);
  let spec = loaded.spec;
  if (isIncremental(spec) || options.fullRefresh) {
    const planned = await planIncremental(spark, spec, options.baseDir, options.fullRefresh ?? false);
    result.incremental = planned.plan;
    if (!planned.spec) return nothingNew(result, started);
    spec = planned.spec;
  }
  const compiled = await compilePipeline(spark, spec, options.baseDir, loaded.graph);
  const outputs = [
    ...(compiled.quarantine && compiled.quarantinePath ? [{ path: compiled.quarantinePath }] : []),
    ...compiled.sinks.map((s) => ({ path: s.path })),
  ];
  const store = new OutputStores();
  const paths = outputs.map((o) => o.path);
  const run = await openRunOutputs(store, compiled, paths, result, options).catch((e: unknown) => {
    store.close();
    throw e;
  });
  result.recovered.push(...run.recovered);
  for (const [name, s] of compiled.sources) {
    const files =
      s.files ??
      (await spark.read
        .format(s.spec.format === "jsonl" ? "json" : s.spec.format)
        .load(s.paths)
        .inputFiles()
        .catch(() => []));
    const bytes = await store.inputBytes(files);
    result.inputs.push({ source: name, paths: s.paths, files: files.length, bytes, drift: s.drift });
  }

  const observed: Observed = {};
  const staged: { staging: string; final: string; mode: "overwrite" | "append" | "dynamic" }[] = [];
  // Delta sinks are staged as Parquet like the others, then committed to their tables (delta/).
  const deltaStaged: { sink: string; staging: string }[] = [];
  // Sinks first: the first one fills the cache of shared steps, the next ones read it. The
  // quarantine goes last (it re-reads the raw input: only rejected rows are kept from that pass).
  // Incremental runs recompute aggregates per affected group, after their row tables (delta/regroup.ts).
  const regroup = Regrouping.plan(compiled, (s) => deltaSinks.readVersion(s), result.incremental);
  const plan = [
    ...regroup.writeOrder(compiled.sinks).map((s) => ({ name: s.name, kind: "sink" as const, path: s.path })),
    ...(compiled.quarantine && compiled.quarantinePath
      ? [{ name: "quarantine", kind: "quarantine" as const, path: compiled.quarantinePath }]
      : []),
  ];
  const cached = compiled.graph.sharedSteps();
  result.cached = cached;
  for (const name of cached) await compiled.nodes.get(name)!.df.persist("MEMORY_AND_DISK");
  const ui =
    options.sparkUi ?? (spark.localServer ? `http://127.0.0.1:${spark.localServer.uiPort}` : undefined);
  const actionOptions = (name: string) => ({
    tags: [runTag],
    onProgress: (p: ExecutionProgress) =>
      options.onProgress?.({ type: "progress", action: name, progress: p }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  try {
    for (const a of plan) await writeChecked(a, () => run.probe(a.path));
    for (const [i, action] of plan.entries()) {
      options.onProgress?.({ type: "action", name: action.name, index: i + 1, total: plan.length });
      const t0 = Date.now();
      const staging = run.stagingPath(action.path);
      let info: Awaited<ReturnType<ReturnType<typeof spark.range>["write"]["save"]>>;
      if (action.kind === "quarantine") {
        const qdf = compiled.quarantine!.observe(QUARANTINE_METRIC, F.count(F.lit(1)).alias("rows"));
        const fmt = compiled.spec.quarantine?.format ?? "parquet";
        info = await writeChecked(action, () =>
          qdf.write.mode("overwrite").format(fmt).save(staging, actionOptions(action.name)),
        );
        staged.push({ staging, final: action.path, mode: "overwrite" });
      } else {
        const sink = compiled.sinks.find((s) => s.name === action.name)!;
        const gone = await regroup.replacePlan(spark, sink, (n) =>
          run.stagingPath(compiled.sinks.find((s) => s.name === n)!.path),
        );
        // Rows of one partition value go to one task, so each partition folder gets one file
        // instead of one per upstream task.
        const out = sink.spec.partition_by?.length
          ? sink.df.repartition(...(sink.spec.partition_by.map((c) => F.col(q(c))) as [Column, ...Column[]]))
          : sink.df;
        const isDelta = deltaSinks.has(sink.name);
        let w = out.write.mode("overwrite").format(isDelta ? "parquet" : sink.spec.format);
        if (sink.spec.partition_by?.length) w = w.partitionBy(...sink.spec.partition_by);
        if (sink.spec.format !== "csv" || sink.spec.compression !== "snappy") {
          w = w.option("compression", sink.spec.compression === "none" ? "none" : sink.spec.compression);
        }
        if (sink.spec.format === "csv") w = w.option("header", true);
        for (const [k, v] of Object.entries(sink.spec.options ?? {})) w = w.option(k, v);
        info = await writeChecked({ ...action, step: sink.node, partitionBy: sink.spec.partition_by }, () =>
          w.save(staging, actionOptions(action.name)),
        );
        const mode =
          sink.spec.mode === "append"
            ? "append"
            : sink.spec.dynamic_partition_overwrite && sink.spec.partition_by?.length
              ? "dynamic"
              : "overwrite";
        if (gone) {
          const path = `${staging}/${GONE_GROUPS_DIR}`;
          await gone.write.mode("overwrite").parquet(path, actionOptions(action.name));
          regroup.staged(sink.name, path);
        }
        if (isDelta) deltaStaged.push({ sink: sink.name, staging });
        else staged.push({ staging, final: action.path, mode });
      }
      for (const [k, v] of Object.entries(info.observedMetrics)) if (!(k in observed)) observed[k] = v;
      const stats = await store.stats(staging);
      result.actions.push({
        name: action.name,
        kind: action.kind,
        path: action.path,
        ms: Date.now() - t0,
        rows: actionRows(info.observedMetrics, action),
        files: stats.files,
        bytes: stats.bytes,
      });
      const rows = result.actions.at(-1)!.rows;
      options.onProgress?.({
        type: "done",
        action: action.name,
        ms: Date.now() - t0,
        kind: action.kind,
        rows,
      });
    }
    result.counts = reconcile(compiled, observed);
    const unbalanced = result.counts.reconciliations.filter((r) => !r.holds);
    const why = recountReason(
      ui ? await sparkRunStats(ui, runTag, started) : undefined,
      !unbalanced.length,
      result.counts.missing,
    );
    if (why) {
      const t0 = Date.now();
      const name = "recount";
      options.onProgress?.({ type: "action", name, index: plan.length + 1, total: plan.length + 1 });
      const again = await recount(compiled, cached, actionOptions(name));
      result.counts = reconcile(compiled, again);
      for (const a of result.actions) a.rows = actionRows(again, a);
      const first = unbalanced.map((r) => `${r.source} → ${r.sink}: in ${r.rowsIn}, out ${r.rowsOut}`);
      result.recount = {
        reason: `${why}; Spark may add a recomputed task's counts twice${first.length ? ` (the write pass said ${first.join("; ")})` : ""}`,
        ms: Date.now() - t0,
      };
      options.onProgress?.({ type: "done", action: name, ms: result.recount.ms });
    }
    if (result.counts.missing.length) {
      throw new KindlingError(
        `Spark reported no count for ${result.counts.missing.join(", ")}, even in a second pass, so the run cannot prove no row was lost; nothing was published. Report this with the spec.`,
        "data",
      );
    }
    const failedRows = result.counts.steps.filter((s) => s.failed > 0);
    if (failedRows.length) {
      throw new KindlingError(
        failedRows
          .map(
            (s) =>
              `step ${s.name}: ${s.failed} row(s) broke a rule with severity fail (${describeRules(s.rules)})`,
          )
          .join("; "),
      );
    }
    const broken = result.counts.reconciliations.filter((r) => !r.holds);
    if (broken.length) {
      throw new KindlingError(
        `Row counts do not add up, so rows may have been lost or multiplied: ${broken
          .map(
            (r) =>
              `${r.source} → ${r.sink}: in ${r.rowsIn} ≠ out ${r.rowsOut} + malformed ${r.malformed} + quarantined ${r.quarantined} + duplicates ${r.duplicates} + dropped ${r.dropped} + filtered ${r.filtered}`,
          )
          .join("; ")}.${
          broken.some(
            (r) => r.rowsOut + r.malformed + r.quarantined + r.duplicates + r.dropped + r.filtered > r.rowsIn,
          )
            ? " More rows came out than went in: check enrich joins for lookups with duplicate keys."
            : ""
        }`,
      );
    }
    result.rules = await datasetRules(compiled, result.counts, runTag);
    const failedRules = result.rules.filter((r) => r.outcome === "failed");
    if (failedRules.length) {
      throw new KindlingError(
        `Dataset rule(s) failed: ${failedRules.map((r) => `${r.step}.${r.rule} (${r.violations} violation(s))`).join(", ")}.`,
      );
    }
    for (const d of deltaStaged) {
      const action = result.actions.find((a) => a.kind === "sink" && a.name === d.sink)!;
      options.onProgress?.({ type: "commit", sink: d.sink, path: action.path });
      action.delta = await deltaSinks.commit(
        spark,
        d.sink,
        d.staging,
        commitInfo(runId, result.incremental),
        regroup.goneGroups(d.sink),
      );
    }
    testPause("staged");
    await run.publish(new Map(staged.map((s) => [s.final, s.mode])));
    await run.discard();
    // A Delta sink keeps the figures of what this run wrote (its table holds older versions too).
    for (const a of result.actions) if (!a.delta) Object.assign(a, await store.stats(a.path));
    result.status = "succeeded";
  } catch (e) {
    await run.discard();
    result.error = e instanceof Error ? e.message : String(e);
    if (e instanceof KindlingError) result.errorCode = e.code;
    if (!result.counts && Object.keys(observed).length) result.counts = reconcile(compiled, observed);
  } finally {
    await run.release();
    store.close();
    for (const name of cached)
      await compiled.nodes
        .get(name)!
        .df.unpersist()
        .catch(() => undefined);
    result.wallMs = Date.now() - started;
    if (ui) result.spark = await sparkRunStats(ui, runTag, started);
  }
  return result;
}

/**
 * Locks every output of the run and repairs what a dead run left (see run-commit.ts). Throws
 * KindlingError `locked` when another run writes one of them, `output` for a folder Kindling did
 * not write (without `force`); nothing was written then.
 */
async function openRunOutputs(
  store: OutputStores,
  compiled: CompiledPipeline,
  paths: string[],
  result: RunResult,
  options: RunOptions,
): Promise<RunOutputs> {
  return RunOutputs.open(paths, {
    pipeline: compiled.spec.name,
    runId: result.runId,
    startedAt: result.startedAt,
    root: runRoot(compiled.spec, paths, options.baseDir),
    storeFor: (p) => store.storeFor(p, result.runId),
    force: options.force ?? false,
    tables: new Set(compiled.sinks.filter((s) => s.spec.format === "delta").map((s) => s.path)),
    s3: () => store.s3Client(),
    what: (p) =>
      p === compiled.quarantinePath
        ? "the quarantine"
        : `sink ${compiled.sinks.find((s) => s.path === p)?.name}`,
  });
}

/** How a write names its output in errors: `sink orders_clean` or `the quarantine`. */
function describeOutput(action: { name: string; kind: "sink" | "quarantine" }): string {
  return action.kind === "quarantine" ? "the quarantine" : `sink ${action.name}`;
}

/**
 * Runs a write of `action`; a failure says which output, where, and why: in words for a folder that
 * cannot be written (permissions, full disk), else Spark's error with its root cause (write-error.ts).
 */
async function writeChecked<T>(action: WriteTarget, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (e) {
    const named = outputWriteError(describeOutput(action), action.path, e);
    throw named !== e ? named : writeFailed(e, action);
  }
}

/** The rows an action wrote, from its own observation (the sink's, or the quarantine's). */
function actionRows(observed: Observed, action: { name: string; kind: "sink" | "quarantine" }): number {
  const key = action.kind === "quarantine" ? QUARANTINE_METRIC : sinkMetric(action.name);
  return Number((observed[key]?.rows as bigint | undefined) ?? 0n);
}

function describeRules(rules: Record<string, number>): string {
  return Object.entries(rules)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k}: ${v}`)
    .join(", ");
}

/** Judges dataset rules with small queries of their own (they need whole-dataset views). */
async function datasetRules(
  compiled: CompiledPipeline,
  counts: RunCounts,
  runTag: string,
): Promise<RuleResult[]> {
  const out: RuleResult[] = [];
  for (const check of compiled.datasetChecks) {
    const node = compiled.nodes.get(check.step)!;
    const rule = check.rule;
    let violations = 0;
    let total = counts.steps.find((s) => s.name === check.step)?.rowsOut ?? 0;
    if (rule.check === "unique") {
      const dedupeKeys = compiled.graph.step(check.step);
      const sameAsDedupe =
        dedupeKeys?.kind === "clean" &&
        dedupeKeys.dedupe &&
        [...dedupeKeys.dedupe.keys].sort().join() === [...rule.columns].sort().join();
      if (!sameAsDedupe) {
        // A row with a null key column duplicates no other row (as for dedupe and join keys).
        const known = rule.columns.map((c) => `${q(c)} IS NOT NULL`).join(" AND ");
        const rows = await node.df
          .filter(known)
          .groupBy(...rule.columns.map((c) => F.col(q(c))))
          .count()
          .filter(F.col("count").gt(1))
          .agg(F.sum("count").alias("v"))
          .collect({ tags: [runTag] });
        violations = Number((rows[0]?.v as bigint | null) ?? 0n);
      }
    } else if (rule.check === "references") {
      const ref = compiled.nodes.get(rule.references.source)!;
      const keys = ref.df.select(F.col(q(rule.references.column)).alias("_k_ref")).distinct();
      violations = await node.df
        .filter(F.col(q(rule.column)).isNotNull())
        .join(keys, F.col(q(rule.column)).equalTo(F.col("_k_ref")), "left_anti")
        .count({ tags: [runTag] });
    } else if (rule.check === "row_count") {
      const other =
        counts.steps.find((s) => s.name === rule.compare_to)?.rowsOut ??
        counts.sources[rule.compare_to]?.rows ??
        0;
      const ratio = other === 0 ? Number.POSITIVE_INFINITY : total / other;
      violations =
        (rule.min_ratio !== undefined && ratio < rule.min_ratio) ||
        (rule.max_ratio !== undefined && ratio > rule.max_ratio)
          ? 1
          : 0;
      total = 1;
    }
    const t = "threshold" in rule ? rule.threshold : undefined;
    const allowed =
      t?.max_count !== undefined
        ? violations <= t.max_count
        : t?.max_fraction !== undefined
          ? violations <= t.max_fraction * Math.max(total, 1)
          : violations === 0;
    const severity = rule.severity;
    out.push({
      step: check.step,
      rule: check.name,
      check: rule.check,
      severity,
      violations,
      threshold: t ? JSON.stringify(t) : undefined,
      outcome:
        violations === 0
          ? "passed"
          : allowed
            ? "within_threshold"
            : severity === "fail"
              ? "failed"
              : "warned",
    });
  }
  return out;
}
