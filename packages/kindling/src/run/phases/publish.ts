import { commitInfo } from "../../delta/commit.js";
import { withJobName } from "../../job-names.js";
import { testPause } from "../run-commit.js";
import type { ReconciledRun } from "./state.js";

/**
 * Publishes a run that passed its checks: each Delta sink's staged rows are committed to its table,
 * then the other outputs are swapped in as one set (run-commit.ts), and each action's files and
 * bytes are measured again where it now lives. Sets the result's status to succeeded.
 * Throws KindlingError `spark` when a Delta commit fails (another run committed meanwhile, or
 * Spark refused it), `output` when an output cannot be swapped in (the set is rolled back).
 */
export async function publishRun(run: ReconciledRun): Promise<void> {
  const { result, options } = run;
  for (const d of run.deltaStaged) {
    const action = result.actions.find((a) => a.kind === "sink" && a.name === d.sink)!;
    options.onProgress?.({ type: "commit", sink: d.sink, path: action.path });
    const info = commitInfo(run.runId, result.incremental);
    action.delta = await withJobName(run.spark, `${d.sink}: delta commit`, () =>
      run.deltaSinks.commit(run.spark, d.sink, d.staging, info, run.regroup.goneGroups(d.sink)),
    );
  }
  testPause("staged");
  await run.outputs.publish(new Map(run.staged.map((s) => [s.final, s.mode])));
  await run.outputs.discard();
  // A Delta sink keeps the figures of what this run wrote (its table holds older versions too).
  for (const a of result.actions) if (!a.delta) Object.assign(a, await run.store.stats(a.path));
  result.status = "succeeded";
}
