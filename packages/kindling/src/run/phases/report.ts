import { bytesReadPerSource } from "../bytes-read.js";
import { callsBetween, runFigures } from "../run-figures.js";
import { sparkRunStats } from "../spark-ui.js";
import type { PreparedRun } from "./state.js";

/**
 * Completes the run's report figures: wall time (ms since start), the Spark UI's view of the
 * run's jobs, stages and executors (undefined when no UI is known or it cannot be reached), each
 * source's raw bytes read (bytes-read.ts) and its cost figures (run-figures.ts: Spark jobs, gRPC
 * round trips by method, MB/s per core).
 */
export async function reportRun(run: PreparedRun): Promise<void> {
  run.result.wallMs = Date.now() - run.started;
  if (run.ui) {
    run.result.spark = await sparkRunStats(run.ui, run.runTag, run.started);
    const read = await bytesReadPerSource(run.ui, run.runTag, [...run.compiled.sources.keys()]);
    if (read) for (const i of run.result.inputs) i.bytesRead = read[i.source] ?? 0;
  }
  const inputBytes = run.result.inputs.reduce((n, i) => n + i.bytes, 0);
  const calls = callsBetween(run.callsAtStart, run.spark.rpcCounts());
  Object.assign(run.result, runFigures(run.result.spark, calls, inputBytes, run.result.wallMs));
}
