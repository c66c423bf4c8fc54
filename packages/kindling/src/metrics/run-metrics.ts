/**
 * Kindling's own figures of a pipeline run as Prometheus metrics (prom-client): per run, per
 * source, per step and per output, plus the run's Spark stages as the runner read them from the
 * Spark UI. Every series carries `pipeline`, `run_id` and `application_id`, so runs that share one
 * Spark application (a long-lived Connect server) are told apart.
 */
import { Gauge, type Registry } from "prom-client";
import type { RunResult } from "../run/runner.js";
import { LABELS, metricName } from "./names.js";

const RUN_LABELS = [LABELS.pipeline, LABELS.run, LABELS.application] as const;
type RunLabel = (typeof RUN_LABELS)[number];
type Labels<L extends string> = Partial<Record<L | RunLabel, string | number>>;

/** Every metric a run produces: name (without the `kindling_` prefix), help text, extra labels. */
export const RUN_METRICS = {
  run_status: [
    "1 for the run's status (running while live; succeeded or failed once finished), 0 for the other.",
    ["status"],
  ],
  run_active: ["1 while the run is in progress, 0 once it has finished (the final push says 0).", []],
  run_start_timestamp_seconds: ["When the run started (Unix seconds).", []],
  run_last_push_timestamp_seconds: [
    "When these figures were pushed (Unix seconds); older than the run's push interval = stale.",
    [],
  ],
  run_duration_seconds: ["Wall time of the run.", []],
  run_rows_in: [
    "Rows read from every source (while live: records Spark's stages of the run have read so far).",
    [],
  ],
  run_rows_out: ["Rows written to every sink (while live: by the outputs finished so far).", []],
  run_rows_quarantined: [
    "Rows sent to the quarantine (malformed or breaking a quarantine rule; while live: once written).",
    [],
  ],
  run_actions_total: ["Actions of the run: one per output written (sinks, quarantine), plus a recount.", []],
  run_actions_done: ["Actions of the run finished so far.", []],
  run_current_action: [
    "1 for the action (the output being written) in progress; live pushes only.",
    ["action"],
  ],
  run_spark_stages: ["Spark stages the run's jobs have started so far.", []],
  run_spark_stages_done: ["Spark stages of the run finished so far.", []],
  run_spark_tasks: ["Tasks of the Spark stages the run has started so far.", []],
  run_spark_tasks_done: ["Tasks of the run's Spark stages finished so far.", []],
  run_spark_input_bytes_read: ["Bytes the run's Spark stages have read from storage so far.", []],
  run_throughput_rows_per_second: ["Rows read per second of wall time.", []],
  source_rows: ["Rows read from a source (malformed ones included).", ["source"]],
  source_malformed_rows: ["Malformed rows of a source (quarantined when the source says so).", ["source"]],
  source_bytes: ["Bytes of a source's input files.", ["source"]],
  step_rows_in: ["Rows entering a step.", ["step", "kind"]],
  step_rows_out: ["Rows leaving a step.", ["step", "kind"]],
  step_rows_quarantined: ["Rows a step sent to the quarantine.", ["step", "kind"]],
  step_rows_dropped: ["Rows a step dropped by rule.", ["step", "kind"]],
  step_rows_duplicates: ["Duplicate rows a step removed.", ["step", "kind"]],
  step_rows_filtered: ["Rows a filter step removed.", ["step", "kind"]],
  output_rows: ["Rows written to an output (a sink or the quarantine).", ["output", "kind"]],
  output_bytes: ["Bytes of an output's files after publishing.", ["output", "kind"]],
  output_files: ["Files of an output.", ["output", "kind"]],
  output_duration_seconds: [
    "Wall time of the Spark job(s) that computed and wrote an output (steps run fused inside them).",
    ["output", "kind"],
  ],
  output_throughput_rows_per_second: ["Rows written per second while writing an output.", ["output", "kind"]],
  spark_jobs: ["Spark jobs the run started (matched by the run's job tag).", []],
  spark_stage_duration_seconds: [
    "Duration of one of the run's Spark stages.",
    ["stage_name", "stage_id", "attempt"],
  ],
  spark_stage_tasks: ["Tasks of one of the run's Spark stages.", ["stage_name", "stage_id", "attempt"]],
  spark_stage_input_bytes: ["Bytes a stage read from storage.", ["stage_name", "stage_id", "attempt"]],
  spark_stage_output_bytes: ["Bytes a stage wrote to storage.", ["stage_name", "stage_id", "attempt"]],
  spark_stage_shuffle_read_bytes: ["Shuffle bytes a stage read.", ["stage_name", "stage_id", "attempt"]],
  spark_stage_shuffle_write_bytes: ["Shuffle bytes a stage wrote.", ["stage_name", "stage_id", "attempt"]],
} as const satisfies Record<string, readonly [string, readonly string[]]>;

