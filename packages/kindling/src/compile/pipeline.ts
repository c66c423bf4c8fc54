import {
  type DataFrame,
  type DataFrameWriter,
  functions as F,
  type SparkSession,
} from "@kindling/spark-connect";
import {
  type CleanStepSpec,
  type EnrichStepSpec,
  type PipelineGraph,
  type PipelineSpec,
  pipelineGraph,
  type SinkSpec,
  type StepSpec,
} from "../spec/index.js";
import { compileClean, type DatasetCheck, type MalformedInput, type ScanJudge } from "./clean.js";
import { CORRUPT, isHidden, POSITION_COLUMNS, q } from "./hidden.js";
import { sinkMetric } from "./metrics.js";
import { malformedToQuarantine } from "./quarantine.js";
import { type CompiledSource, compileSource, resolvePath, type SourceHints } from "./read.js";
import { partitionTermsOnInput, sinkPartitionColumns, withInputPartitioned } from "./sink-partitioning.js";
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
  /**
   * The partition columns of the sinks writing this node when its rows come out repartitioned by
   * them already (compile/sink-partitioning.ts): those sinks do not repartition again.
   */
  partitionedBy?: string[];
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
  /**
   * The nodes the quarantine's branches read (a clean step's input, an enrich step's input and
   * lookups; none for a source's malformed rows, which come from the source's own scanned rows):
   * with their lineage, what the quarantine write recomputes or reads from a cache.
   */
  quarantineReads: ReadonlySet<string>;
  datasetChecks: DatasetCheck[];
  /** Sources whose counts the named clean step observes (`source_rows`, `source_malformed`). */
  sourceCountedBy: Record<string, string>;
  /** Steps in run order. */
  order: readonly string[];
  /** The spec's graph: lineage, consumers, shared steps, known columns. */
  graph: PipelineGraph;
  /**
   * Sources whose one consumer is the clean step that counts them: that step's judge, for the
   * source's scan to run once and stage the judged rows (run/source-scan.ts), so neither the step
   * nor its quarantine judge every row again.
   */
  scanJudges: ReadonlyMap<string, ScanJudge & { step: string }>;
  /** Steps compiled over rows their source's scan judged (CompileKnown.prejudged). */
  prejudged: ReadonlyMap<string, DataFrame>;
}

/** What a run learned before compiling (again), for {@link compilePipeline}. */
export interface CompileKnown {
  /** Per source, what a scan of this run learned (files with invalid UTF-8, see run/source-scan.ts). */
  hints?: ReadonlyMap<string, SourceHints>;
  /** Sources compiled already (read from the run's staged copies), used instead of compiling them. */
  sources?: ReadonlyMap<string, CompiledSource>;
  /**
   * Per step, rows written already that its consumers read instead of its plan (a shared step's
   * rows read back from the sink that wrote them, run/phases/read-back.ts). The step's own node
   * keeps its names and aliases; only what later steps and sinks read changes.
   */
  readBack?: ReadonlyMap<string, DataFrame>;
  /**
   * Per clean step, every row of its source judged by the step's scan judge already (the
   * source's staged copy): the step and its quarantine read these verdicts instead of judging.
   */
  prejudged?: ReadonlyMap<string, DataFrame>;
}

/**
 * Compiles a validated pipeline into DataFrames (plans only; AnalyzePlan calls resolve schemas
 * where a step needs to know its input columns); `known` carries what the run learned already (see
 * {@link CompileKnown}). Throws SparkConnectError when
 * Spark rejects a plan (e.g. an unknown column in a SQL expression), KindlingError for drift under
 * `drift: fail`.
 */
