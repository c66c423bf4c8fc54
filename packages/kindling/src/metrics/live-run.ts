/**
 * Near-real-time figures of a run in progress: follows the runner's events (`RunEvent`) and Spark's
 * progress messages, asks the Spark UI for the records the run's stages have read so far, and
 * every `intervalMs` pushes them to the Pushgateway (same group as the final push, so the final
 * push replaces them and marks the run finished) and/or keeps them on a registry a long-lived
 * process serves on `/metrics`. The runner knows nothing of this module: it only emits events.
 */
import { hostname } from "node:os";
import { Pushgateway, Registry } from "prom-client";
import type { RunEvent } from "../run/runner.js";
import { sparkRunStats } from "../run/spark-ui.js";
import { PUSH_JOB } from "./names.js";
import { type LiveRunFigures, RunMetrics } from "./run-metrics.js";

export interface LiveRunOptions {
  /** Pushgateway base URL; without it the figures only go to `registry`. */
  pushgateway?: string;
  /**
   * Where to keep the figures: a long-lived process's registry and its run gauges (see
   * `processMetrics().followRun`). Default: a registry of this run's own.
   */
  target?: { registry: Registry; metrics: RunMetrics };
  /** Spark UI base URL: records read so far and the application id come from its REST API. */
  sparkUi?: string;
  /**
   * Push period. Default 1000 ms: the 5 s budget from Spark to the page is this, plus a scrape
   * interval, plus the Runs page's own 1 s poll, plus the Spark UI's answer time.
   */
  intervalMs?: number;
  /** Grouping key `instance` (default: this host's name, as the final push). */
  instance?: string;
  /** A failed push is reported here (once per distinct message) and never stops the run. */
  warn?: (line: string) => void;
}

interface StageProgress {
  numTasks: number;
  completedTasks: number;
  inputBytesRead: number;
  done: boolean;
}

/** Follows one run; `onEvent` is the runner's `onProgress`. Call `stop()` before the final push. */
export class LiveRun {
  readonly registry: Registry;
  private readonly metrics: RunMetrics;
  private readonly stages = new Map<number, StageProgress>();
  private figures: LiveRunFigures | undefined;
  private runTag = "";
  private loop: Promise<void> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  private lastWarning = "";
  private reading: Promise<void> | undefined;

  constructor(private readonly options: LiveRunOptions = {}) {
    this.registry = options.target?.registry ?? new Registry();
    this.metrics = options.target?.metrics ?? new RunMetrics(this.registry);
  }

  /** The figures as last observed (undefined before the run's `start` event). */
  current(): LiveRunFigures | undefined {
    return this.figures ? { ...this.figures } : undefined;
  }

  /** Feeds one runner event; starts the push loop on `start`. */
  onEvent(e: RunEvent): void {
    if (e.type === "start") {
      this.runTag = e.runTag;
      this.figures = {
        pipeline: e.pipeline,
        runId: e.runId,
        applicationId: "unknown",
        startedAt: Date.parse(e.startedAt),
        actionsDone: 0,
        actionsTotal: 0,
        currentAction: undefined,
        stages: 0,
        stagesDone: 0,
        tasks: 0,
        tasksDone: 0,
        inputBytesRead: 0,
        rowsIn: undefined,
        rowsOut: 0,
        rowsQuarantined: 0,
      };
      this.loop ??= this.run();
      return;
    }
    const f = this.figures;
    if (!f) return;
    if (e.type === "action") {
      f.currentAction = e.name;
      f.actionsTotal = e.total;
    } else if (e.type === "progress") {
      for (const s of e.progress.stages) this.stages.set(s.stageId, s);
      this.sumStages(f);
    } else if (e.type === "done") {
      f.actionsDone += 1;
      // The quarantine may finish while a sink written beside it runs on (run/phases/write.ts).
      if (f.currentAction === e.action) f.currentAction = undefined;
      if (e.kind === "sink") f.rowsOut += e.rows ?? 0;
      if (e.kind === "quarantine") f.rowsQuarantined += e.rows ?? 0;
    }
  }

  private sumStages(f: LiveRunFigures): void {
    const all = [...this.stages.values()];
    f.stages = all.length;
    f.stagesDone = all.filter((s) => s.done).length;
    f.tasks = all.reduce((a, s) => a + s.numTasks, 0);
    f.tasksDone = all.reduce((a, s) => a + s.completedTasks, 0);
    f.inputBytesRead = all.reduce((a, s) => a + s.inputBytesRead, 0);
  }

  /** Stops the loop after its in-flight push (so it cannot overwrite the final push). Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    // A Spark UI read still in flight only updates figures nobody pushes any more: not awaited.
  }

  private async run(): Promise<void> {
    const interval = this.options.intervalMs ?? 1000;
    while (!this.stopped) {
      await this.tick();
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, interval);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  /**
   * Updates the registry from the figures as they are now and pushes them (if a Pushgateway is
   * set). The Spark UI is read in the background: a busy driver's REST API can take seconds, and
   * the progress figures should not wait for it (records read arrive with the next push).
   */
  async tick(): Promise<void> {
    const f = this.figures;
    if (!f) return;
    if (this.options.sparkUi && !this.reading) {
      this.reading = this.readSparkUi(this.options.sparkUi, f).finally(() => {
        this.reading = undefined;
      });
    }
    this.metrics.reset();
    this.metrics.observeLive(f);
    const url = this.options.pushgateway;
    if (!url || this.stopped) return;
    const gateway = new Pushgateway(url.replace(/\/+$/, ""), { timeout: 5000 }, this.registry);
    try {
      await gateway.push({
        jobName: PUSH_JOB,
        groupings: { pipeline: f.pipeline, instance: this.options.instance ?? hostname() },
      });
    } catch (err) {
      const line = `kindling: warning: live metrics push to ${url} failed: ${(err as Error).message}`;
      if (line !== this.lastWarning) this.options.warn?.(line);
      this.lastWarning = line;
    }
  }

  /** Records read so far by the run's stages, and the application id, from the Spark UI. */
  private async readSparkUi(ui: string, f: LiveRunFigures): Promise<void> {
    const stats = await sparkRunStats(ui, this.runTag, f.startedAt);
    if (!stats) return;
    f.applicationId = stats.applicationId;
    f.rowsIn = stats.stages.reduce((a, s) => a + s.inputRecords, 0);
  }
}

/** A runner `onProgress` that calls each handler in turn. */
export function fanOut(...handlers: ((e: RunEvent) => void)[]): (e: RunEvent) => void {
  return (e) => {
    for (const h of handlers) h(e);
  };
}
