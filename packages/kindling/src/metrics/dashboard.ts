/**
 * The "Spark Job Monitoring" Grafana dashboard (`k8s/grafana-dashboard.json`), built here against
 * Grafana's own dashboard model types from `@grafana/schema` (so `tsc` checks its shape) and
 * written out by `write-dashboard.ts`. The same JSON serves local Prometheus and Kubernetes: every
 * query filters on the `namespace`, `application_id` and `run_id` labels both set up.
 */
import type { Dashboard, Panel, RowPanel, VariableModel } from "@grafana/schema";
import { LABELS, metricName, SCRAPE_JOBS, SPARK_METRICS_NAMESPACE } from "./names.js";

export const DASHBOARD_TITLE = "Spark Job Monitoring";
export const DASHBOARD_UID = "kindling-spark-jobs";

// Grafana variable syntax, not a template literal.
// biome-ignore lint/suspicious/noTemplateCurlyInString: a Grafana variable reference
const DS = { type: "prometheus", uid: "${datasource}" };
const NS = `${LABELS.namespace}=~"$namespace"`;
const APP = `${LABELS.application}=~"$application"`;
const RUN = `${LABELS.run}=~"$run"`;
const SPARK = `${NS}, ${APP}`;
const KINDLING = `${NS}, ${APP}, ${RUN}`;
const JVM = `job="${SCRAPE_JOBS.executorJvm}", ${SPARK}`;
const EXECUTORS = `job="${SCRAPE_JOBS.executors}", ${SPARK}, ${LABELS.executor}!="driver"`;
/** The driver's PrometheusServlet names: `metrics_<namespace>_driver_<source>_<metric>_<Count|Value>`. */
const driver = (metric: string) => `metrics_${SPARK_METRICS_NAMESPACE}_driver_${metric}`;
const k = metricName;

/** One PromQL query of a panel, with Grafana's legend template (`{{label}}`). */
export interface Query {
  expr: string;
  legend: string;
}

/** One panel: rendered to Grafana JSON here and to the web dashboard by src/dashboard/model.ts. */
export interface PanelSpec {
  title: string;
  description: string;
  type: "timeseries" | "stat" | "bargauge" | "table";
  /** Grafana unit id (`s`, `bytes`, `Bps`, `ops`, `percentunit`, `short`) or `suffix: <text>`. */
  unit: string;
  queries: Query[];
  /** Width in grid columns (of 24). Default 8. */
  w?: number;
}

