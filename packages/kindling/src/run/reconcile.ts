/**
 * The run's bookkeeping: counts per source, step and sink from the observed metrics of the writes,
 * and the identity that proves nothing was lost: for every source and every sink its rows reach
 * row for row, rows in = rows out + quarantined + duplicates + dropped + filtered.
 */

import { dedupeMetric, QUARANTINE_METRIC, sinkMetric, sourceMetric, stepMetric } from "../compile/metrics.js";
import type { CompiledNode, CompiledPipeline, CompiledSink } from "../compile/pipeline.js";

export type Observed = Record<string, Record<string, unknown>>;

export interface StepRecord {
  name: string;
  kind: string;
  rowsIn: number | undefined;
  rowsOut: number | undefined;
  quarantined: number;
  dropped: number;
  failed: number;
  duplicates: number;
  filtered: number;
  unmatched: Record<string, number>;
  /** Rows each join of an enrich step dropped (inner, semi, anti), by join. */
  droppedBy: Record<string, number>;
  rules: Record<string, number>;
  warnings: Record<string, number>;
}

export interface Reconciliation {
  source: string;
  sink: string;
  rowsIn: number;
  rowsOut: number;
  malformed: number;
  quarantined: number;
  duplicates: number;
  dropped: number;
  filtered: number;
  holds: boolean;
}

const n = (v: unknown): number => (typeof v === "bigint" ? Number(v) : typeof v === "number" ? v : 0);
const opt = (v: unknown): number | undefined => (v === undefined || v === null ? undefined : n(v));

export interface RunCounts {
  sources: Record<string, { rows: number; malformed: number }>;
  steps: StepRecord[];
  sinks: Record<string, number>;
  reconciliations: Reconciliation[];
  /**
   * Observations an identity needs that Spark did not report (e.g. an empty stage that adaptive
   * execution dropped from the final plan, taking its observation with it). Non-empty means the
   * counts above are not true numbers: the run must count again or fail, never report zeros.
   */
  missing: string[];
}

/** Builds the run's counts from observed metrics and checks every identity. */
export function reconcile(compiled: CompiledPipeline, observed: Observed): RunCounts {
  const sources = sourceCounts(compiled, observed);
  const steps: StepRecord[] = [];
  const byName = new Map<string, StepRecord>();
  // Rows an enrich step reads: its input's rows out (a source's valid rows, or a step's).
  const rowsOutOf = (from: string) => {
    const src = sources[from];
    return src ? src.rows - src.malformed : byName.get(from)?.rowsOut;
  };
  for (const name of compiled.order) {
    const rec = stepRecord(compiled.nodes.get(name)!, observed, rowsOutOf);
    steps.push(rec);
    byName.set(name, rec);
  }
  const sinks: Record<string, number> = {};
  for (const s of compiled.sinks) sinks[s.name] = n(observed[sinkMetric(s.name)]?.rows);

  const reconciliations: Reconciliation[] = [];
  const missing = new Set<string>();
  const need = (key: string) => {
    if (observed[key] === undefined) missing.add(key);
  };
  for (const sink of compiled.sinks) {
    need(sinkMetric(sink.name));
    const r = sinkReconciliation(compiled, sink, { sources, sinks, byName }, need);
    if (r) reconciliations.push(r);
  }
  const unexplained = quarantineUnexplained(observed, sources, steps);
  if (unexplained) missing.add(unexplained);
  return { sources, steps, sinks, reconciliations, missing: [...missing] };
}

function sourceCounts(compiled: CompiledPipeline, observed: Observed): RunCounts["sources"] {
  const sources: RunCounts["sources"] = {};
  for (const name of compiled.sources.keys()) {
    // A source read by a clean step that quarantines its malformed rows is counted by that step.
    const by = compiled.sourceCountedBy[name];
    const m = (by ? observed[stepMetric(by)] : observed[sourceMetric(name)]) ?? {};
    const prefix = by ? "source_" : "";
    sources[name] = { rows: n(m[`${prefix}rows`]), malformed: n(m[`${prefix}malformed`]) };
  }
  return sources;
}

/** A step's record: its rule, warning and unmatched counts from its observation, then its rows. */
function stepRecord(
  node: CompiledNode,
  observed: Observed,
  rowsOutOf: (from: string) => number | undefined,
): StepRecord {
  const m = observed[stepMetric(node.name)] ?? {};
  const rules: Record<string, number> = {};
  for (const [alias, rule] of Object.entries(node.ruleAliases))
    rules[rule] = (rules[rule] ?? 0) + n(m[alias]);
  const warnings: Record<string, number> = {};
  for (const [alias, rule] of Object.entries(node.warnAliases))
    warnings[rule] = (warnings[rule] ?? 0) + n(m[alias]);
  const unmatched: Record<string, number> = {};
  for (const [alias, target] of Object.entries(node.unmatchedAliases)) unmatched[target] = n(m[alias]);
  const rec: StepRecord = {
    name: node.name,
    kind: node.kind,
    rowsIn: undefined,
    rowsOut: undefined,
    quarantined: 0,
    dropped: 0,
    failed: 0,
    duplicates: 0,
    filtered: 0,
    unmatched,
    droppedBy: {},
    rules,
    warnings,
  };
  countStepRows(rec, node, observed, rowsOutOf);
  return rec;
}

