/**
 * The example pipeline's runner for one variant of an A/B tool (conf-ab.ts, cold-ab.ts): this
 * checkout's Kindling, or another checkout's (`module`: the path of its
 * packages/kindling/src/index.ts), writing under `<dir>/out-<name>`.
 */
import { join } from "node:path";
import { loadPipeline, type RunOptions, type RunResult, runPipeline } from "@kindling/kindling";
import type { SparkSession } from "@kindling/spark-connect";

/** Loads the example pipeline with the variant's Kindling; returns a function that runs it once. */
export async function exampleRunner(
  name: string,
  module: string | undefined,
  dir: string,
): Promise<(spark: SparkSession, options?: RunOptions) => Promise<RunResult>> {
  const kindling = (module ? await import(module) : { loadPipeline, runPipeline }) as {
    loadPipeline: typeof loadPipeline;
    runPipeline: typeof runPipeline;
  };
  const loaded = await kindling.loadPipeline("pipelines/example.yaml", {
    set: { data_dir: dir, out_dir: join(dir, `out-${name}`) },
    env: {},
  });
  return (spark, options = {}) => kindling.runPipeline(spark, loaded, options);
}
