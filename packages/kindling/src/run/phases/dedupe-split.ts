/**
 * A large clean step's dedupe, split in two (issue 19 item 3, fewer shuffles). The dedupe as
 * planned is a window per key over every row: all of them shuffled by key and sorted (at 1 GB,
 * 15M rows and 766 MB of shuffle, then a second shuffle of every row for the partitioned write).
 * Real inputs hold few duplicates (the generated data 0.45%), so before writing, the run finds the
 * keys several rows hold (a hash aggregation of the key columns only) and, for those keys only,
 * the position of the row the dedupe keeps (the same window over those rows); both are written to
 * the run's scratch. The pipeline is then compiled again with the step's dedupe a broadcast join
 * with those winners (compile/clean/dedupe.ts): same rows kept, same `dedupe__<step>` counts, no
 * shuffle. Measured in bench/README.md ("The dedupe split").
 *
 * Only where a row's `_k_seq` identifies it: the step's input is row for row a source's staged
 * Parquet copy, through clean steps only (each keeps or drops rows, never repeats one). Not for sources under {@link DEDUPE_SPLIT_MIN_ROWS} rows (two more Spark jobs and
 * one more compile cost more than the window saves there), nor above {@link DEDUPE_SPLIT_MAX_KEYS}
 * duplicated keys (the winners are broadcast), nor in incremental runs.
 */
import { type DataFrame, functions as F } from "@kindling/spark-connect";
import { dedupeWinners, duplicateKeys } from "../../compile/clean/dedupe.js";
import { POSITION_COLUMNS } from "../../compile/hidden.js";
import { compilePipeline } from "../../compile/pipeline.js";
import type { CleanStepSpec, PipelineGraph } from "../../spec/index.js";
import { outputWriteError } from "../fs-errors.js";
import { actionOptions, type PreparedRun } from "./state.js";

/** Rows a source must have read before its steps' dedupes are split (RunOptions.dedupeSplitMinRows). */
export const DEDUPE_SPLIT_MIN_ROWS = 2_000_000;
/** Most duplicated keys a split dedupe broadcasts (with their winners' positions); more keep the window. */
export const DEDUPE_SPLIT_MAX_KEYS = 1_000_000;

/**
 * Splits the dedupe of every clean step that qualifies (see the module comment), recording each
 * step's number of duplicated keys in `result.dedupeSplit`, and compiles the pipeline again over
 * the winners when any step was split.
 * @throws KindlingError `output` when the scratch folder cannot be written; SparkConnectError when
 *   a job fails.
 */
export async function splitDedupes(run: PreparedRun): Promise<PreparedRun> {
  const scratch = run.outputs.scratchPath();
  if (scratch === undefined || run.result.incremental !== undefined) return run;
  const minRows = run.options.dedupeSplitMinRows ?? DEDUPE_SPLIT_MIN_ROWS;
  const winners = new Map<string, DataFrame>();
  const split: Record<string, number> = {};
  for (const step of splittable(run, minRows)) {
    const found = await stepWinners(run, step, `${scratch}/${step}.dedupe`);
    if (!found) continue;
    split[step] = found.keys;
    winners.set(step, found.winners);
  }
  if (!winners.size) return run;
  run.result.dedupeSplit = split;
  const { spec, graph, sources, prejudged } = run.compiled;
  run.compiled = await compilePipeline(run.spark, spec, run.options.baseDir, graph, {
    sources,
    prejudged,
    dedupeWinners: winners,
  });
  return run;
}

/** Clean steps with `dedupe:` fed row for row by a staged source of at least `minRows` rows. */
function splittable(run: PreparedRun, minRows: number): string[] {
  const { graph, nodes } = run.compiled;
  const staged = new Map(
    (run.result.scans ?? []).filter((s) => s.kept === "parquet").map((s) => [s.source, s.rows]),
  );
  return graph.order.filter((name) => {
    if (!nodes.get(name)?.dedupeInput) return false;
    const source = cleanChainSource(graph, name);
    return source !== undefined && (staged.get(source) ?? -1) >= minRows;
  });
}

/** The source feeding `step` through clean steps only, or undefined when another kind is in between. */
function cleanChainSource(graph: PipelineGraph, step: string): string | undefined {
  let name = step;
  for (let s = graph.step(name); s; s = graph.step(name)) {
    if (s.kind !== "clean") return undefined;
    name = s.input!;
  }
  return name;
}

/**
 * The duplicated keys of `step`'s dedupe input and their winners, written under `dir`; undefined
 * when the input lacks the positions or holds more than DEDUPE_SPLIT_MAX_KEYS duplicated keys.
 */
async function stepWinners(
  run: PreparedRun,
  step: string,
  dir: string,
): Promise<{ keys: number; winners: DataFrame } | undefined> {
  const input = run.compiled.nodes.get(step)!.dedupeInput!;
  const columns = new Set(await input.columns());
  if (!POSITION_COLUMNS.every((p) => columns.has(p))) return undefined;
  const dedupe = (run.compiled.graph.step(step) as CleanStepSpec).dedupe!;
  const keysAt = `${dir}/keys`;
  const counted = `dedupe_keys__${step}`;
  const info = await writeScratch(
    duplicateKeys(input, dedupe).observe(counted, F.count(F.lit(1)).alias("keys")),
    keysAt,
    run,
    `${step}: dedupe keys`,
  );
  const keys = Number(info.observedMetrics[counted]?.keys ?? Number.NaN);
  if (!(keys <= DEDUPE_SPLIT_MAX_KEYS)) return undefined;
  const spark = run.spark;
  const winnersAt = `${dir}/winners`;
  await writeScratch(
    dedupeWinners(input, dedupe, spark.read.parquet(keysAt)),
    winnersAt,
    run,
    `${step}: dedupe winners`,
  );
  return { keys, winners: spark.read.parquet(winnersAt) };
}

/** Writes `df` as Parquet to `path` in the run's scratch, as one named Spark job of the run. */
async function writeScratch(df: DataFrame, path: string, run: PreparedRun, job: string) {
  return df.write
    .mode("overwrite")
    .parquet(path, actionOptions(run, "dedupe", job))
    .catch((e: unknown) => {
      throw outputWriteError(`the dedupe's scratch copy (${job})`, path, e);
    });
}
