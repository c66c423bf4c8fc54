/**
 * The whole metrics path on real processes: a Prometheus and a Pushgateway (Debian's packages), a
 * 2-worker local standalone cluster with Kindling's metrics configuration (JMX exporter agent on
 * each executor), the example pipeline over a small generated dataset, the run's figures pushed.
 * Then every query of every panel of k8s/grafana-dashboard.json is evaluated through Prometheus's
 * HTTP API with the template variables set to this run: none may fail or come back empty.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { SparkSession } from "@kindling/spark-connect";
import { afterAll, beforeAll, expect, it } from "vitest";
import { scaled } from "../../../spark-connect/test/support/timeouts.js";
import { clusterDir } from "../../src/cluster/paths.js";
import { clusterJvms } from "../../src/cluster/procs.js";
import { type ClusterHandle, startCluster } from "../../src/cluster/start.js";
import { dashboardQueries } from "../../src/metrics/dashboard.js";
import { evaluateDashboard, substituteVariables } from "../../src/metrics/evaluate.js";
import { ensureJmxAgent } from "../../src/metrics/jmx.js";
import { instantQuery, type PrometheusStack, startPrometheus } from "../../src/metrics/prometheus.js";
import { pushRunMetrics } from "../../src/metrics/push.js";
import { sparkMetricsConf } from "../../src/metrics/spark-conf.js";
import { type RunResult, runPipeline } from "../../src/run/runner.js";
import { loadPipeline } from "../../src/spec/index.js";
import { eventually } from "../cluster/support.js";
import { examplePipeline, repoRoot, smallDataset } from "../pipeline/support.js";
import { kindling } from "../support/cli.js";
import { describeWith } from "../support/needs.js";

const NAME = `test-metrics-${process.pid}`;
const NAMESPACE = "local";

/**
 * Panels whose queries the local modes cannot fill, with the reason. Empty: on the local
 * standalone cluster every panel has data (see docs/metrics.md for plain `local[*]` mode). A
 * query listed here must come back empty, so the list cannot go stale silently.
 */
const NOT_FILLABLE_LOCALLY: Record<string, string> = {};

type Dashboard = Parameters<typeof dashboardQueries>[0];
const dashboard = JSON.parse(
  readFileSync(join(repoRoot, "k8s", "grafana-dashboard.json"), "utf8"),
) as Dashboard;

let stack: PrometheusStack | undefined;
let cluster: ClusterHandle | undefined;
let spark: SparkSession | undefined;
let result: RunResult;
let applicationId: string;

/** Grafana's variables for this run (`$__rate_interval` as Grafana would set it for a 1 s scrape). */
const variables = () => ({
  namespace: NAMESPACE,
  application: applicationId,
  run: result.runId,
  rateInterval: "1m",
});
const substitute = (expr: string) => substituteVariables(expr, variables());

