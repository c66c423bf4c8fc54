/** Metrics: Spark's and Kindling's figures in Prometheus, and the dashboard that shows them. */
export { DASHBOARD_TITLE, dashboardQueries, PANEL_ROWS, sparkJobDashboard } from "./dashboard.js";
export {
  type DashboardVariables,
  evaluateDashboard,
  MATCH_ALL,
  panelVerdicts,
  type QueryResult,
  substituteVariables,
} from "./evaluate.js";
export { ensureJmxAgent, JMX_EXPORTER_VERSION, type JmxAgent, jmxExporterConfig } from "./jmx.js";
export {
  LABELS,
  METRIC_PREFIX,
  metricName,
  PUSH_JOB,
  PUSHGATEWAY_ENV,
  SCRAPE_JOBS,
  SPARK_METRICS_NAMESPACE,
} from "./names.js";
export {
  instantQuery,
  kubernetesPrometheusYaml,
  kubernetesScrapeConfigs,
  type PrometheusOptions,
  type PrometheusStack,
  prometheusConfig,
  type Sample,
  type SparkScrapeTarget,
  sparkTargetGroups,
  startPrometheus,
} from "./prometheus.js";
export { type PushOptions, pushAfterRun, pushGrouping, pushgatewayUrl, pushRunMetrics } from "./push.js";
export { RUN_METRICS, RunMetrics } from "./run-metrics.js";
export { type MetricsServer, processMetrics, serveMetrics } from "./serve.js";
export {
  DEFAULT_JMX_PORT_PREFIX,
  executorJmxPort,
  type SparkMetricsConf,
  type SparkMetricsMode,
  type SparkMetricsOptions,
  sparkMetricsConf,
} from "./spark-conf.js";