/** The dashboard's rows and panels. Each query's metric is named in docs/metrics.md. */
export const PANEL_ROWS: { title: string; panels: PanelSpec[] }[] = [
  {
    title: "Spark application",
    panels: [
      {
        title: "Job duration",
        description:
          "Spark's appStatus jobDuration (the last finished job of the application) and, per run, the wall time of the Spark job(s) writing each output.",
        type: "timeseries",
        unit: "s",
        queries: [
          {
            expr: `max by (${LABELS.application}) (${driver("appStatus_jobDuration_Value")}{${SPARK}}) / 1000`,
            legend: "last Spark job",
          },
          {
            expr: `${k("output_duration_seconds")}{${KINDLING}}`,
            legend: "{{pipeline}} {{output}} ({{run_id}})",
          },
        ],
      },
      {
        title: "Stage duration",
        description:
          "Duration of each Spark stage of the run (Spark's metrics have no per-stage durations: Kindling reads them from the Spark UI's REST API and pushes them).",
        type: "bargauge",
        unit: "s",
        queries: [
          {
            expr: `${k("spark_stage_duration_seconds")}{${KINDLING}}`,
            legend: "{{stage_name}} (stage {{stage_id}}.{{attempt}})",
          },
        ],
      },
      {
        title: "Task throughput",
        description: "Tasks completed per second: by the whole application (driver) and per executor.",
        type: "timeseries",
        unit: "ops",
        queries: [
          {
            expr: `sum by (${LABELS.application}) (rate(${driver("appStatus_tasks_completedTasks_Count")}{${SPARK}}[$__rate_interval]))`,
            legend: "application",
          },
          {
            expr: `sum by (${LABELS.executor}) (rate(metrics_executor_completedTasks_total{${EXECUTORS}}[$__rate_interval]))`,
            legend: "executor {{executor_id}}",
          },
        ],
      },
      {
        title: "Executor CPU",
        description:
          "CPU used by each executor JVM (cores), from the JMX exporter agent, and the part spent running tasks (Spark's executor cpuTime).",
        type: "timeseries",
        unit: "suffix: cores",
        queries: [
          {
            expr: `sum by (${LABELS.executor}) (rate(process_cpu_seconds_total{${JVM}}[$__rate_interval]))`,
            legend: "JVM {{executor_id}}",
          },
          {
            expr: `sum by (${LABELS.executor}) (rate(spark_executor_cputime_total{${JVM}}[$__rate_interval])) / 1e9`,
            legend: "tasks {{executor_id}}",
          },
        ],
      },
      {
        title: "Executor memory",
        description:
          "Heap used by each executor JVM (JMX exporter), its process resident memory (Spark's process-tree metrics) and Spark's storage memory in use.",
        type: "timeseries",
        unit: "bytes",
        queries: [
          {
            expr: `sum by (${LABELS.executor}) (jvm_memory_used_bytes{${JVM}, area="heap"})`,
            legend: "heap {{executor_id}}",
          },
          {
            expr: `max by (${LABELS.executor}) (spark_executormetrics_processtreejvmrssmemory{${JVM}})`,
            legend: "RSS {{executor_id}}",
          },
          {
            expr: `sum by (${LABELS.executor}) (metrics_executor_memoryUsed_bytes{${EXECUTORS}})`,
            legend: "storage {{executor_id}}",
          },
        ],
      },
      {
        title: "Executor GC time",
        description: "Share of each executor JVM's time spent in garbage collection (JMX exporter).",
        type: "timeseries",
        unit: "percentunit",
        queries: [
          {
            expr: `sum by (${LABELS.executor}) (rate(jvm_gc_collection_seconds_sum{${JVM}}[$__rate_interval]))`,
            legend: "GC {{executor_id}}",
          },
        ],
      },
      {
        title: "Shuffle read / write",
        description:
          "Shuffle bytes read and written per second by each executor (driver-side executor summaries).",
        type: "timeseries",
        unit: "Bps",
        queries: [
          {
            expr: `sum by (${LABELS.executor}) (rate(metrics_executor_totalShuffleRead_bytes_total{${EXECUTORS}}[$__rate_interval]))`,
            legend: "read {{executor_id}}",
          },
          {
            expr: `sum by (${LABELS.executor}) (rate(metrics_executor_totalShuffleWrite_bytes_total{${EXECUTORS}}[$__rate_interval]))`,
            legend: "write {{executor_id}}",
          },
        ],
      },
      {
        title: "Input / output bytes",
        description:
          "Bytes read from storage (driver-side executor summaries) and written to storage (executors' own bytesWritten, JMX exporter) per second.",
        type: "timeseries",
        unit: "Bps",
        queries: [
          {
            expr: `sum by (${LABELS.executor}) (rate(metrics_executor_totalInputBytes_bytes_total{${EXECUTORS}}[$__rate_interval]))`,
            legend: "input {{executor_id}}",
          },
          {
            expr: `sum by (${LABELS.executor}) (rate(spark_executor_byteswritten_total{${JVM}}[$__rate_interval]))`,
            legend: "output {{executor_id}}",
          },
        ],
      },
      {
        title: "Run shuffle and I/O",
        description: "Totals over the run's Spark stages (REST API, pushed by Kindling): one bar each.",
        type: "bargauge",
        unit: "bytes",
        queries: [
          { expr: `sum(${k("spark_stage_input_bytes")}{${KINDLING}})`, legend: "input" },
          { expr: `sum(${k("spark_stage_output_bytes")}{${KINDLING}})`, legend: "output" },
          { expr: `sum(${k("spark_stage_shuffle_read_bytes")}{${KINDLING}})`, legend: "shuffle read" },
          { expr: `sum(${k("spark_stage_shuffle_write_bytes")}{${KINDLING}})`, legend: "shuffle write" },
        ],
      },
    ],
  },
  {
    title: "Kindling pipeline",
    panels: [
      {
        title: "Run status",
        description:
          "The run's status (1 = this status) and whether it is still running. A finished run pushes active = 0.",
        type: "stat",
        unit: "short",
        queries: [
          {
            expr: `max by (pipeline, run_id, status) (${k("run_status")}{${KINDLING}}) == 1`,
            legend: "{{pipeline}} {{run_id}}: {{status}}",
          },
          { expr: `max by (pipeline, run_id) (${k("run_active")}{${KINDLING}})`, legend: "active" },
        ],
      },
      {
        title: "Rows in / out / quarantined",
        description:
          "Rows read from every source, written to every sink, and sent to the quarantine, per run.",
        type: "stat",
        unit: "short",
        queries: [
          { expr: `sum by (pipeline, run_id) (${k("run_rows_in")}{${KINDLING}})`, legend: "in" },
          { expr: `sum by (pipeline, run_id) (${k("run_rows_out")}{${KINDLING}})`, legend: "out" },
          {
            expr: `sum by (pipeline, run_id) (${k("run_rows_quarantined")}{${KINDLING}})`,
            legend: "quarantined",
          },
        ],
      },
      {
        title: "Rows by step",
        description: "Rows entering and leaving each step, and those each step quarantined.",
        type: "table",
        unit: "short",
        w: 8,
        queries: [
          { expr: `${k("step_rows_in")}{${KINDLING}}`, legend: "{{step}} in" },
          { expr: `${k("step_rows_out")}{${KINDLING}}`, legend: "{{step}} out" },
          { expr: `${k("step_rows_quarantined")}{${KINDLING}}`, legend: "{{step}} quarantined" },
        ],
      },
      {
        title: "Throughput",
        description:
          "Rows read per second of the run's wall time, and rows written per second for each output.",
        type: "bargauge",
        unit: "suffix: rows/s",
        queries: [
          { expr: `${k("run_throughput_rows_per_second")}{${KINDLING}}`, legend: "run {{run_id}}" },
          { expr: `${k("output_throughput_rows_per_second")}{${KINDLING}}`, legend: "{{output}}" },
        ],
      },
      {
        title: "Bytes read and written by the run",
        description: "Bytes of each source's input files and of each output after publishing.",
        type: "bargauge",
        unit: "bytes",
        queries: [
          { expr: `${k("source_bytes")}{${KINDLING}}`, legend: "source {{source}}" },
          { expr: `${k("output_bytes")}{${KINDLING}}`, legend: "output {{output}}" },
        ],
      },
      {
        title: "Run duration and push age",
        description:
          "Wall time of the run, and seconds since its figures were pushed (pushed series never go stale by themselves: a large age means an old run).",
        type: "stat",
        unit: "s",
        queries: [
          { expr: `${k("run_duration_seconds")}{${KINDLING}}`, legend: "duration {{run_id}}" },
          {
            expr: `time() - ${k("run_last_push_timestamp_seconds")}{${KINDLING}}`,
            legend: "since push {{run_id}}",
          },
        ],
      },
    ],
  },
];

