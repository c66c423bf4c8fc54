import { type CompiledPipeline, compilePipeline } from "../../compile/pipeline.js";
import { DeltaSinks } from "../../delta/commit.js";
import { isIncremental, planIncremental } from "../../delta/incremental.js";
import { withJobName } from "../../job-names.js";
import { RunOutputs, runRoot } from "../run-commit.js";
import { OutputStores } from "../stores.js";
import type { PreparedRun, RunState } from "./state.js";

/**
 * Prepares a started run: records the Delta sinks' table versions, plans incremental sources,
 * compiles the pipeline, locks every output (repairing what a dead run left) and measures the
 * inputs. Returns undefined when an incremental run finds no new file (nothing to do).
 * Throws KindlingError `locked` when another run writes one of the outputs, `output` for a folder
 * Kindling did not write (without `force`), SparkConnectError when Spark rejects a plan; nothing
 * was written then and no lock is held.
 */
export async function prepareRun(run: RunState): Promise<PreparedRun | undefined> {
  const { spark, options, result } = run;
  // Table versions first, then the incremental manifests: a run that commits in between is a conflict.
  // Their jobs (DESCRIBE HISTORY) are named for the pipeline: they read every Delta sink at once.
  let spec = run.loaded.spec;
  const deltaSinks = await withJobName(spark, `${spec.name}: delta table versions`, () =>
    DeltaSinks.begin(spark, spec, options.baseDir),
  );
  if (isIncremental(spec) || options.fullRefresh) {
    const planned = await withJobName(spark, `${spec.name}: incremental plan`, () =>
      planIncremental(spark, spec, options.baseDir, options.fullRefresh ?? false),
    );
    result.incremental = planned.plan;
    if (!planned.spec) return undefined;
    spec = planned.spec;
  }
  const compiled = await compilePipeline(spark, spec, options.baseDir, run.loaded.graph);
  const store = new OutputStores();
  const outputs = await openRunOutputs(run, compiled, store).catch((e: unknown) => {
    store.close();
    throw e;
  });
  result.recovered.push(...outputs.recovered);
  const ui =
    options.sparkUi ?? (spark.localServer ? `http://127.0.0.1:${spark.localServer.uiPort}` : undefined);
  const prepared: PreparedRun = { ...run, compiled, deltaSinks, store, outputs, ui, observed: {} };
  await measureInputs(prepared).catch(async (e: unknown) => {
    await outputs.release();
    store.close();
    throw e;
  });
  return prepared;
}

/**
 * Locks every output of the run (the quarantine's too) and repairs what a dead run left (see
 * run-commit.ts). Throws KindlingError `locked` or `output` as {@link prepareRun} says.
 */
function openRunOutputs(run: RunState, compiled: CompiledPipeline, store: OutputStores): Promise<RunOutputs> {
  const { result, options } = run;
  const paths = [
    ...(compiled.quarantine && compiled.quarantinePath ? [compiled.quarantinePath] : []),
    ...compiled.sinks.map((s) => s.path),
  ];
  return RunOutputs.open(paths, {
    pipeline: compiled.spec.name,
    runId: result.runId,
    startedAt: result.startedAt,
    root: runRoot(compiled.spec, paths, options.baseDir),
    storeFor: (p) => store.storeFor(p, result.runId),
    force: options.force ?? false,
    tables: new Set(compiled.sinks.filter((s) => s.spec.format === "delta").map((s) => s.path)),
    s3: () => store.s3Client(),
    what: (p) =>
      p === compiled.quarantinePath
        ? "the quarantine"
        : `sink ${compiled.sinks.find((s) => s.path === p)?.name}`,
  });
}

/** Each source's paths, file count and bytes, into `result.inputs` (files as compile listed them, else Spark's). */
async function measureInputs(run: PreparedRun): Promise<void> {
  const { spark, compiled, store, result } = run;
  for (const [name, s] of compiled.sources) {
    const files =
      s.files ??
      (await spark.read
        .format(s.spec.format === "jsonl" ? "json" : s.spec.format)
        .load(s.paths)
        .inputFiles()
        .catch(() => []));
    const bytes = await store.inputBytes(files);
    result.inputs.push({ source: name, paths: s.paths, files: files.length, bytes, drift: s.drift });
  }
}
