/**
 * Metric naming, the Spark metrics configuration, the generated Prometheus configuration and the
 * dashboard file, without Spark. (live.test.ts checks the same names against a real Prometheus.)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { DASHBOARD_TITLE, dashboardQueries, sparkJobDashboard } from "../../src/metrics/dashboard.js";
import { jmxExporterConfig } from "../../src/metrics/jmx.js";
import { LABELS, metricName, PUSH_JOB, SCRAPE_JOBS } from "../../src/metrics/names.js";
import { kubernetesScrapeConfigs, prometheusConfig } from "../../src/metrics/prometheus.js";
import { pushGrouping, pushgatewayUrl } from "../../src/metrics/push.js";
import { RUN_METRICS, RunMetrics } from "../../src/metrics/run-metrics.js";
import { processMetrics, serveMetrics } from "../../src/metrics/serve.js";
import { executorJmxPort, sparkMetricsConf } from "../../src/metrics/spark-conf.js";
import { dashboardJson } from "../../src/metrics/write-dashboard.js";
import type { RunResult } from "../../src/run/runner.js";
import { repoRoot } from "../pipeline/support.js";

const run: RunResult = {
  runId: "20261125T120000-abcdef12",
  status: "succeeded",
  error: undefined,
  pipeline: "orders_daily",
  specHash: "x",
  specFile: "pipelines/example.yaml",
  sparkVersion: "4.2.0",
  startedAt: "2026-11-25T12:00:00.000Z",
  wallMs: 4000,
  cached: [],
  inputs: [{ source: "orders", paths: [], files: 1, bytes: 1234, drift: undefined }],
  counts: {
    sources: { orders: { rows: 100, malformed: 2 } },
    steps: [
      {
        name: "validate_orders",
        kind: "clean",
        rowsIn: 98,
        rowsOut: 90,
        quarantined: 8,
        dropped: 0,
        failed: 0,
        duplicates: 0,
        filtered: 0,
        unmatched: {},
        droppedBy: {},
        rules: {},
        warnings: {},
      },
    ],
    sinks: { orders_clean: 90 },
    reconciliations: [],
    missing: [],
  },
  actions: [{ name: "orders_clean", kind: "sink", path: "/o", ms: 2000, rows: 90, files: 2, bytes: 5000 }],
  rules: [],
  spark: {
    applicationId: "app-1",
    jobs: 3,
    stages: [
      {
        stageId: 4,
        attemptId: 0,
        name: "orders_clean: write",
        sparkName: "save",
        jobId: 2,
        status: "COMPLETE",
        submitted: undefined,
        completed: undefined,
        durationMs: 1500,
        numTasks: 2,
        failedTasks: 0,
        inputBytes: 10,
        inputRecords: 1,
        outputBytes: 20,
        outputRecords: 1,
        shuffleReadBytes: 30,
        shuffleWriteBytes: 40,
        executorRunTimeMs: 100,
      },
    ],
    executors: [],
  },
  recovered: [],
};

describe("metric names", () => {
  it("prefixes kindling_ and rejects names Prometheus would refuse", () => {
    expect(metricName("run_status")).toBe("kindling_run_status");
    expect(() => metricName("rows-in")).toThrow(/not a valid Prometheus metric name/);
    expect(() => metricName("Rows")).toThrow();
    for (const name of Object.keys(RUN_METRICS)) expect(metricName(name)).toMatch(/^kindling_[a-z0-9_]+$/);
  });

  it("labels every run series with pipeline, run and application, and sets status, activity and push time", async () => {
    const registry = new Registry();
    new RunMetrics(registry).observe(run, { now: 1_800_000_000_000 });
    const text = await registry.metrics();
    expect(text).toContain(
      'kindling_run_status{pipeline="orders_daily",run_id="20261125T120000-abcdef12",application_id="app-1",status="succeeded"} 1',
    );
    expect(text).toMatch(/kindling_run_status\{[^}]*status="failed"\} 0/);
    expect(text).toMatch(/kindling_run_active\{[^}]*\} 0/);
    expect(text).toMatch(/kindling_run_last_push_timestamp_seconds\{[^}]*\} 1800000000/);
    expect(text).toMatch(/kindling_run_rows_in\{[^}]*\} 100/);
    expect(text).toMatch(/kindling_run_rows_out\{[^}]*\} 90/);
    expect(text).toMatch(/kindling_run_rows_quarantined\{[^}]*\} 10/); // 2 malformed + 8 by rule
    expect(text).toMatch(/kindling_run_throughput_rows_per_second\{[^}]*\} 25/);
    expect(text).toMatch(/kindling_step_rows_in\{[^}]*step="validate_orders",kind="clean"\} 98/);
    expect(text).toMatch(
      /kindling_output_throughput_rows_per_second\{[^}]*output="orders_clean",kind="sink"\} 45/,
    );
    expect(text).toMatch(/kindling_spark_stage_duration_seconds\{[^}]*stage_id="4",attempt="0"\} 1.5/);
    for (const line of text.split("\n").filter((l) => l && !l.startsWith("#")))
      expect(line).toMatch(/run_id="20261125T120000-abcdef12"/);
  });

  it("groups pushes by job, pipeline and instance, and reads the URL from the flag or the environment", () => {
    expect(PUSH_JOB).toBe("kindling");
    expect(pushGrouping(run, { instance: "host-a" })).toEqual({
      pipeline: "orders_daily",
      instance: "host-a",
    });
    expect(pushgatewayUrl("http://a:9091", { KINDLING_PUSHGATEWAY: "http://b:9091" })).toBe("http://a:9091");
    expect(pushgatewayUrl(undefined, { KINDLING_PUSHGATEWAY: "http://b:9091" })).toBe("http://b:9091");
    expect(pushgatewayUrl(undefined, {})).toBeUndefined();
  });

  it("serves /metrics for a long-lived process, with the last run recorded", async () => {
    const metrics = processMetrics("0.1.0");
    metrics.recordRun(run);
    const server = await serveMetrics(metrics.registry);
    try {
      const text = await (await fetch(server.url)).text();
      expect(text).toContain('kindling_info{version="0.1.0"} 1');
      expect(text).toContain("kindling_process_cpu_seconds_total");
      expect(text).toMatch(/kindling_run_status\{[^}]*status="succeeded"\} 1/);
    } finally {
      await server.close();
    }
  });
});

describe("Spark metrics configuration", () => {
  const agent = { jar: "/c/jmx.jar", config: "/c/exporter.yaml" };

  it("gives each executor on one host its own exporter port from its id", () => {
    expect(executorJmxPort("0")).toBe(1910);
    expect(executorJmxPort("7")).toBe(1917);
    expect(executorJmxPort("12")).toBe(19112);
    expect(executorJmxPort("100")).toBeUndefined(); // 191100 is not a port
    expect(executorJmxPort("driver")).toBeUndefined();
    const c = sparkMetricsConf({ mode: "cluster", agent });
    expect(c.conf["spark.executor.extraJavaOptions"]).toBe(
      "-javaagent:/c/jmx.jar=127.0.0.1:191{{EXECUTOR_ID}}:/c/exporter.yaml",
    );
  });

  it("fixes the namespace and turns on the servlet, appStatus, the executor summaries and JmxSink", () => {
    for (const mode of ["local", "cluster", "kubernetes"] as const) {
      const c = sparkMetricsConf({ mode, agent, driverJmxPort: 9999 });
      expect(c.conf["spark.metrics.namespace"]).toBe("kindling");
      expect(c.conf["spark.metrics.conf.*.sink.prometheusServlet.class"]).toBe(
        "org.apache.spark.metrics.sink.PrometheusServlet",
      );
      expect(c.conf["spark.metrics.appStatusSource.enabled"]).toBe("true");
      expect(c.conf["spark.ui.prometheus.enabled"]).toBe("true");
      expect(c.conf["spark.metrics.conf.executor.sink.jmx.class"]).toBe(
        "org.apache.spark.metrics.sink.JmxSink",
      );
    }
    expect(sparkMetricsConf({ mode: "local", agent, driverJmxPort: 9999 }).driverJavaOptions).toEqual([
      "-javaagent:/c/jmx.jar=127.0.0.1:9999:/c/exporter.yaml",
    ]);
    const k8s = sparkMetricsConf({ mode: "kubernetes" });
    expect(k8s.conf["spark.kubernetes.executor.annotation.prometheus.io/port"]).toBe("9404");
    expect(k8s.conf["spark.executor.extraJavaOptions"]).toMatch(/=9404:\/opt\/kindling\/jmx\/exporter.yaml$/);
  });

  it("exports Spark's executor MBeans with the executor id as a label", () => {
    const yaml = jmxExporterConfig();
    expect(yaml).toContain("metrics<name=kindling\\.([^.]+)\\.([^.]+)\\.(.+), type=counters><>Count");
    expect(yaml).toContain('executor_id: "$1"');
  });
});

describe("Prometheus configuration", () => {
  it("scrapes the Pushgateway with honor_labels and every Spark endpoint by job", () => {
    const c = prometheusConfig({
      scrapeIntervalSeconds: 1,
      namespace: "local",
      pushgateway: "127.0.0.1:9091",
      kindling: ["127.0.0.1:9464"],
      targetsDir: "/t",
    }) as { global: Record<string, string>; scrape_configs: Record<string, unknown>[] };
    expect(c.global.scrape_interval).toBe("1s");
    const byJob = Object.fromEntries(c.scrape_configs.map((s) => [s.job_name, s]));
    expect(Object.keys(byJob).sort()).toEqual(Object.values(SCRAPE_JOBS).sort());
    expect(byJob.pushgateway!.honor_labels).toBe(true);
    expect(byJob["spark-driver"]!.metrics_path).toBe("/metrics/prometheus/");
    expect(byJob["spark-executors"]!.metrics_path).toBe("/metrics/executors/prometheus");
  });

  it("maps Kubernetes pods to the same labels the dashboard filters on", () => {
    const text = JSON.stringify(kubernetesScrapeConfigs());
    for (const label of [LABELS.namespace, LABELS.application, LABELS.executor])
      expect(text).toContain(label);
    expect(text).toContain("__meta_kubernetes_pod_label_spark_app_selector");
  });
});

describe("the Grafana dashboard", () => {
  const file = join(repoRoot, "k8s", "grafana-dashboard.json");

  it("is the file generated from dashboard.ts (which tsc checks against @grafana/schema's Dashboard)", () => {
    expect(readFileSync(file, "utf8")).toBe(dashboardJson());
  });

  it("is titled, has namespace/application/run variables, unique panel ids and a query in every panel", () => {
    const d = sparkJobDashboard();
    expect(d.title).toBe(DASHBOARD_TITLE);
    expect(d.templating?.list?.map((v) => v.name)).toEqual(["datasource", "namespace", "application", "run"]);
    const panels = d.panels ?? [];
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of panels) {
      if (p.type === "row") continue;
      expect(p.gridPos!.x + p.gridPos!.w).toBeLessThanOrEqual(24);
      expect((p as { targets?: unknown[] }).targets?.length, p.title).toBeGreaterThan(0);
    }
    for (const q of dashboardQueries(d)) {
      if (q.expr.startsWith("time()")) continue;
      expect(q.expr, `${q.panel} ${q.refId}`).toMatch(/namespace=~"\$namespace"/);
    }
  });
});