/**
 * The template variables, in order: Grafana's `label_values(<selector>, <label>)` queries. Each
 * may refer to the variables before it. The web dashboard fills its drop-downs from the same list.
 */
export const DASHBOARD_VARIABLES: {
  name: "namespace" | "application" | "run";
  label: string;
  query: string;
}[] = [
  { name: "namespace", label: "Namespace", query: `label_values(up, ${LABELS.namespace})` },
  {
    name: "application",
    label: "Application",
    query: `label_values(up{${LABELS.namespace}=~"$namespace"}, ${LABELS.application})`,
  },
  {
    name: "run",
    label: "Run",
    query: `label_values(${k("run_status")}{${LABELS.namespace}=~"$namespace", ${LABELS.application}=~"$application"}, ${LABELS.run})`,
  },
];

/** The refId of a panel's i-th query (A, B, C…), as Grafana names them. */
export const refId = (i: number) => String.fromCharCode(65 + i);

function variable(name: string, label: string, query: string): VariableModel {
  return {
    name,
    label,
    type: "query",
    datasource: DS,
    query: { query, refId: `var-${name}` },
    refresh: 2,
    includeAll: true,
    allValue: ".*",
    multi: false,
    sort: 1,
    current: { text: "All", value: "$__all" },
  };
}

function panel(spec: PanelSpec, id: number, x: number, y: number): Panel {
  const w = spec.w ?? 8;
  return {
    id,
    type: spec.type,
    title: spec.title,
    description: spec.description,
    datasource: DS,
    gridPos: { x, y, w, h: 8 },
    fieldConfig: { defaults: { unit: spec.unit }, overrides: [] },
    options:
      spec.type === "timeseries"
        ? { legend: { displayMode: "list", placement: "bottom", showLegend: true } }
        : spec.type === "table"
          ? { showHeader: true }
          : { reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false } },
    targets: spec.queries.map((q, i) => ({
      refId: refId(i),
      datasource: DS,
      expr: q.expr,
      legendFormat: q.legend,
      ...(spec.type === "timeseries" ? { range: true } : { instant: true, range: false }),
    })),
  };
}

