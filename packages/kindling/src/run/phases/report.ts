import { sparkRunStats } from "../spark-ui.js";
import type { PreparedRun } from "./state.js";

/**
 * Completes the run's report figures: wall time (ms since start) and the Spark UI's view of the
 * run's jobs, stages and executors (undefined when no UI is known or it cannot be reached).
 */
export async function reportRun(run: PreparedRun): Promise<void> {
  run.result.wallMs = Date.now() - run.started;
  if (run.ui) run.result.spark = await sparkRunStats(run.ui, run.runTag, run.started);
}
