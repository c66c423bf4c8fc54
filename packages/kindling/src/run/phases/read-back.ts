/**
 * A shared step read back from its own sink (issue 19 item 3: "the aggregate reads the written,
 * partitioned output"). When a step several outputs read is written whole by one of them as
 * Parquet (a Parquet sink, or a Delta sink, staged as Parquet), that sink is written first, and the
 * run's other outputs read the step's rows back from its staged files instead of Spark keeping
 * them in its cache: the cache's fill (encoding every row into the columnar cache, holding them
 * in the heap) is the run's largest cost at 1 GB, and a later reader of the files reads only the
 * columns it needs (bench/README.md, "Staged Parquet instead of the cache, and read-back").
 *
 * Only where the written files give back exactly the step's rows: the step has no hidden column
 * left (positions a later dedupe needs are not written), the sink's partition columns have types
 * whose folder names round-trip (Spark writes both null and "" of a string as the default
 * partition, so string partition columns are never read back), and the run is not incremental
 * (an incremental run's aggregates are recomputed per group from the Delta tables).
 */
import type { DataFrame } from "@kindling/spark-connect";
import { q } from "../../compile/hidden.js";
import { type CompiledPipeline, type CompiledSink, compilePipeline } from "../../compile/pipeline.js";
import type { PreparedRun } from "./state.js";

/** Partition column types whose values come back from folder names as they were written. */
const ROUND_TRIP_PARTITION_TYPES = new Set(["date", "byte", "short", "integer", "long", "boolean"]);

/**
 * Shared step → the sink writing it whole, for each of `shared` (PipelineGraph.sharedSteps) its
 * other consumers can read back from that sink's staged files (see the module comment). Asks
 * Spark for the schemas it checks (one AnalyzePlan per candidate).
 */
export async function readBackSinks(
  compiled: CompiledPipeline,
  shared: readonly string[],
  incremental: boolean,
): Promise<Map<string, CompiledSink>> {
  const out = new Map<string, CompiledSink>();
  if (incremental) return out;
  for (const step of shared) {
    const sink = compiled.sinks.find((s) => s.node === step && ["parquet", "delta"].includes(s.spec.format));
    if (sink && (await writesWhole(compiled, sink))) out.set(step, sink);
  }
  return out;
}

/** True when `sink`'s files hold every column of its step, and its partition folders round-trip. */
async function writesWhole(compiled: CompiledPipeline, sink: CompiledSink): Promise<boolean> {
  const stepColumns = await compiled.nodes.get(sink.node)!.df.columns();
  const written = (await sink.df.schema()).fields;
  if (stepColumns.length !== written.length) return false; // a hidden column is not written
  const by = new Set(sink.spec.partition_by ?? []);
  return written.every((f) => !by.has(f.name) || ROUND_TRIP_PARTITION_TYPES.has(f.dataType.typeName));
}

/**
 * The pipeline compiled again with each step of `readBack` (step → its sink, written to staging
 * already) read from that sink's staged files, with the step's own column types and order; the
 * sources are `run.compiled`'s (their staged copies), so nothing is read from the raw files.
 */
export async function compileReadBack(
  run: PreparedRun,
  readBack: ReadonlyMap<string, CompiledSink>,
): Promise<CompiledPipeline> {
  const frames = new Map<string, DataFrame>();
  for (const [step, sink] of readBack) frames.set(step, await stagedRows(run, sink));
  const { spec, graph, sources, prejudged } = run.compiled;
  return compilePipeline(run.spark, spec, run.options.baseDir, graph, {
    sources,
    prejudged,
    readBack: frames,
  });
}

/** The rows `sink` wrote to its staging, read with its schema (partition columns typed, in place). */
async function stagedRows(run: PreparedRun, sink: CompiledSink): Promise<DataFrame> {
  const schema = await sink.df.schema();
  return run.spark.read
    .schema(schema)
    .parquet(run.outputs.stagingPath(sink.path))
    .select(...schema.fields.map((f) => q(f.name)));
}
