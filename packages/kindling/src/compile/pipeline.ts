import { type DataFrame, functions as F, type SparkSession } from "@kindling/spark-connect";
import { type PipelineSpec, type SinkSpec, type StepSpec, stepRunOrder } from "../spec/index.js";
import { compileClean, type DatasetCheck, type MalformedInput } from "./clean.js";
import { CORRUPT, isHidden, POSITION_COLUMNS, q } from "./hidden.js";
import { sinkMetric } from "./metrics.js";
import { malformedToQuarantine } from "./quarantine.js";
import { type CompiledSource, compileSource, resolvePath } from "./read.js";
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
}

/** A pipeline turned into DataFrames: nothing has run yet. */
export interface CompiledPipeline {
  spec: PipelineSpec;
  sources: Map<string, CompiledSource>;
  nodes: Map<string, CompiledNode>;
  sinks: CompiledSink[];
  /** Every quarantined row of the run, or undefined when no policy quarantines. */
  quarantine: DataFrame | undefined;
  quarantinePath: string | undefined;
  datasetChecks: DatasetCheck[];
  /** Sources whose counts the named clean step observes (`source_rows`, `source_malformed`). */
  sourceCountedBy: Record<string, string>;
  /** Steps in run order. */
  order: string[];
}

const ROW_LEVEL = new Set(["clean", "enrich", "filter", "select"]);

/**
 * Compiles a validated pipeline into DataFrames (plans only; AnalyzePlan calls resolve schemas
 * where a step needs to know its input columns). Throws SparkConnectError when Spark rejects a
 * plan (e.g. an unknown column in a SQL expression).
 */
export async function compilePipeline(
  spark: SparkSession,
  spec: PipelineSpec,
  baseDir?: string,
): Promise<CompiledPipeline> {
  const sources = new Map<string, CompiledSource>();
  const nodes = new Map<string, CompiledNode>();
  const quarantines: DataFrame[] = [];
  const datasetChecks: DatasetCheck[] = [];
  const keepPositions = positionReaders(spec);
  const prune = (name: string, df: DataFrame) =>
    keepPositions.has(name) ? df : df.drop(...POSITION_COLUMNS);
  const stepsByName = new Map(spec.steps.map((s) => [s.name, s]));
  const order = stepRunOrder(spec).filter((n) => stepsByName.has(n));
  // A source's malformed rows join the quarantine of the first clean step reading it, so the raw
  // input is scanned once for both; without such a step they are a quarantine branch of their own.
  // When a sink reads that step, the step also counts the source in its own observation.
  const malformedFor = new Map<string, MalformedInput>();
  const sourceCountedBy: Record<string, string> = {};
  const written = lineage(
    spec,
    Object.values(spec.sinks).map((s) => s.input),
  );
  for (const [name, s] of Object.entries(spec.sources)) {
    const cs = await compileSource(spark, name, s, baseDir);
    sources.set(name, cs);
    if (cs.malformed && s.malformed === "quarantine") {
      // Declared columns come first in every read, so no AnalyzePlan is needed to find one.
      const firstColumn = cs.firstDataColumn!;
      const absorber = order.find((n) => {
        const step = stepsByName.get(n)!;
        return step.kind === "clean" && step.input === name;
      });
      const countsSource = absorber !== undefined && written.has(absorber);
      if (absorber) malformedFor.set(absorber, { all: cs.all, anyDataColumn: firstColumn, countsSource });
      else {
        const data = (await cs.all.columns()).filter((c) => !isHidden(c) && c !== CORRUPT);
        quarantines.push(malformedToQuarantine(cs.malformed, name, data));
      }
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
    const step = stepsByName.get(name)!;
    const inputName = step.input!;
    const input = nodes.get(inputName);
    if (!input) throw new Error(`step ${name}: input ${inputName} is not compiled yet`);
    const rowSource = ROW_LEVEL.has(step.kind) ? input.rowSource : undefined;
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
    sinks.push({ name, spec: s, path: resolvePath(s.path, baseDir), df, node: s.input });
  }
  const quarantine = quarantines.length ? quarantines.reduce((a, b) => a.union(b)) : undefined;
  return {
    spec,
    sources,
    nodes,
    sinks,
    quarantine,
    quarantinePath: spec.quarantine ? resolvePath(spec.quarantine.path, baseDir) : undefined,
    datasetChecks,
    sourceCountedBy,
    order,
  };
}

/**
 * The sources and steps whose output rows must keep their position columns (file, block,
 * sequence): those feeding, row for row, a step that de-duplicates (tie-break on read order) or
 * quarantines (the record names its file). Everywhere else the columns are dropped, so they do
 * not ride through later joins and shuffles or take room in a cached step.
 */
export function positionReaders(spec: PipelineSpec): Set<string> {
  const readsPositions = (s: StepSpec): boolean => {
    if (s.kind === "clean") {
      const castQuarantine =
        Boolean(s.casts && Object.keys(s.casts).length) && s.on_cast_error === "quarantine";
      return Boolean(s.dedupe) || castQuarantine || (s.rules ?? []).some((r) => r.severity === "quarantine");
    }
    if (s.kind === "enrich") return (s.joins ?? []).some((j) => j.unmatched === "quarantine");
    return false;
  };
  const keep = new Set<string>();
  // Steps in reverse run order: a step's consumers are decided before the step itself.
  const order = stepRunOrder(spec);
  const steps = new Map(spec.steps.map((s) => [s.name, s]));
  for (const name of [...order].reverse()) {
    const step = steps.get(name);
    if (!step?.input) continue;
    if (readsPositions(step) || (ROW_LEVEL.has(step.kind) && keep.has(name))) keep.add(step.input);
  }
  return keep;
}

/** `from` and every source and step they read, through inputs and enrich lookups. */
export function lineage(spec: PipelineSpec, from: string[]): Set<string> {
  const steps = new Map(spec.steps.map((s) => [s.name, s]));
  const seen = new Set<string>();
  const stack = [...from];
  while (stack.length) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const step = steps.get(name);
    if (step?.input) stack.push(step.input);
    if (step?.kind === "enrich") for (const j of step.joins ?? []) stack.push(j.with);
  }
  return seen;
}
