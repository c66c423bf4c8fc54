import { type ActionOptions, functions as F } from "@kindling/spark-connect";
import { QUARANTINE_METRIC } from "../compile/metrics.js";
import type { CompiledPipeline } from "../compile/pipeline.js";
import { jobNameTag } from "../job-names.js";
import type { Observed } from "./reconcile.js";
import type { SparkRunStats } from "./spark-ui.js";

/**
 * Observed metrics are accumulators updated inside transformations: when Spark recomputes a task
 * whose output was lost with an executor (a shuffle map task, or a cached partition), that task's
 * counts are added a second time. The rows written are right, but the counts upstream of the lost
 * output are inflated; usually the run's identity (in = out + quarantined + ...) then fails, but
 * not always (an output without row identity, such as an aggregate, has none).
 *
 * Why a run's counts must be taken again, or undefined: an executor lost during the run or a
 * retried stage (work may have been recomputed, whether or not the identity noticed), or counts
 * that do not add up after failed tasks; without the Spark UI there is no evidence either way, so
 * counts that do not add up are taken again too. Observations Spark did not report at all (an
 * empty stage dropped from the final plan) are taken again before anything else.
 */
export function recountReason(
  stats: SparkRunStats | undefined,
  balanced: boolean,
  missing: string[] = [],
): string | undefined {
  if (missing.length) return `Spark reported no count for ${missing.join(", ")}`;
  const lost = stats?.executors.filter((e) => !e.active).map((e) => e.id) ?? [];
  const retried = stats?.stages.filter((s) => s.attemptId > 0).map((s) => s.stageId) ?? [];
  if (lost.length) return `executor(s) ${lost.join(", ")} lost during the run`;
  if (retried.length) return `stage(s) ${[...new Set(retried)].join(", ")} retried`;
  if (balanced) return undefined;
  if (!stats) return "the counts did not add up and the Spark UI could not say whether work was recomputed";
  if (stats.stages.some((s) => s.failedTasks > 0)) return "the counts did not add up after failed tasks";
  return undefined;
}

/**
 * Counts the run again in a pass that writes nothing (Spark's `noop` sink) over the same plans,
 * with the cached steps cached afresh so their observations start from zero. The pipeline is
 * deterministic (same input, same output), so these are the counts of the rows already written.
 * Costs one more pass; taken only when {@link recountReason} gives one. The pass over each output
 * is named `<output>: recount` (job-names.ts).
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
    ...compiled.sinks.map((s) => ({ output: s.name, df: s.df })),
    ...(compiled.quarantine
      ? [
          {
            output: "quarantine",
            df: compiled.quarantine.observe(QUARANTINE_METRIC, F.count(F.lit(1)).alias("rows")),
          },
        ]
      : []),
  ];
  const observed: Observed = {};
  for (const { output, df } of frames) {
    const info = await df.write
      .format("noop")
      .mode("overwrite")
      .save(undefined, {
        ...options,
        tags: [...(options.tags ?? []), jobNameTag(`${output}: recount`)],
      });
    for (const [k, v] of Object.entries(info.observedMetrics)) if (!(k in observed)) observed[k] = v;
  }
  return observed;
}
