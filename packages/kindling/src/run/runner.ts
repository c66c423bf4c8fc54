import type { SparkSession } from "@kindling/spark-connect";
import { nothingNew } from "../delta/incremental.js";
import type { LoadedPipeline } from "../spec/index.js";
import { judgeDatasetRules } from "./phases/dataset-rules.js";
import { recordFailure } from "./phases/fail.js";
import { prepareRun } from "./phases/prepare.js";
import { publishRun } from "./phases/publish.js";
import { reconcileRun } from "./phases/reconcile.js";
import { releaseRun } from "./phases/release.js";
import { reportRun } from "./phases/report.js";
import { scanRun } from "./phases/scan.js";
import { newRunId, startRun } from "./phases/start.js";
import { writeOutputs } from "./phases/write.js";
import type { RunOptions, RunResult } from "./result.js";

export { RUN_CONF } from "./phases/start.js";
export type { ActionRecord, RuleResult, RunEvent, RunOptions, RunResult } from "./result.js";

/**
 * Runs a loaded pipeline on a session, phase by phase (run/phases/): start → prepare (compile,
 * lock outputs) → scan each raw source once into a staged Parquet copy → write every output to staging in
 * one pass each → reconcile the counts → judge
 * the dataset rules → publish; then release and report on every exit path. On any failure nothing
 * is published and the previous outputs stay as they were. Always resolves with a RunResult
 * (status failed with the error message) unless the spec cannot be compiled or its outputs cannot
 * be locked (then it throws, see prepareRun).
 */
export async function runPipeline(
  spark: SparkSession,
  loaded: LoadedPipeline,
  options: RunOptions = {},
): Promise<RunResult> {
  const runId = newRunId();
  const runTag = `kindling-run-${runId}`;
  // Every Spark job of the run carries its tag (the session's tags go on each execution), the
  // jobs compile starts too (header reads, the encoding check): the report's stages, a killed
  // executor's failed tasks and the live figures all find them by it.
  spark.addTag(runTag);
  try {
    const run = await startRun(spark, loaded, options, runId, runTag);
    const prepared = await prepareRun(run);
    if (!prepared) return nothingNew(run.result, run.started);
    try {
      const scanned = await scanRun(prepared);
      await publishRun(await judgeDatasetRules(await reconcileRun(await writeOutputs(scanned))));
    } catch (e) {
      await recordFailure(prepared, e);
    } finally {
      await releaseRun(prepared);
      await reportRun(prepared);
    }
    return prepared.result;
  } finally {
    spark.removeTag(runTag);
  }
}
