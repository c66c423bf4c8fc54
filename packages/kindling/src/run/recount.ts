import { type ActionOptions, functions as F } from "@kindling/spark-connect";
import { QUARANTINE_METRIC } from "../compile/metrics.js";
import type { CompiledPipeline } from "../compile/pipeline.js";
import type { Observed } from "./reconcile.js";
import type { SparkRunStats } from "./spark-ui.js";

/**
 * Observed metrics are accumulators updated inside transformations: when Spark recomputes a task
 * whose output was lost with an executor (a shuffle map task, or a cached partition), that task's
 * counts are added a second time. The rows written are right, but the counts upstream of the lost
 * output are inflated, so the run's identity (in = out + quarantined + ...) fails.
 *
 * Whether the run recomputed anything: a failed task or a retried stage among the run's stages.
 * Without the Spark UI there is no evidence either way, so the answer is "maybe".
 */
export function mayHaveRecomputed(stats: SparkRunStats | undefined): boolean {
  if (!stats) return true;
  return stats.stages.some((s) => s.failedTasks > 0 || s.attemptId > 0);
}

/**
 * Counts the run again in a pass that writes nothing (Spark's `noop` sink) over the same plans,
 * with the cached steps cached afresh so their observations start from zero. The pipeline is
 * deterministic (same input, same output), so these are the counts of the rows already written.
 * Costs one more pass; taken only when the first counts do not add up after a recomputation.
 */
export async function recount(
  compiled: CompiledPipeline,
  cached: string[],
  options: ActionOptions,
): Promise<Observed> {
  for (const name of cached) {
    const df = compiled.nodes.get(name)!.df;
    await df.unpersist(true);
    await df.persist("MEMORY_AND_DISK");
  }
  const frames = [
    ...compiled.sinks.map((s) => s.df),
    ...(compiled.quarantine
      ? [compiled.quarantine.observe(QUARANTINE_METRIC, F.count(F.lit(1)).alias("rows"))]
      : []),
  ];
  const observed: Observed = {};
  for (const df of frames) {
    const info = await df.write.format("noop").mode("overwrite").save(undefined, options);
    for (const [k, v] of Object.entries(info.observedMetrics)) if (!(k in observed)) observed[k] = v;
  }
  return observed;
}
