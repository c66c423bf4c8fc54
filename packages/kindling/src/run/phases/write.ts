import type { DataFrameWriter, ExecutionInfo } from "@kindling/spark-connect";
import { QUARANTINE_METRIC, sinkMetric } from "../../compile/metrics.js";
import type { CompiledPipeline, CompiledSink } from "../../compile/pipeline.js";
import { sinkWriter } from "../../compile/sink-writer.js";
import { GONE_GROUPS_DIR, Regrouping } from "../../delta/regroup.js";
import type { PipelineGraph } from "../../spec/index.js";
import { outputWriteError } from "../fs-errors.js";
import type { Observed } from "../reconcile.js";
import type { ActionRecord } from "../result.js";
import { type WriteTarget, writeFailed } from "../write-error.js";
import { compileReadBack, readBackSinks } from "./read-back.js";
import { actionOptions, type PreparedRun, type StagedOutput, type WrittenRun } from "./state.js";

/** One write of the run: a sink, or the quarantine. */
interface WriteAction extends WriteTarget {
  writer: DataFrameWriter;
  sink?: CompiledSink;
}

/**
 * Writes every output to its staging location, one Spark action each: the sinks one after another,
 * those writing a step several outputs read first (read-back.ts: the others read that step back
 * from their files; a shared step no sink writes whole is kept in Spark's cache by the first sink
 * reading it), the quarantine beside them when it reads none of the shared steps (it then reads
 * only the sources' staged rows, and its jobs use the cores the sinks' small stages leave idle),
 * else last. Each staging location is probed before Spark runs. Records keep the plan's order.
 * Throws KindlingError `output` naming the output, its path and why (the first failure in plan
 * order); a write running beside a failed one is waited for first.
 */
export async function writeOutputs(run: PreparedRun): Promise<WrittenRun> {
  const { compiled, outputs, result } = run;
  // Incremental runs recompute aggregates per affected group, after their row tables (delta/regroup.ts).
  const regroup = Regrouping.plan(compiled, (s) => run.deltaSinks.readVersion(s), result.incremental);
  const shared = compiled.graph.sharedSteps();
  const readBack = await readBackSinks(compiled, shared, result.incremental !== undefined);
  const plan = writePlan(compiled, regroup.writeOrder(compiled.sinks), readBack);
  for (const a of plan) await writeChecked(a, () => outputs.probe(a.path));
  result.cached = shared.filter((s) => !readBack.has(s));
  result.readBack = Object.fromEntries([...readBack].map(([step, sink]) => [step, sink.name]));
  for (const name of result.cached) await compiled.nodes.get(name)!.df.persist("MEMORY_AND_DISK");
  const written: WrittenRun = { ...run, staged: [], deltaStaged: [], regroup };
  const aside = quarantineAside(compiled.graph, compiled.quarantineReads, shared)
    ? plan.find((a) => a.kind === "quarantine")
    : undefined;
  const start = (action: WriteAction) => {
    const index = plan.indexOf(action) + 1;
    run.options.onProgress?.({ type: "action", name: action.name, index, total: plan.length });
    return writeAction(written, action);
  };
  const asideDone = aside ? start(aside).then(settled, failedWith) : undefined;
  const records = new Map<WriteAction, ActionRecord>();
  const feeders = new Set([...readBack.values()].map((s) => s.name));
  let failure: { error: unknown } | undefined;
  let rewired: CompiledPipeline | undefined;
  for (const action of plan) {
    if (action === aside) continue;
    try {
      // Once the sinks writing shared steps are written, the others read those steps back.
      if (feeders.size && !feeders.has(action.name)) rewired ??= await compileReadBack(run, readBack);
      records.set(action, await start(rewired ? rewire(action, rewired) : action));
    } catch (error) {
      failure = { error };
      break;
    }
  }
  const asideResult = await asideDone;
  if (aside && asideResult && "record" in asideResult) records.set(aside, asideResult.record);
  // Records in plan order, for what was written even when a write failed.
  for (const a of plan) if (records.has(a)) result.actions.push(records.get(a)!);
  if (failure) throw failure.error;
  if (asideResult && "error" in asideResult) throw asideResult.error;
  return written;
}

/**
 * The run's writes in order: the sinks (`sinks`, in the order the run writes them; those writing
 * a step read back by the others first), then the quarantine.
 */
function writePlan(
  compiled: CompiledPipeline,
  sinks: CompiledSink[],
  readBack: ReadonlyMap<string, CompiledSink>,
): WriteAction[] {
  const feeders = new Set(readBack.values());
  const ordered = [...sinks.filter((s) => feeders.has(s)), ...sinks.filter((s) => !feeders.has(s))];
  return [
    ...ordered.map((s) => sinkAction(s)),
    ...(compiled.quarantineWriter && compiled.quarantinePath
      ? [
          {
            name: "quarantine",
            kind: "quarantine" as const,
            path: compiled.quarantinePath,
            writer: compiled.quarantineWriter,
          },
        ]
      : []),
  ];
}