export async function compilePipeline(
  spark: SparkSession,
  spec: PipelineSpec,
  baseDir?: string,
  graph: PipelineGraph = pipelineGraph(spec),
  known: CompileKnown = {},
): Promise<CompiledPipeline> {
  const c: Compilation = {
    graph,
    keepPositions: graph.positionReaders(),
    nodes: new Map(),
    quarantines: [],
    quarantineReads: new Set(),
    datasetChecks: [],
    malformedFor: new Map(),
    sourceCountedBy: {},
    scanJudges: new Map(),
    prejudged: known.prejudged ?? new Map(),
  };
  const compiledSources = await compileSources(
    c,
    spark,
    spec,
    baseDir,
    known.hints ?? new Map(),
    known.sources,
  );
  for (const name of graph.order) {
    const node = await compileStep(c, name);
    const readBack = known.readBack?.get(name);
    // Rows read back from files are not partitioned as the step's plan left them: a sink writing
    // them repartitions again.
    c.nodes.set(name, readBack ? { ...node, df: readBack, partitionedBy: undefined } : node);
  }
  const sinks: CompiledSink[] = [];
  for (const [name, s] of Object.entries(spec.sinks)) sinks.push(await compileSink(c, name, s, baseDir));
  const quarantine = c.quarantines.length ? c.quarantines.reduce((a, b) => a.union(b)) : undefined;
  return {
    spec,
    sources: compiledSources,
    nodes: c.nodes,
    sinks,
    quarantine,
    quarantineWriter: quarantineWriter(quarantine, spec),
    quarantinePath: spec.quarantine ? resolvePath(spec.quarantine.path, baseDir) : undefined,
    quarantineReads: c.quarantineReads,
    datasetChecks: c.datasetChecks,
    sourceCountedBy: c.sourceCountedBy,
    scanJudges: c.scanJudges,
    prejudged: c.prejudged,
    order: graph.order,
    graph,
  };
}

/** What compiling collects while it walks the sources, then the steps in run order. */
interface Compilation {
  graph: PipelineGraph;
  /** Nodes whose consumers need the row-position columns (the rest drop them). */
  keepPositions: Set<string>;
  nodes: Map<string, CompiledNode>;
  quarantines: DataFrame[];
  /** See CompiledPipeline.quarantineReads. */
  quarantineReads: Set<string>;
  datasetChecks: DatasetCheck[];
  /** Clean steps that absorb a source's malformed rows (see routeMalformed). */
  malformedFor: Map<string, MalformedInput>;
  sourceCountedBy: Record<string, string>;
  scanJudges: Map<string, ScanJudge & { step: string }>;
  prejudged: ReadonlyMap<string, DataFrame>;
}

/** A step's node before its step kind fills in `df` and the aliases it observes. */
type NodeBase = Omit<CompiledNode, "df"> & { input: string };

function prune(c: Compilation, name: string, df: DataFrame): DataFrame {
  return c.keepPositions.has(name) ? df : df.drop(...POSITION_COLUMNS);
}

/** Reads every source into a node, routing its malformed rows. */
async function compileSources(
  c: Compilation,
  spark: SparkSession,
  spec: PipelineSpec,
  baseDir: string | undefined,
  hints: ReadonlyMap<string, SourceHints>,
  compiled: ReadonlyMap<string, CompiledSource> | undefined,
): Promise<Map<string, CompiledSource>> {
  const sources = new Map<string, CompiledSource>();
  for (const [name, s] of Object.entries(spec.sources)) {
    const cs = compiled?.get(name) ?? (await compileSource(spark, name, s, baseDir, hints.get(name)));
    sources.set(name, cs);
    if (cs.malformed && s.malformed === "quarantine") routeMalformed(c, name, cs, cs.malformed);
    c.nodes.set(name, {
      name,
      kind: "source",
      // Valid rows have no corrupt record; the column is dropped once the filter has used it.
      df: prune(c, name, cs.valid.drop(CORRUPT)),
      rowSource: name,
      input: undefined,
      ruleAliases: {},
      warnAliases: {},
      unmatchedAliases: {},
      hasDedupe: false,
    });
  }
  return sources;
}

/**
 * A source's malformed rows join the quarantine of the first clean step reading it, so the raw
 * input is scanned once for both; without such a step they are a quarantine branch of their own.
 * When a sink reads that step, the step also counts the source in its own observation.
 */
function routeMalformed(c: Compilation, name: string, cs: CompiledSource, malformed: DataFrame): void {
  // Declared columns come first in every read, so no AnalyzePlan is needed to find one.
  const firstColumn = cs.firstDataColumn!;
  const absorber = c.graph.order.find((n) => {
    const step = c.graph.step(n)!;
    return step.kind === "clean" && step.input === name;
  });
  const countsSource = absorber !== undefined && c.graph.written().has(absorber);
  if (absorber) c.malformedFor.set(absorber, { all: cs.all, anyDataColumn: firstColumn, countsSource });
  else c.quarantines.push(malformedToQuarantine(malformed, name, firstColumn));
  if (countsSource) c.sourceCountedBy[name] = absorber;
}