export type RunMetricName = keyof typeof RUN_METRICS;

/** A run in progress, as live-run.ts follows it (every count so far). */
export interface LiveRunFigures {
  pipeline: string;
  runId: string;
  applicationId: string;
  /** Unix ms. */
  startedAt: number;
  actionsDone: number;
  actionsTotal: number;
  currentAction: string | undefined;
  stages: number;
  stagesDone: number;
  tasks: number;
  tasksDone: number;
  inputBytesRead: number;
  /** Records read by the run's stages (Spark UI); undefined without a Spark UI to ask. */
  rowsIn: number | undefined;
  rowsOut: number;
  rowsQuarantined: number;
}

/** Gauges of a run, registered on one registry. */
/** The run's labels (pipeline, run, application) plus a metric's own. */
type LabelsAt = (extra?: Record<string, string | number>) => Record<string, string | number>;

export class RunMetrics {
  private readonly gauges = new Map<RunMetricName, Gauge<string>>();

  constructor(registry: Registry) {
    for (const [name, [help, extra]] of Object.entries(RUN_METRICS) as [
      RunMetricName,
      readonly [string, readonly string[]],
    ][]) {
      this.gauges.set(
        name,
        new Gauge({
          name: metricName(name),
          help,
          labelNames: [...RUN_LABELS, ...extra],
          registers: [registry],
        }),
      );
    }
  }

  /** Forgets every series (a long-lived process shows the last run only). */
  reset(): void {
    for (const g of this.gauges.values()) g.reset();
  }

  private set(name: RunMetricName, labels: Labels<string>, value: number): void {
    this.gauges.get(name)!.set(labels as Record<string, string | number>, Number.isFinite(value) ? value : 0);
  }

  /** Sets the figures of a run in progress: `run_active` 1, `run_status{status="running"}` 1. */
  observeLive(f: LiveRunFigures, now = Date.now()): void {
    const at = (extra: Record<string, string | number> = {}) => ({
      [LABELS.pipeline]: f.pipeline,
      [LABELS.run]: f.runId,
      [LABELS.application]: f.applicationId,
      ...extra,
    });
    this.set("run_status", at({ status: "running" }), 1);
    this.set("run_active", at(), 1);
    this.set("run_start_timestamp_seconds", at(), f.startedAt / 1000);
    this.set("run_last_push_timestamp_seconds", at(), now / 1000);
    this.set("run_duration_seconds", at(), (now - f.startedAt) / 1000);
    if (f.rowsIn !== undefined) this.set("run_rows_in", at(), f.rowsIn);
    this.set("run_rows_out", at(), f.rowsOut);
    this.set("run_rows_quarantined", at(), f.rowsQuarantined);
    this.set("run_actions_total", at(), f.actionsTotal);
    this.set("run_actions_done", at(), f.actionsDone);
    if (f.currentAction) this.set("run_current_action", at({ action: f.currentAction }), 1);
    this.set("run_spark_stages", at(), f.stages);
    this.set("run_spark_stages_done", at(), f.stagesDone);
    this.set("run_spark_tasks", at(), f.tasks);
    this.set("run_spark_tasks_done", at(), f.tasksDone);
    this.set("run_spark_input_bytes_read", at(), f.inputBytesRead);
  }

  /**
   * Sets every figure of a finished run. `applicationId` defaults to the one the runner read from
   * the Spark UI (`unknown` when it could not). `now` is the push time (Unix ms).
   */
  observe(result: RunResult, options: { applicationId?: string; now?: number } = {}): void {
    const base = {
      [LABELS.pipeline]: result.pipeline,
      [LABELS.run]: result.runId,
      [LABELS.application]: options.applicationId ?? result.spark?.applicationId ?? "unknown",
    };
    const at: LabelsAt = (extra = {}) => ({ ...base, ...extra });
    this.observeRun(result, at, options.now ?? Date.now());
    this.observeSourcesAndSteps(result, at);
    this.observeOutputs(result, at);
    if (result.spark) this.observeSpark(result.spark, at);
  }

