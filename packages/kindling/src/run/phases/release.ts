import { releaseSources } from "../source-scan.js";
import type { PreparedRun } from "./state.js";

/**
 * Ends a prepared run on every exit path: releases the output locks, closes the store clients and
 * drops the cached steps and the sources' scanned rows from Spark's cache (failures to unpersist are ignored: the session may be
 * gone). Never throws for the cache.
 */
export async function releaseRun(run: PreparedRun): Promise<void> {
  await run.outputs.release();
  run.store.close();
  for (const name of run.result.cached)
    await run.compiled.nodes
      .get(name)!
      .df.unpersist()
      .catch(() => undefined);
  await releaseSources(run.compiled);
}