/** Compiles one step on its (already compiled) input node. */
async function compileStep(c: Compilation, name: string): Promise<CompiledNode> {
  const step = c.graph.step(name)!;
  const inputName = step.input!;
  const input = c.nodes.get(inputName);
  if (!input) throw new Error(`step ${name}: input ${inputName} is not compiled yet`);
  const base: NodeBase = {
    name,
    kind: step.kind,
    rowSource: c.graph.isRowLevel(name) ? input.rowSource : undefined,
    input: inputName,
    ruleAliases: {},
    warnAliases: {},
    unmatchedAliases: {},
    hasDedupe: false,
  };
  switch (step.kind) {
    case "clean":
      return compileCleanNode(c, step, base, input);
    case "enrich":
      return compileEnrichNode(c, step, base, input);
    case "aggregate":
      return { ...base, df: compileAggregate(input.df, step) };
    case "filter":
      return { ...base, df: prune(c, name, compileFilter(input.df, step)) };
    case "select":
      return { ...base, df: prune(c, name, await compileSelect(input.df, step)) };
  }
}

async function compileCleanNode(
  c: Compilation,
  step: CleanStepSpec,
  base: NodeBase,
  input: CompiledNode,
): Promise<CompiledNode> {
  const malformed = c.malformedFor.get(base.name);
  const from = malformed?.countsSource ? prune(c, base.input, malformed.all) : input.df;
  const judged = malformed?.countsSource ? c.prejudged.get(base.name) : undefined;
  const prejudged = judged && { all: judged, main: prune(c, base.input, judged) };
  const out = await compileClean(from, step, input.rowSource ?? base.input, malformed, prejudged);
  const onlyConsumer = c.graph.consumersOf(base.input).every((n) => n === base.name);
  if (out.scanJudge && onlyConsumer) c.scanJudges.set(base.input, { ...out.scanJudge, step: base.name });
  if (out.quarantine) c.quarantines.push(out.quarantine);
  // With the source's malformed rows, the step's quarantine judges the source's scanned rows.
  if (out.quarantine && !malformed) c.quarantineReads.add(base.input);
  c.datasetChecks.push(...out.datasetChecks);
  return {
    ...base,
    df: prune(c, base.name, out.output),
    ruleAliases: out.ruleAliases,
    warnAliases: out.warnAliases,
    hasDedupe: out.hasDedupe,
  };
}

async function compileEnrichNode(
  c: Compilation,
  step: EnrichStepSpec,
  base: NodeBase,
  input: CompiledNode,
): Promise<CompiledNode> {
  const lookups = new Map<string, DataFrame>();
  for (const j of step.joins ?? []) {
    const n = c.nodes.get(j.with);
    if (!n) throw new Error(`step ${base.name}: lookup ${j.with} is not compiled yet`);
    lookups.set(j.with, n.df);
  }
  const by = sinkPartitionColumns(c.graph.spec, base.name);
  const terms = by && partitionTermsOnInput(step, await input.df.columns(), by);
  const { compiled: out, partitioned } = await withInputPartitioned(input.df, terms, (rows) =>
    compileEnrich(rows, step, lookups, input.rowSource ?? base.input),
  );
  if (out.quarantine) c.quarantines.push(out.quarantine);
  if (out.quarantine) for (const n of [base.input, ...lookups.keys()]) c.quarantineReads.add(n);
  return {
    ...base,
    df: prune(c, base.name, out.output),
    unmatchedAliases: out.unmatchedAliases,
    droppedAliases: out.droppedAliases,
    droppedPairs: out.droppedPairs,
    ...(partitioned ? { partitionedBy: by } : {}),
  };
}

/** A sink: its input's visible columns, with the sink's row count observed, and its writer. */
async function compileSink(
  c: Compilation,
  name: string,
  s: SinkSpec,
  baseDir: string | undefined,
): Promise<CompiledSink> {
  const node = c.nodes.get(s.input);
  if (!node) throw new Error(`sink ${name}: input ${s.input} is not compiled`);
  const cols = (await node.df.columns()).filter((col) => !isHidden(col));
  const df = node.df
    .select(...cols.map((col) => F.col(q(col))))
    .observe(sinkMetric(name), F.count(F.lit(1)).alias("rows"));
  return {
    name,
    spec: s,
    path: resolvePath(s.path, baseDir),
    df,
    node: s.input,
    writer: sinkWriter(df, s, node.partitionedBy !== undefined),
  };
}
