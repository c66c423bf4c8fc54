import { compilePipeline } from "../../compile/pipeline.js";
import { releaseSources, scanSources } from "../source-scan.js";
import { actionOptions, type PreparedRun } from "./state.js";

/**
 * Reads each raw source once (source-scan.ts): its rows are cached by a scan of their own, which
 * every later write reads. A source found holding invalid UTF-8 (`invalid_encoding: quarantine`)
 * is compiled again with those files read as ISO-8859-1 and scanned again; the run's `compiled`
 * is replaced in place, so the failure and release phases see the pipeline that ran.
 * @throws KindlingError `data` for invalid UTF-8 under a failing policy, or a source that cannot
 *   be read (named, with Spark's message).
 */
export async function scanRun(run: PreparedRun): Promise<PreparedRun> {
  const options = actionOptions(run, "scan");
  const first = await scanSources(run.compiled, options);
  run.result.scans = first.scanned;
  if (!first.hints.size) return run;
  await releaseSources(run.compiled);
  const { spec, graph } = run.compiled;
  run.compiled = await compilePipeline(run.spark, spec, run.options.baseDir, graph, first.hints);
  const again = await scanSources(run.compiled, options, new Set(first.hints.keys()));
  run.result.scans = [...first.scanned.filter((s) => !first.hints.has(s.source)), ...again.scanned];
  return run;
}
