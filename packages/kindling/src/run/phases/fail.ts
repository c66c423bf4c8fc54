import { KindlingError } from "../../errors.js";
import { reconcile } from "../reconcile.js";
import { serverLoss } from "../server-loss.js";
import type { PreparedRun } from "./state.js";

/**
 * Records why a prepared run failed: the staging it wrote is removed (nothing was published), the
 * error's message and KindlingError code go to the result, and when the counts were not taken yet,
 * those of the actions that finished are (so the report shows how far the run got).
 */
export async function recordFailure(run: PreparedRun, e: unknown): Promise<void> {
  const { result } = run;
  await run.outputs.discard();
  result.error = e instanceof Error ? e.message : String(e);
  if (e instanceof KindlingError) result.errorCode = e.code;
  const loss = serverLoss(e); // kindling run may wait for the server and run again
  if (loss) result.serverLoss = loss;
  if (!result.counts && Object.keys(run.observed).length)
    result.counts = reconcile(run.compiled, run.observed);
}