  /** The run's status, times and row totals. */
  private observeRun(result: RunResult, at: LabelsAt, now: number): void {
    for (const status of ["succeeded", "failed"] as const)
      this.set("run_status", at({ status }), result.status === status ? 1 : 0);
    this.set("run_active", at(), 0);
    this.set("run_start_timestamp_seconds", at(), Date.parse(result.startedAt) / 1000);
    this.set("run_last_push_timestamp_seconds", at(), now / 1000);
    const seconds = result.wallMs / 1000;
    this.set("run_duration_seconds", at(), seconds);
    const counts = result.counts;
    const sources = Object.values(counts?.sources ?? {});
    const rowsIn = sources.reduce((a, s) => a + s.rows, 0);
    const rowsOut = Object.values(counts?.sinks ?? {}).reduce((a, n) => a + n, 0);
    const quarantined =
      sources.reduce((a, s) => a + s.malformed, 0) +
      (counts?.steps ?? []).reduce((a, s) => a + s.quarantined, 0);
    this.set("run_rows_in", at(), rowsIn);
    this.set("run_rows_out", at(), rowsOut);
    this.set("run_rows_quarantined", at(), quarantined);
    this.set("run_throughput_rows_per_second", at(), seconds > 0 ? rowsIn / seconds : 0);
  }

  /** Rows and bytes per source, rows per step. */
  private observeSourcesAndSteps(result: RunResult, at: LabelsAt): void {
    for (const [source, s] of Object.entries(result.counts?.sources ?? {})) {
      this.set("source_rows", at({ source }), s.rows);
      this.set("source_malformed_rows", at({ source }), s.malformed);
    }
    for (const input of result.inputs) this.set("source_bytes", at({ source: input.source }), input.bytes);
    for (const s of result.counts?.steps ?? []) {
      const l = at({ step: s.name, kind: s.kind });
      if (s.rowsIn !== undefined) this.set("step_rows_in", l, s.rowsIn);
      if (s.rowsOut !== undefined) this.set("step_rows_out", l, s.rowsOut);
      this.set("step_rows_quarantined", l, s.quarantined);
      this.set("step_rows_dropped", l, s.dropped);
      this.set("step_rows_duplicates", l, s.duplicates);
      this.set("step_rows_filtered", l, s.filtered);
    }
  }

  /** Rows, bytes, files and time per output (sinks and the quarantine). */
  private observeOutputs(result: RunResult, at: LabelsAt): void {
    for (const a of result.actions) {
      const l = at({ output: a.name, kind: a.kind });
      this.set("output_rows", l, a.rows);
      this.set("output_bytes", l, a.bytes);
      this.set("output_files", l, a.files);
      this.set("output_duration_seconds", l, a.ms / 1000);
      this.set("output_throughput_rows_per_second", l, a.ms > 0 ? a.rows / (a.ms / 1000) : 0);
    }
    this.set("run_actions_total", at(), result.actions.length);
    this.set("run_actions_done", at(), result.actions.length);
  }

  /** Spark's jobs, stages and tasks of the run, and each stage's figures. */
  private observeSpark(spark: NonNullable<RunResult["spark"]>, at: LabelsAt): void {
    const stages = spark.stages;
    const complete = stages.filter((s) => s.status === "COMPLETE");
    this.set("run_spark_stages", at(), stages.length);
    this.set("run_spark_stages_done", at(), complete.length);
    this.set(
      "run_spark_tasks",
      at(),
      stages.reduce((a, s) => a + s.numTasks, 0),
    );
    this.set(
      "run_spark_tasks_done",
      at(),
      complete.reduce((a, s) => a + s.numTasks, 0),
    );
    this.set(
      "run_spark_input_bytes_read",
      at(),
      stages.reduce((a, s) => a + s.inputBytes, 0),
    );
    this.set("spark_jobs", at(), spark.jobs);
    for (const st of stages) {
      // stage_name: the step or output the stage worked for (`orders_clean: write`, run/spark-ui.ts).
      const l = at({ stage_name: st.name, stage_id: st.stageId, attempt: st.attemptId });
      this.set("spark_stage_duration_seconds", l, st.durationMs / 1000);
      this.set("spark_stage_tasks", l, st.numTasks);
      this.set("spark_stage_input_bytes", l, st.inputBytes);
      this.set("spark_stage_output_bytes", l, st.outputBytes);
      this.set("spark_stage_shuffle_read_bytes", l, st.shuffleReadBytes);
      this.set("spark_stage_shuffle_write_bytes", l, st.shuffleWriteBytes);
    }
  }
}
