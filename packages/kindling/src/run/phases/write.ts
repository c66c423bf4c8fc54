import type { DataFrameWriter, ExecutionInfo } from "@kindling/spark-connect";
import { QUARANTINE_METRIC, sinkMetric } from "../../compile/metrics.js";
import type { CompiledSink } from "../../compile/pipeline.js";
import { sinkWriter } from "../../compile/sink-writer.js";
import { GONE_GROUPS_DIR, Regrouping } from "../../delta/regroup.js";
import { outputWriteError } from "../fs-errors.js";
import type { Observed } from "../reconcile.js";
import type { ActionRecord } from "../result.js";
import { type WriteTarget, writeFailed } from "../write-error.js";
import { actionOptions, type PreparedRun, type StagedOutput, type WrittenRun } from "./state.js";

/** One write of the run: a sink, or the quarantine. */
interface WriteAction extends WriteTarget {
  writer: DataFrameWriter;
  sink?: CompiledSink;
}

/**
 * Writes every output to its staging location, one Spark action each: the sinks first (the first
 * fills the cache of steps several outputs read, the next ones read it), the quarantine last (it
 * reads the sources' scanned rows again: only rejected rows are kept from that pass). Each staging location is
 * probed before Spark runs. Throws KindlingError `output` naming the output, its path and why.
 */
export async function writeOutputs(run: PreparedRun): Promise<WrittenRun> {
  const { compiled, outputs, result } = run;
  // Incremental runs recompute aggregates per affected group, after their row tables (delta/regroup.ts).
  const regroup = Regrouping.plan(compiled, (s) => run.deltaSinks.readVersion(s), result.incremental);
  const plan: WriteAction[] = [
    ...regroup.writeOrder(compiled.sinks).map((s) => ({
      name: s.name,
      kind: "sink" as const,
      path: s.path,
      step: s.node,
      partitionBy: s.spec.partition_by,
      writer: s.writer,
      sink: s,
    })),
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
  for (const a of plan) await writeChecked(a, () => outputs.probe(a.path));
  result.cached = compiled.graph.sharedSteps();
  for (const name of result.cached) await compiled.nodes.get(name)!.df.persist("MEMORY_AND_DISK");
  const written: WrittenRun = { ...run, staged: [], deltaStaged: [], regroup };
  for (const [i, action] of plan.entries()) {
    run.options.onProgress?.({ type: "action", name: action.name, index: i + 1, total: plan.length });
    await writeAction(written, action);
  }
  return written;
}

/** Writes one output to staging and records it (rows from its observation, files and bytes). */
async function writeAction(run: WrittenRun, action: WriteAction): Promise<void> {
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
  run.result.actions.push(record);
  run.options.onProgress?.({
    type: "done",
    action: action.name,
    ms: Date.now() - t0,
    kind: action.kind,
    rows: record.rows,
  });
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