/** Fills in a step's rows in and out and the rows it removed, as its kind observes them. */
function countStepRows(
  rec: StepRecord,
  node: CompiledNode,
  observed: Observed,
  rowsOutOf: (from: string) => number | undefined,
): void {
  const m = observed[stepMetric(node.name)] ?? {};
  switch (node.kind) {
    case "clean": {
      const d = observed[dedupeMetric(node.name)] ?? {};
      rec.rowsIn = opt(m.rows_in);
      rec.quarantined = n(m.quarantined);
      rec.dropped = n(m.dropped);
      rec.failed = n(m.failed);
      rec.duplicates = n(d.duplicates);
      if (rec.rowsIn !== undefined)
        rec.rowsOut = rec.rowsIn - rec.quarantined - rec.dropped - rec.failed - rec.duplicates;
      break;
    }
    case "enrich": {
      // Rows in are the input's rows out (not observed again: one observation less in the scan).
      rec.rowsIn = rowsOutOf(node.input!);
      rec.quarantined = n(m.quarantined);
      rec.droppedBy = joinDrops(node, observed);
      rec.dropped = Object.values(rec.droppedBy).reduce((a, b) => a + b, 0);
      // rows_out counts the joined rows before the ones a join left out were removed.
      rec.rowsOut = m.rows_out === undefined ? undefined : n(m.rows_out) - rec.quarantined - rec.dropped;
      break;
    }
    case "filter":
      rec.rowsIn = opt(m.rows_in);
      rec.rowsOut = opt(m.rows_out);
      if (rec.rowsIn !== undefined && rec.rowsOut !== undefined) rec.filtered = rec.rowsIn - rec.rowsOut;
      break;
    default:
      rec.rowsOut = opt(m.rows_out);
      if (node.kind === "select") rec.rowsIn = rec.rowsOut;
  }
}

/**
 * The identity for one sink whose rows come row for row from a source (undefined when an
 * aggregate on the way breaks row identity). Calls `need` with every observation it rests on.
 */
function sinkReconciliation(
  compiled: CompiledPipeline,
  sink: CompiledSink,
  counts: Pick<RunCounts, "sources" | "sinks"> & { byName: Map<string, StepRecord> },
  need: (key: string) => void,
): Reconciliation | undefined {
  const chain: string[] = [];
  let cur = compiled.nodes.get(sink.node);
  while (cur && cur.kind !== "source") {
    chain.push(cur.name);
    cur = cur.input ? compiled.nodes.get(cur.input) : undefined;
  }
  const head = compiled.nodes.get(sink.node);
  if (!head?.rowSource || cur?.name !== head.rowSource) return undefined;
  const src = counts.sources[head.rowSource]!;
  const by = compiled.sourceCountedBy[head.rowSource];
  need(by ? stepMetric(by) : sourceMetric(head.rowSource));
  for (const s of chain) {
    need(stepMetric(s));
    if (dedupes(compiled, s)) need(dedupeMetric(s));
  }
  const sum = (f: (s: StepRecord) => number) => chain.reduce((acc, s) => acc + f(counts.byName.get(s)!), 0);
  const r: Reconciliation = {
    source: head.rowSource,
    sink: sink.name,
    rowsIn: src.rows,
    rowsOut: counts.sinks[sink.name]!,
    malformed: src.malformed,
    quarantined: sum((s) => s.quarantined),
    duplicates: sum((s) => s.duplicates),
    dropped: sum((s) => s.dropped),
    filtered: sum((s) => s.filtered),
    holds: false,
  };
  r.holds = r.rowsIn === r.rowsOut + r.malformed + r.quarantined + r.duplicates + r.dropped + r.filtered;
  return r;
}

/**
 * The quarantine is written by an action of its own, so its row count survives when the steps'
 * observations are lost (Spark reports them as zeros, not as absent). Every quarantined row was
 * counted by a step (quarantined, or a duplicate) or a source (malformed): more rows in the
 * quarantine than that means the step counts are not true numbers.
 */
function quarantineUnexplained(
  observed: Observed,
  sources: RunCounts["sources"],
  steps: StepRecord[],
): string | undefined {
  const held = observed[QUARANTINE_METRIC]?.rows;
  if (held === undefined) return undefined;
  const counted =
    steps.reduce((a, s) => a + s.quarantined + s.duplicates, 0) +
    Object.values(sources).reduce((a, s) => a + s.malformed, 0);
  if (n(held) <= counted) return undefined;
  return `the steps' counts (the quarantine holds ${n(held)} row(s), the steps and sources counted ${counted})`;
}

/** Whether a step removes duplicates (and so reports them through its own observation). */
function dedupes(compiled: CompiledPipeline, step: string): boolean {
  const spec = compiled.spec.steps.find((s) => s.name === step);
  return spec?.kind === "clean" && spec.dedupe !== undefined;
}

/** Rows each join of an enrich step dropped: counted in the step's observation, or around the join. */
function joinDrops(node: CompiledNode, observed: Observed): Record<string, number> {
  const m = observed[stepMetric(node.name)] ?? {};
  const by: Record<string, number> = {};
  for (const [alias, join] of Object.entries(node.droppedAliases ?? {})) by[join] = n(m[alias]);
  for (const p of node.droppedPairs ?? [])
    by[p.join] = n(observed[p.before]?.rows) - n(observed[p.after]?.rows);
  return by;
}
