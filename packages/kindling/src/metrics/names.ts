/**
 * Names shared by Kindling's metrics, the Spark configuration, the Prometheus scrape
 * configuration and the dashboard: one place, so they cannot drift apart.
 */

/** `spark.metrics.namespace`: replaces the application id in Spark's metric names. */
export const SPARK_METRICS_NAMESPACE = "kindling";

/** Prefix of every metric Kindling itself exports. */
export const METRIC_PREFIX = "kindling_";

/** Pushgateway grouping key `job` of pushed run metrics, and the scrape job of the Pushgateway. */
export const PUSH_JOB = "kindling";

/** Scrape job names (the `job` label) of the generated Prometheus configuration. */
export const SCRAPE_JOBS = {
  /** The driver's PrometheusServlet (`/metrics/prometheus/`). */
  driver: "spark-driver",
  /** The driver's per-executor summaries (`/metrics/executors/prometheus`). */
  executors: "spark-executors",
  /** The JMX exporter agent in each executor JVM. */
  executorJvm: "spark-executor-jvm",
  pushgateway: "pushgateway",
  /** A long-lived Kindling process's `/metrics` (`kindling serve-metrics`). */
  kindling: "kindling",
} as const;

/** Label names the dashboard's variables filter on (Spark series and Kindling series alike). */
export const LABELS = {
  /** Kubernetes namespace, or the local cluster's name in local modes. */
  namespace: "namespace",
  /** Spark application id (`app-…` on a standalone cluster, `spark-…` on Kubernetes). */
  application: "application_id",
  executor: "executor_id",
  pipeline: "pipeline",
  run: "run_id",
} as const;

/** Environment variable giving the Pushgateway URL when `--pushgateway` is not passed. */
export const PUSHGATEWAY_ENV = "KINDLING_PUSHGATEWAY";

/**
 * `kindling_` + a snake_case name. Throws for names Prometheus would reject, so a typo fails in
 * the unit tests rather than as a silently dropped series.
 */
export function metricName(name: string): string {
  const full = `${METRIC_PREFIX}${name}`;
  if (!/^[a-z_][a-z0-9_]*$/.test(full)) throw new Error(`not a valid Prometheus metric name: ${full}`);
  return full;
}
