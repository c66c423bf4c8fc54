/**
 * Live figures of a run in progress, fed by the runner's events, on a long-lived process's
 * `/metrics` (a real HTTP server): current action, actions, stages and tasks done, bytes read,
 * rows written so far; the finished run's figures replace them.
 */

import { rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fanOut, LiveRun } from "../../src/metrics/live-run.js";
import { startPrometheus } from "../../src/metrics/prometheus.js";
import { processMetrics, serveMetrics } from "../../src/metrics/serve.js";
import type { RunEvent, RunResult } from "../../src/run/runner.js";

const stage = (stageId: number, numTasks: number, completedTasks: number, done: boolean) => ({
  stageId,
  numTasks,
  completedTasks,
  inputBytesRead: completedTasks * 1000,
  done,
});

/** The value of one series in a Prometheus text exposition, or undefined. */
function value(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return undefined;
}

describe("live run figures", () => {
  it("serves a run in progress on /metrics and replaces it with the finished run", async () => {
    const metrics = processMetrics("test");
    const server = await serveMetrics(metrics.registry, { port: 0 });
    const live = metrics.followRun({ intervalMs: 60_000 });
    const events: RunEvent[] = [
      {
        type: "start",
        runId: "r1",
        runTag: "kindling-run-r1",
        pipeline: "p",
        startedAt: new Date().toISOString(),
      },
      { type: "action", name: "daily", index: 1, total: 2 },
      {
        type: "progress",
        action: "daily",
        progress: { stages: [stage(0, 4, 4, true), stage(1, 8, 3, false)], inflightTasks: 2 },
      },
      { type: "done", action: "daily", ms: 10, kind: "sink", rows: 120 },
      { type: "action", name: "quarantine", index: 2, total: 2 },
      {
        type: "progress",
        action: "quarantine",
        progress: { stages: [stage(1, 8, 8, true), stage(2, 2, 1, false)], inflightTasks: 1 },
      },
    ];
    try {
      for (const e of events) live.onEvent(e);
      await live.tick();
      const text = await (await fetch(server.url)).text();
      const run = { run_id: "r1", pipeline: "p" };
      expect(value(text, "kindling_run_active", run)).toBe(1);
      expect(value(text, "kindling_run_status", { ...run, status: "running" })).toBe(1);
      expect(value(text, "kindling_run_current_action", { ...run, action: "quarantine" })).toBe(1);
      expect(value(text, "kindling_run_actions_done", run)).toBe(1);
      expect(value(text, "kindling_run_actions_total", run)).toBe(2);
      // Stage 1's latest message (8 of 8 done) replaces its earlier one (3 of 8).
      expect(value(text, "kindling_run_spark_stages", run)).toBe(3);
      expect(value(text, "kindling_run_spark_stages_done", run)).toBe(2);
      expect(value(text, "kindling_run_spark_tasks", run)).toBe(14);
      expect(value(text, "kindling_run_spark_tasks_done", run)).toBe(13);
      expect(value(text, "kindling_run_spark_input_bytes_read", run)).toBe(13_000);
      expect(value(text, "kindling_run_rows_out", run)).toBe(120);
      expect(value(text, "kindling_run_rows_quarantined", run)).toBe(0);
      expect(value(text, "kindling_run_rows_in", run)).toBeUndefined(); // no Spark UI to ask
      expect(value(text, "kindling_run_duration_seconds", run)).toBeGreaterThanOrEqual(0);

      await live.stop();
      metrics.recordRun(finished());
      const after = await (await fetch(server.url)).text();
      expect(value(after, "kindling_run_active", run)).toBe(0);
      expect(value(after, "kindling_run_status", { ...run, status: "running" })).toBeUndefined();
      expect(value(after, "kindling_run_status", { ...run, status: "succeeded" })).toBe(1);
      expect(value(after, "kindling_run_current_action", run)).toBeUndefined();
    } finally {
      await live.stop();
      await server.close();
    }
  });

  it("pushes live figures to a real Pushgateway, and a new stack's Pushgateway starts without them", async () => {
    const runId = `live-${process.pid}`;
    const first = await startPrometheus({ scrapeIntervalSeconds: 1 });
    try {
      const live = new LiveRun({ pushgateway: first.pushgatewayUrl, intervalMs: 200, instance: "test" });
      live.onEvent({
        type: "start",
        runId,
        runTag: `kindling-run-${runId}`,
        pipeline: "p",
        startedAt: new Date().toISOString(),
      });
      live.onEvent({ type: "action", name: "daily", index: 1, total: 1 });
      // The loop pushes every 200 ms: the figures with the current action arrive by themselves.
      let text = "";
      const deadline = Date.now() + 30_000;
      while (value(text, "kindling_run_current_action", { run_id: runId, action: "daily" }) !== 1) {
        expect(Date.now(), `live push not seen:\n${text}`).toBeLessThan(deadline);
        await new Promise((r) => setTimeout(r, 200));
        text = await (await fetch(`${first.pushgatewayUrl}/metrics`)).text();
      }
      await live.stop();
      expect(value(text, "kindling_run_active", { run_id: runId, instance: "test" })).toBe(1);
      expect(value(text, "kindling_run_actions_total", { run_id: runId })).toBe(1);
    } finally {
      await first.stop();
      rmSync(first.dir, { recursive: true, force: true });
    }
    const second = await startPrometheus({ scrapeIntervalSeconds: 1 });
    try {
      const text = await (await fetch(`${second.pushgatewayUrl}/metrics`)).text();
      expect(text).not.toContain(runId);
    } finally {
      await second.stop();
      rmSync(second.dir, { recursive: true, force: true });
    }
  }, 180_000);

  it("hands every event to every handler, in order", () => {
    const seen: string[] = [];
    const handler = fanOut(
      (e) => seen.push(`a:${e.type}`),
      (e) => seen.push(`b:${e.type}`),
    );
    handler({ type: "action", name: "x", index: 1, total: 1 });
    expect(seen).toEqual(["a:action", "b:action"]);
  });
});

function finished(): RunResult {
  return {
    runId: "r1",
    status: "succeeded",
    error: undefined,
    pipeline: "p",
    specHash: "h",
    specFile: "p.yaml",
    sparkVersion: "4.2.0",
    startedAt: new Date().toISOString(),
    wallMs: 1000,
    inputs: [],
    counts: undefined,
    actions: [],
    rules: [],
    spark: undefined,
    recovered: [],
    cached: [],
  };
}