function sinkAction(s: CompiledSink): WriteAction {
  return {
    name: s.name,
    kind: "sink",
    path: s.path,
    step: s.node,
    partitionBy: s.spec.partition_by,
    writer: s.writer,
    sink: s,
  };
}

/** `action` with the writer of the same output in `compiled` (the pipeline reading shared steps back). */
function rewire(action: WriteAction, compiled: CompiledPipeline): WriteAction {
  if (action.kind === "sink") return sinkAction(compiled.sinks.find((s) => s.name === action.name)!);
  return { ...action, writer: compiled.quarantineWriter ?? action.writer };
}

const settled = (record: ActionRecord) => ({ record });
const failedWith = (error: unknown) => ({ error });

/**
 * True when a quarantine reading the nodes `reads` (CompiledPipeline.quarantineReads) reads none
 * of the steps `shared` (steps several outputs read, which the first sink caches or writes for the
 * others to read back), through their lineage in `graph`: it then reads only the sources' staged
 * rows and can run beside the sinks without computing a shared step a second time (or reading it
 * half-cached).
 */
export function quarantineAside(
  graph: PipelineGraph,
  reads: ReadonlySet<string>,
  shared: readonly string[],
): boolean {
  const lineage = graph.lineage(reads);
  return !shared.some((c) => lineage.has(c));
}

/** Writes one output to staging; returns its record (rows from its observation, files and bytes). */
async function writeAction(run: WrittenRun, action: WriteAction): Promise<ActionRecord> {
  const t0 = Date.now();
  const staging = run.outputs.stagingPath(action.path);
  const gone = action.sink ? await regroupedPlan(run, action.sink) : undefined;
  const writer = gone ? sinkWriter(action.sink!.df, action.sink!.spec) : action.writer;
  const info: ExecutionInfo = await writeChecked(action, () =>
    writer.save(staging, actionOptions(run, action.name, `${action.name}: write`)),
  );
  if (gone) {
    const path = `${staging}/${GONE_GROUPS_DIR}`;
    await gone.write
      .mode("overwrite")
      .parquet(path, actionOptions(run, action.name, `${action.name}: gone groups`));
    run.regroup.staged(action.name, path);
  }
  if (!action.sink) run.staged.push({ staging, final: action.path, mode: "overwrite" });
  else if (run.deltaSinks.has(action.name)) run.deltaStaged.push({ sink: action.name, staging });
  else run.staged.push({ staging, final: action.path, mode: publishMode(action.sink) });
  for (const [k, v] of Object.entries(info.observedMetrics)) if (!(k in run.observed)) run.observed[k] = v;
  const stats = await run.store.stats(staging);
  const record: ActionRecord = {
    name: action.name,
    kind: action.kind,
    path: action.path,
    ms: Date.now() - t0,
    rows: actionRows(info.observedMetrics, action),
    files: stats.files,
    bytes: stats.bytes,
  };
  run.options.onProgress?.({
    type: "done",
    action: action.name,
    ms: Date.now() - t0,
    kind: action.kind,
    rows: record.rows,
  });
  return record;
}

/**
 * For an aggregate sink an incremental run recomputes per affected group (delta/regroup.ts): swaps
 * the sink's plan for the recomputed groups and returns the plan of the groups to delete; else
 * undefined (the compiled writer stands).
 */
async function regroupedPlan(run: WrittenRun, sink: CompiledSink) {
  const stagingOf = (name: string) =>
    run.outputs.stagingPath(run.compiled.sinks.find((s) => s.name === name)!.path);
  return run.regroup.replacePlan(run.spark, sink, stagingOf);
}

/** How a staged sink is published: append, replace the partitions written, or replace it all. */
function publishMode(sink: CompiledSink): StagedOutput["mode"] {
  if (sink.spec.mode === "append") return "append";
  return sink.spec.dynamic_partition_overwrite && sink.spec.partition_by?.length ? "dynamic" : "overwrite";
}

/** How a write names its output in errors: `sink orders_clean` or `the quarantine`. */
function describeOutput(action: { name: string; kind: "sink" | "quarantine" }): string {
  return action.kind === "quarantine" ? "the quarantine" : `sink ${action.name}`;
}

/**
 * Runs a write of `action`; a failure says which output, where, and why: in words for a folder that
 * cannot be written (permissions, full disk), else Spark's error with its root cause (write-error.ts).
 */
async function writeChecked<T>(action: WriteTarget, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (e) {
    const named = outputWriteError(describeOutput(action), action.path, e);
    throw named !== e ? named : writeFailed(e, action);
  }
}

/** The rows an action wrote, from its own observation (the sink's, or the quarantine's). */
export function actionRows(
  observed: Observed,
  action: { name: string; kind: "sink" | "quarantine" },
): number {
  const key = action.kind === "quarantine" ? QUARANTINE_METRIC : sinkMetric(action.name);
  return Number((observed[key]?.rows as bigint | undefined) ?? 0n);
}
