import {
  type DataFrame,
  type DataFrameWriter,
  functions as F,
  type SparkSession,
} from "@kindling/spark-connect";
import {
  type PipelineGraph,
  type PipelineSpec,
  pipelineGraph,
  type SinkSpec,
  type StepSpec,
} from "../spec/index.js";
import { compileClean, type DatasetCheck, type MalformedInput } from "./clean.js";
import { CORRUPT, isHidden, POSITION_COLUMNS, q } from "./hidden.js";
import { sinkMetric } from "./metrics.js";
import { malformedToQuarantine } from "./quarantine.js";
import { type CompiledSource, compileSource, resolvePath, type SourceHints } from "./read.js";
import { quarantineWriter, sinkWriter } from "./sink-writer.js";
import { compileAggregate, compileEnrich, compileFilter, compileSelect } from "./transform.js";

/** One node of the compiled graph: a source or a step, with the DataFrame it produces. */
export interface CompiledNode {
  name: string;
  kind: "source" | StepSpec["kind"];
  /** Output rows, including hidden bookkeeping columns. */
  df: DataFrame;
  /** The source whose rows flow through this node along `input` (undefined after an aggregate). */
  rowSource: string | undefined;
  input: string | undefined;
  ruleAliases: Record<string, string>;
  warnAliases: Record<string, string>;
  unmatchedAliases: Record<string, string>;
  /** Enrich steps: rows each join dropped (see CompiledEnrich). */
  droppedAliases?: Record<string, string>;
  droppedPairs?: { before: string; after: string; join: string }[];
  hasDedupe: boolean;
}

export interface CompiledSink {
  name: string;
  spec: SinkSpec;
  /** Resolved output path. */
  path: string;
  /** What is written: visible columns only, with the sink's row count observed. */
  df: DataFrame;
  /** The node it writes and the source whose rows reach it row-for-row (if any). */
  node: string;
  /** Writes `df` as the spec says (see sinkWriter); the runner only calls `save(staging)`. */
  writer: DataFrameWriter;
}

/** A pipeline turned into DataFrames: nothing has run yet. */
export interface CompiledPipeline {
  spec: PipelineSpec;
  sources: Map<string, CompiledSource>;
  nodes: Map<string, CompiledNode>;
  sinks: CompiledSink[];
  /** Every quarantined row of the run, or undefined when no policy quarantines. */
  quarantine: DataFrame | undefined;
  /** Writes `quarantine` with its row count observed (see quarantineWriter). */
  quarantineWriter: DataFrameWriter | undefined;
  quarantinePath: string | undefined;
  datasetChecks: DatasetCheck[];
  /** Sources whose counts the named clean step observes (`source_rows`, `source_malformed`). */
  sourceCountedBy: Record<string, string>;
  /** Steps in run order. */
  order: readonly string[];
  /** The spec's graph: lineage, consumers, shared steps, known columns. */
  graph: PipelineGraph;
}

/**
 * Compiles a validated pipeline into DataFrames (plans only; AnalyzePlan calls resolve schemas
 * where a step needs to know its input columns). `hints` carry what a scan of this run learned
 * about a source (files with invalid UTF-8, see run/source-scan.ts). Throws SparkConnectError when
 * Spark rejects a plan (e.g. an unknown column in a SQL expression), KindlingError for drift under
 * `drift: fail`.
 */
