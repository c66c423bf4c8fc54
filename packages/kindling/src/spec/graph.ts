/**
 * The pipeline as a graph, built once from a validated spec: the one place that answers run order,
 * inputs and consumers, lineage to the sources, which steps several outputs share, which nodes must
 * keep their row positions, and the columns of each node as far as they are known without Spark.
 * Compile, run, plan and report ask it; nothing else walks the step list (like dbt's
 * `core/dbt/graph/graph.py`).
 */
import type { DatasetColumns } from "./check/columns.js";
import type { PipelineSpec, StepSpec } from "./schema.js";

/** Steps whose output rows are their input's rows, one for one or fewer (no regrouping). */
const ROW_LEVEL = new Set<StepSpec["kind"]>(["clean", "enrich", "filter", "select"]);

export type NodeKind = "source" | StepSpec["kind"];

export class PipelineGraph {
  /** Step names in an order they can run in: every step after every node it reads. */
  readonly order: readonly string[];
  private readonly steps: ReadonlyMap<string, StepSpec>;
  private readonly consumers = new Map<string, string[]>();

  /**
   * @param spec a validated spec (every step's `input` filled in)
   * @param order its steps in run order (validation computes it while checking references)
   * @param columns the columns of each node where known without Spark (validation computes them)
   */
  constructor(
    readonly spec: PipelineSpec,
    order: readonly string[],
    private readonly columnsByNode: ReadonlyMap<string, DatasetColumns> = new Map(),
  ) {
    this.steps = new Map(spec.steps.map((s) => [s.name, s]));
    this.order = order.filter((n) => this.steps.has(n));
    for (const name of this.order)
      for (const input of this.inputsOf(name)) this.consumers.set(input, [...this.consumersOf(input), name]);
  }

  /** The names of the spec's sources, in spec order. */
  get sources(): string[] {
    return Object.keys(this.spec.sources);
  }

  /** `source` for a source, the step's kind for a step; undefined for an unknown name. */
  kind(name: string): NodeKind | undefined {
    if (name in this.spec.sources) return "source";
    return this.steps.get(name)?.kind;
  }

  /** The step of that name (undefined for a source or an unknown name). */
  step(name: string): StepSpec | undefined {
    return this.steps.get(name);
  }

  /** What a node reads: its `input`, then each enrich lookup (`joins[].with`). Sources read nothing. */
  inputsOf(name: string): string[] {
    const step = this.steps.get(name);
    if (!step?.input) return [];
    const lookups = step.kind === "enrich" ? (step.joins ?? []).map((j) => j.with) : [];
    return [step.input, ...lookups];
  }

  /** The steps that read a node (as input or lookup), in run order. */
  consumersOf(name: string): string[] {
    return this.consumers.get(name) ?? [];
  }

  /** The columns of a node when known without Spark (declared schemas carried through steps). */
  columns(name: string): DatasetColumns | undefined {
    return this.columnsByNode.get(name);
  }

  /** `from` and every source and step they read, through inputs and enrich lookups. */
  lineage(from: Iterable<string>): Set<string> {
    const seen = new Set<string>();
    const stack = [...from];
    while (stack.length) {
      const name = stack.pop()!;
      if (seen.has(name)) continue;
      seen.add(name);
      stack.push(...this.inputsOf(name));
    }
    return seen;
  }

  /** Every node some sink writes or reads through: what a run computes. */
  written(): Set<string> {
    return this.lineage(Object.values(this.spec.sinks).map((s) => s.input));
  }

  /**
   * The source whose rows reach `name` row for row (through clean/enrich/filter/select inputs), or
   * undefined after an aggregate.
   */
  rowSource(name: string): string | undefined {
    if (this.kind(name) === "source") return name;
    const step = this.steps.get(name);
    if (!step?.input || !ROW_LEVEL.has(step.kind)) return undefined;
    return this.rowSource(step.input);
  }

  /**
   * Steps that several sinks read, to compute once and keep in Spark's cache: a step read by two or
   * more sinks' lineages, unless a shared step further down already serves exactly those sinks
   * (caching both would hold the same rows twice). Sources are never listed (they are re-read).
   */
  sharedSteps(): string[] {
    const users = new Map<string, number>();
    for (const sink of Object.values(this.spec.sinks))
      for (const n of this.lineage([sink.input])) users.set(n, (users.get(n) ?? 0) + 1);
    const shared = [...users].filter(([n, count]) => count >= 2 && this.kind(n) !== "source").map(([n]) => n);
    return shared.filter(
      (n) => !shared.some((m) => m !== n && users.get(m) === users.get(n) && this.lineage([m]).has(n)),
    );
  }

  /**
   * The sources and steps whose output rows must keep their position columns (file, block,
   * sequence): those feeding, row for row, a step that de-duplicates (tie-break on read order) or
   * quarantines (the record names its file). Everywhere else the columns are dropped, so they do
   * not ride through later joins and shuffles or take room in a cached step.
   */
  positionReaders(): Set<string> {
    const keep = new Set<string>();
    // Reverse run order: a step's consumers are decided before the step itself.
    for (const name of [...this.order].reverse()) {
      const step = this.steps.get(name)!;
      if (!step.input) continue;
      if (readsPositions(step) || (ROW_LEVEL.has(step.kind) && keep.has(name))) keep.add(step.input);
    }
    return keep;
  }

  /** Whether a step's output rows are its input's rows (no regrouping). */
  isRowLevel(name: string): boolean {
    const kind = this.steps.get(name)?.kind;
    return kind !== undefined && ROW_LEVEL.has(kind);
  }
}

function readsPositions(s: StepSpec): boolean {
  if (s.kind === "clean") {
    const castQuarantine =
      Boolean(s.casts && Object.keys(s.casts).length) && s.on_cast_error === "quarantine";
    return Boolean(s.dedupe) || castQuarantine || (s.rules ?? []).some((r) => r.severity === "quarantine");
  }
  if (s.kind === "enrich") return (s.joins ?? []).some((j) => j.unmatched === "quarantine");
  return false;
}
