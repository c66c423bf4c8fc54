/**
 * The states a run passes through. Each phase (a file of this folder) takes one and returns the
 * next: start → prepare → write → reconcile → dataset rules → publish, then release and report
 * on every exit path. `result` is the RunResult being filled in; the CLI and reports read it.
 */

import type { ActionOptions, ExecutionProgress, SparkSession } from "@kindling/spark-connect";
import type { CompiledPipeline } from "../../compile/pipeline.js";
import type { DeltaSinks } from "../../delta/commit.js";
import type { Regrouping } from "../../delta/regroup.js";
import { jobNameTag } from "../../job-names.js";
import type { LoadedPipeline } from "../../spec/index.js";
import type { Observed, RunCounts } from "../reconcile.js";
import type { RunOptions, RunResult } from "../result.js";
import type { RunOutputs } from "../run-commit.js";
import type { OutputStores } from "../stores.js";

/** A started run: its id, its Spark job tag and its result so far (phases/start.ts). */
export interface RunState {
  spark: SparkSession;
  loaded: LoadedPipeline;
  options: RunOptions;
  runId: string;
  /** The tag every Spark job of the run carries (`kindling-run-<runId>`). */
  runTag: string;
  /** Epoch ms. */
  started: number;
  /** The session's gRPC call counts when the run started (`rpcCounts()`), for report.json's roundTrips. */
  callsAtStart: Record<string, number>;
  result: RunResult;
}

/** A run with its pipeline compiled and its outputs locked (phases/prepare.ts). */
export interface PreparedRun extends RunState {
  compiled: CompiledPipeline;
  deltaSinks: DeltaSinks;
  store: OutputStores;
  outputs: RunOutputs;
  /** Spark UI base URL when known (stage stats, evidence for a recount). */
  ui: string | undefined;
  /**
   * Every action's observed metrics, first value per name. Filled as actions finish, so a run
   * that fails midway still reports the counts of what it wrote.
   */
  observed: Observed;
}

/** An output written to staging, to be published by renames with its mode. */
export interface StagedOutput {
  staging: string;
  final: string;
  mode: "overwrite" | "append" | "dynamic";
}

/** A run whose outputs are all in staging (phases/write.ts). */
export interface WrittenRun extends PreparedRun {
  staged: StagedOutput[];
  /** Delta sinks are staged as Parquet like the others, then committed to their tables at publish. */
  deltaStaged: { sink: string; staging: string }[];
  /** Aggregate sinks recomputed per affected group in an incremental run, and their staged deletions. */
  regroup: Regrouping;
}

/** A written run whose counts add up (phases/reconcile.ts). */
export interface ReconciledRun extends WrittenRun {
  counts: RunCounts;
}

/**
 * The options of one Spark action of the run, named `action` in progress events: the run's tag,
 * the tag naming its jobs `jobName` (job-names.ts; recount.ts names its own), the progress
 * callback and the abort signal.
 */
export function actionOptions(run: PreparedRun, action: string, jobName?: string): ActionOptions {
  const { options } = run;
  return {
    tags: [run.runTag, ...(jobName ? [jobNameTag(jobName)] : [])],
    onProgress: (p: ExecutionProgress) => options.onProgress?.({ type: "progress", action, progress: p }),
    ...(options.signal ? { signal: options.signal } : {}),
  };
}
