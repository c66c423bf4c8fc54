import { compilePipeline } from "../../compile/pipeline.js";
import { readStagedSources, releaseSources, scanSources } from "../source-scan.js";
import { actionOptions, type PreparedRun } from "./state.js";

/**
 * Reads each raw source once (source-scan.ts): its parsed rows are written as Parquet into the
 * run's scratch (or cached, where Parquet cannot hold them) by a scan of their own, and the
 * pipeline is compiled again over those copies, so every later write reads them. A source found
 * holding invalid UTF-8 (`invalid_encoding: quarantine`) is compiled again with those files read
 * as ISO-8859-1 and scanned again first. The run's `compiled` is replaced in place, so the failure
 * and release phases see the pipeline that ran.
 * @throws KindlingError `data` for invalid UTF-8 under a failing policy, or a source that cannot
 *   be read (named, with Spark's message).
 */
export async function scanRun(run: PreparedRun): Promise<PreparedRun> {
  const options = actionOptions(run, "scan");
  const scratch = run.outputs.scratchPath();
  const { spec, graph } = run.compiled;
  const first = await scanSources(run.compiled, options, scratch);
  run.result.scans = first.scanned;
  const staged = new Map(first.staged);
  if (first.hints.size) {
    await releaseSources(run.compiled);
    run.compiled = await compilePipeline(run.spark, spec, run.options.baseDir, graph, { hints: first.hints });
    const again = await scanSources(run.compiled, options, scratch, new Set(first.hints.keys()));
    run.result.scans = [...first.scanned.filter((s) => !first.hints.has(s.source)), ...again.scanned];
    for (const [name, copy] of again.staged) staged.set(name, copy);
  }
  if (staged.size) {
    const known = await readStagedSources(run.compiled, staged);
    run.compiled = await compilePipeline(run.spark, spec, run.options.baseDir, graph, known);
  }
  return run;
}
