import { bytesReadPerSource } from "../bytes-read.js";
import { sparkRunStats } from "../spark-ui.js";
import type { PreparedRun } from "./state.js";

/**
 * Completes the run's report figures: wall time (ms since start) and the Spark UI's view of the
 * run's jobs, stages and executors (undefined when no UI is known or it cannot be reached), and
 * each source's raw bytes read (bytes-read.ts).
 */
export async function reportRun(run: PreparedRun): Promise<void> {
  run.result.wallMs = Date.now() - run.started;
  if (!run.ui) return;
  run.result.spark = await sparkRunStats(run.ui, run.runTag, run.started);
  const read = await bytesReadPerSource(run.ui, run.runTag, [...run.compiled.sources.keys()]);
  if (read) for (const i of run.result.inputs) i.bytesRead = read[i.source] ?? 0;
}