/** The dashboard model (Grafana's classic JSON, schemaVersion 39). */
export function sparkJobDashboard(): Dashboard {
  const panels: (Panel | RowPanel)[] = [];
  let id = 1;
  let y = 0;
  for (const row of PANEL_ROWS) {
    panels.push({
      type: "row",
      id: id++,
      title: row.title,
      collapsed: false,
      gridPos: { x: 0, y, w: 24, h: 1 },
      panels: [],
    });
    y += 1;
    let x = 0;
    for (const spec of row.panels) {
      const w = spec.w ?? 8;
      if (x + w > 24) {
        x = 0;
        y += 8;
      }
      panels.push(panel(spec, id++, x, y));
      x += w;
    }
    y += 8;
  }
  return {
    uid: DASHBOARD_UID,
    title: DASHBOARD_TITLE,
    description:
      "Spark application (driver servlet, executor summaries, executors' JMX exporters) and Kindling runs (Pushgateway). See docs/metrics.md.",
    tags: ["kindling", "spark"],
    editable: true,
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    refresh: "10s",
    time: { from: "now-30m", to: "now" },
    timezone: "utc",
    annotations: { list: [] },
    templating: {
      list: [
        {
          name: "datasource",
          label: "Data source",
          type: "datasource",
          query: "prometheus",
          current: { text: "Prometheus", value: "prometheus" },
        },
        ...DASHBOARD_VARIABLES.map((v) => variable(v.name, v.label, v.query)),
      ],
    },
    panels,
  };
}

/** Every query of every panel, with its panel's title (what the live test evaluates). */
export function dashboardQueries(dashboard: Dashboard): { panel: string; refId: string; expr: string }[] {
  const out: { panel: string; refId: string; expr: string }[] = [];
  const visit = (p: Panel | RowPanel) => {
    if (p.type === "row") for (const c of (p as RowPanel).panels) visit(c);
    for (const t of (p as Panel).targets ?? [])
      out.push({ panel: p.title ?? "", refId: String(t.refId), expr: String(t.expr) });
  };
  for (const p of dashboard.panels ?? []) visit(p);
  return out;
}