describeWith("metrics", "Spark and Kindling metrics in a real Prometheus", {}, () => {
  beforeAll(async () => {
    const say = (l: string) => process.stderr.write(`${l}\n`);
    const agent = await ensureJmxAgent({ onProgress: say });
    const metrics = sparkMetricsConf({ mode: "cluster", agent });
    stack = await startPrometheus({
      startTimeoutMs: scaled(60_000),
      scrapeIntervalSeconds: 1,
      discoveryIntervalMs: 1000,
      namespace: NAMESPACE,
    });
    cluster = await startCluster({
      startTimeoutMs: scaled(300_000),
      name: NAME,
      workers: 2,
      coresPerWorker: 1,
      memoryPerWorker: "512m",
      conf: { ...metrics.conf, "spark.sql.shuffle.partitions": "4" },
    });
    await stack.addSpark({ uiUrl: cluster.connectUiUrl, executorJmx: metrics.executorJmx });
    spark = await SparkSession.builder().remote(cluster.connectUrl).getOrCreate();
    const { dir } = await smallDataset(5_000, 11);
    const loaded = await loadPipeline(examplePipeline, {
      set: { data_dir: dir, out_dir: join(dir, "out") },
      env: {},
    });
    result = await runPipeline(spark, loaded, { sparkUi: cluster.connectUiUrl });
    applicationId = result.spark?.applicationId ?? "";
    await pushRunMetrics(stack.pushgatewayUrl, result);
    rmSync(dir, { recursive: true, force: true });
  });

  afterAll(async () => {
    await spark?.stop();
    await cluster?.stop();
    await stack?.stop();
    expect(clusterJvms(NAME)).toEqual([]);
    rmSync(clusterDir(NAME), { recursive: true, force: true });
    if (stack) rmSync(stack.dir, { recursive: true, force: true });
  });
  it("ran the example pipeline on the cluster and knows its Spark application", () => {
    expect(result.error).toBeUndefined();
    expect(result.status).toBe("succeeded");
    expect(applicationId).toMatch(/^app-/);
  });

  it("scrapes the driver, the executor summaries, both executors' JMX exporters and the Pushgateway", async () => {
    const up = await eventually(
      "every scrape target to be up",
      async () => {
        const samples = await instantQuery(stack!.prometheusUrl, `up{namespace="${NAMESPACE}"} == 1`);
        const jobs = samples.map((s) => `${s.metric.job}/${s.metric.executor_id ?? ""}`).sort();
        return jobs.filter((j) => j.startsWith("spark-executor-jvm/")).length >= 2 &&
          ["spark-driver/", "spark-executors/", "pushgateway/"].every((j) => jobs.includes(j))
          ? jobs
          : undefined;
      },
      60_000,
      500,
    );
    expect(up).toEqual(expect.arrayContaining(["spark-driver/", "spark-executors/", "pushgateway/"]));
  });

  it("fills every query of every dashboard panel for this run", async () => {
    const queries = dashboardQueries(dashboard);
    expect(queries.length).toBeGreaterThan(20);
    const empty: string[] = [];
    // Rates need two scrapes after the run; the pushed series need one scrape of the Pushgateway.
    await eventually(
      "every panel query to return data",
      async () => {
        empty.length = 0;
        for (const r of await evaluateDashboard(stack!.prometheusUrl, dashboard, variables())) {
          if (r.panel in NOT_FILLABLE_LOCALLY) continue;
          if (r.error || r.series === 0) empty.push(`${r.panel} [${r.refId}]: ${r.error ?? r.expr}`);
        }
        return empty.length === 0 ? true : undefined;
      },
      90_000,
      2_000,
    ).catch(() => undefined);
    expect(empty, "panel queries with no data").toEqual([]);
    for (const r of await evaluateDashboard(stack!.prometheusUrl, dashboard, variables()))
      process.stderr.write(`panel "${r.panel}" ${r.refId}: ${r.series} series\n`);
    for (const [panel, why] of Object.entries(NOT_FILLABLE_LOCALLY)) {
      for (const q of queries.filter((x) => x.panel === panel)) {
        const samples = await instantQuery(stack!.prometheusUrl, substitute(q.expr));
        expect(samples, `${panel} is listed as not fillable locally (${why}) but has data`).toEqual([]);
      }
    }
  });

  it("`kindling metrics check` says ok for every panel of this run, and names the empty ones for a run that never was", async () => {
    const check = (run: string) =>
      kindling(
        [
          "metrics",
          "check",
          "--prometheus",
          stack!.prometheusUrl,
          "--namespace",
          NAMESPACE,
          "--application",
          applicationId,
          "--run",
          run,
        ],
        { timeoutMs: scaled(120_000) },
      );
    const ok = await check(result.runId);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    const lines = ok.stdout.trim().split("\n");
    expect(lines.length).toBe(new Set(dashboardQueries(dashboard).map((q) => q.panel)).size);
    for (const l of lines) expect(l).toMatch(/ ok$/);
    const none = await check("no-such-run");
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(/Rows in \/ out \/ quarantined\s+FAILED: A empty/);
    expect(none.stdout).toMatch(/Executor CPU\s+ok/); // Spark's own series carry no run
  });

  it("offers this run's namespace, application and run in the template variables", async () => {
    const list = (dashboard.templating?.list ?? []).filter((v) => v.type === "query");
    expect(list.map((v) => v.name)).toEqual(["namespace", "application", "run"]);
    const want: Record<string, string> = {
      namespace: NAMESPACE,
      application: applicationId,
      run: result.runId,
    };
    for (const v of list) {
      const q = (v.query as { query: string }).query;
      const m = /^label_values\((.*), (\w+)\)$/.exec(q);
      expect(m, q).not.toBeNull();
      const [, selector, label] = m!;
      const expr = `count by (${label}) (${substitute(selector!)})`;
      const values = (await instantQuery(stack!.prometheusUrl, expr)).map((s) => s.metric[label!]);
      expect(values, v.name).toContain(want[v.name]);
    }
  });

  it("marks the pushed run as finished, with a push time, so it cannot look live", async () => {
    const sel = `{run_id="${result.runId}"}`;
    const active = await instantQuery(stack!.prometheusUrl, `kindling_run_active${sel}`);
    expect(active.map((s) => s.value[1])).toEqual(["0"]);
    const age = await instantQuery(
      stack!.prometheusUrl,
      `time() - kindling_run_last_push_timestamp_seconds${sel}`,
    );
    expect(Number(age[0]!.value[1])).toBeGreaterThanOrEqual(0);
    const status = await instantQuery(stack!.prometheusUrl, `kindling_run_status${sel} == 1`);
    expect(status.map((s) => [s.metric.status, s.metric.job, s.metric.pipeline])).toEqual([
      ["succeeded", "kindling", "orders_daily"],
    ]);
  });
});