export async function compilePipeline(
  spark: SparkSession,
  spec: PipelineSpec,
  baseDir?: string,
  graph: PipelineGraph = pipelineGraph(spec),
  hints: ReadonlyMap<string, SourceHints> = new Map(),
): Promise<CompiledPipeline> {
  const sources = new Map<string, CompiledSource>();
  const nodes = new Map<string, CompiledNode>();
  const quarantines: DataFrame[] = [];
  const datasetChecks: DatasetCheck[] = [];
  const keepPositions = graph.positionReaders();
  const prune = (name: string, df: DataFrame) =>
    keepPositions.has(name) ? df : df.drop(...POSITION_COLUMNS);
  const order = graph.order;
  // A source's malformed rows join the quarantine of the first clean step reading it, so the raw
  // input is scanned once for both; without such a step they are a quarantine branch of their own.
  // When a sink reads that step, the step also counts the source in its own observation.
  const malformedFor = new Map<string, MalformedInput>();
  const sourceCountedBy: Record<string, string> = {};
  const written = graph.written();
  for (const [name, s] of Object.entries(spec.sources)) {
    const cs = await compileSource(spark, name, s, baseDir, hints.get(name));
    sources.set(name, cs);
    if (cs.malformed && s.malformed === "quarantine") {
      // Declared columns come first in every read, so no AnalyzePlan is needed to find one.
      const firstColumn = cs.firstDataColumn!;
      const absorber = order.find((n) => {
        const step = graph.step(n)!;
        return step.kind === "clean" && step.input === name;
      });
      const countsSource = absorber !== undefined && written.has(absorber);
      if (absorber) malformedFor.set(absorber, { all: cs.all, anyDataColumn: firstColumn, countsSource });
      else quarantines.push(malformedToQuarantine(cs.malformed, name, firstColumn));
      if (countsSource) sourceCountedBy[name] = absorber;
    }
    nodes.set(name, {
      name,
      kind: "source",
      // Valid rows have no corrupt record; the column is dropped once the filter has used it.
      df: prune(name, cs.valid.drop(CORRUPT)),
      rowSource: name,
      input: undefined,
      ruleAliases: {},
      warnAliases: {},
      unmatchedAliases: {},
      hasDedupe: false,
    });
  }
  for (const name of order) {
    const step = graph.step(name)!;
    const inputName = step.input!;
    const input = nodes.get(inputName);
    if (!input) throw new Error(`step ${name}: input ${inputName} is not compiled yet`);
    const rowSource = graph.isRowLevel(name) ? input.rowSource : undefined;
    const base = {
      name,
      kind: step.kind,
      rowSource,
      input: inputName,
      ruleAliases: {},
      warnAliases: {},
      unmatchedAliases: {},
      hasDedupe: false,
    };
    switch (step.kind) {
      case "clean": {
        const malformed = malformedFor.get(name);
        const from = malformed?.countsSource ? prune(inputName, malformed.all) : input.df;
        const c = await compileClean(from, step, input.rowSource ?? inputName, malformed);
        if (c.quarantine) quarantines.push(c.quarantine);
        datasetChecks.push(...c.datasetChecks);
        nodes.set(name, {
          ...base,
          df: prune(name, c.output),
          ruleAliases: c.ruleAliases,
          warnAliases: c.warnAliases,
          hasDedupe: c.hasDedupe,
        });
        break;
      }
      case "enrich": {
        const lookups = new Map<string, DataFrame>();
        for (const j of step.joins ?? []) {
          const n = nodes.get(j.with);
          if (!n) throw new Error(`step ${name}: lookup ${j.with} is not compiled yet`);
          lookups.set(j.with, n.df);
        }
        const e = await compileEnrich(input.df, step, lookups, input.rowSource ?? inputName);
        if (e.quarantine) quarantines.push(e.quarantine);
        nodes.set(name, {
          ...base,
          df: prune(name, e.output),
          unmatchedAliases: e.unmatchedAliases,
          droppedAliases: e.droppedAliases,
          droppedPairs: e.droppedPairs,
        });
        break;
      }
      case "aggregate":
        nodes.set(name, { ...base, df: compileAggregate(input.df, step) });
        break;
      case "filter":
        nodes.set(name, { ...base, df: prune(name, compileFilter(input.df, step)) });
        break;
      case "select":
        nodes.set(name, { ...base, df: prune(name, await compileSelect(input.df, step)) });
        break;
    }
  }
  const sinks: CompiledSink[] = [];
  for (const [name, s] of Object.entries(spec.sinks)) {
    const node = nodes.get(s.input);
    if (!node) throw new Error(`sink ${name}: input ${s.input} is not compiled`);
    const cols = (await node.df.columns()).filter((c) => !isHidden(c));
    const df = node.df
      .select(...cols.map((c) => F.col(q(c))))
      .observe(sinkMetric(name), F.count(F.lit(1)).alias("rows"));
    sinks.push({
      name,
      spec: s,
      path: resolvePath(s.path, baseDir),
      df,
      node: s.input,
      writer: sinkWriter(df, s),
    });
  }
  const quarantine = quarantines.length ? quarantines.reduce((a, b) => a.union(b)) : undefined;
  return {
    spec,
    sources,
    nodes,
    sinks,
    quarantine,
    quarantineWriter: quarantineWriter(quarantine, spec),
    quarantinePath: spec.quarantine ? resolvePath(spec.quarantine.path, baseDir) : undefined,
    datasetChecks,
    sourceCountedBy,
    order,
    graph,
  };
}
