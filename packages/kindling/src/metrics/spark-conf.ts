/**
 * The Spark configuration that makes a Kindling application's metrics visible to Prometheus, for
 * each way Kindling runs Spark:
 *
 * - the driver's own metrics (appStatus job/stage/task counters, block manager, JVM) through the
 *   PrometheusServlet sink on the Spark UI port (`/metrics/prometheus/`);
 * - driver-side per-executor summaries at `/metrics/executors/prometheus` (shuffle, input, tasks);
 * - each executor JVM's CPU, memory, GC and Spark executor metrics through the JMX exporter
 *   javaagent (executors run no HTTP server), fed by Spark's JmxSink.
 *
 * `spark.metrics.namespace` is fixed so names do not embed the application id; the id, the
 * executor id and the Kubernetes namespace travel as labels instead.
 */
import { JMX_EXPORTER_VERSION, type JmxAgent } from "./jmx.js";
import { SPARK_METRICS_NAMESPACE } from "./names.js";

export type SparkMetricsMode = "local" | "cluster" | "kubernetes";

/**
 * Default digits in front of the executor id in an executor's exporter port on a one-host cluster:
 * executor 0 → 1910, 7 → 1917, 12 → 19112 (ids 0–99 → 1910–1919 and 19110–19199, all below
 * Linux's ephemeral range, so free-port picks and outgoing connections never take them).
 */
export const DEFAULT_JMX_PORT_PREFIX = "191";
/** Exporter port of every executor pod on Kubernetes (pods have their own IPs). */
export const KUBERNETES_JMX_PORT = 9404;
/** Where the agent and its configuration sit inside Kindling's Spark image. */
export const KUBERNETES_JMX_DIR = "/opt/kindling/jmx";

export interface SparkMetricsOptions {
  mode: SparkMetricsMode;
  /** The agent on this machine (from `ensureJmxAgent`); for `local` and `cluster`. */
  agent?: JmxAgent;
  /** `spark.metrics.namespace`. Default `kindling`. */
  namespace?: string;
  /** `cluster`: digits before the executor id in each executor's exporter port. Default `191`. */
  jmxPortPrefix?: string;
  /** `local`: exporter port of the single JVM (driver and executor in one). */
  driverJmxPort?: number;
  /** Address the exporters bind to on one host. Default `127.0.0.1`. */
  bindHost?: string;
}

export interface SparkMetricsConf {
  /** `spark.*` entries for the application (merge them into the server's or cluster's conf). */
  conf: Record<string, string>;
  /** JVM options for the driver JVM itself (only `local` mode has any: the agent on the driver). */
  driverJavaOptions: string[];
  /** How to find the executors' exporter ports. */
  executorJmx:
    | { kind: "per-executor-port"; host: string; prefix: string }
    | { kind: "fixed-port"; port: number }
    | { kind: "driver"; host: string; port: number };
}

/**
 * The exporter port of executor `executorId` under the one-host scheme: the prefix digits followed
 * by the id (Spark substitutes `{{EXECUTOR_ID}}` in `spark.executor.extraJavaOptions`, and string
 * concatenation is the only arithmetic available there). Returns undefined for ids that give no
 * valid port (the agent would then fail to start that executor; Spark retries with a new id).
 */
export function executorJmxPort(executorId: string, prefix = DEFAULT_JMX_PORT_PREFIX): number | undefined {
  if (!/^\d+$/.test(executorId)) return undefined;
  const port = Number(`${prefix}${executorId}`);
  return port >= 1024 && port <= 65535 ? port : undefined;
}

/** The Spark conf and JVM options of a metrics-enabled application. Throws for a missing agent. */
export function sparkMetricsConf(options: SparkMetricsOptions): SparkMetricsConf {
  const namespace = options.namespace ?? SPARK_METRICS_NAMESPACE;
  const host = options.bindHost ?? "127.0.0.1";
  const jmxSink = "org.apache.spark.metrics.sink.JmxSink";
  const conf: Record<string, string> = {
    "spark.metrics.namespace": namespace,
    "spark.metrics.conf.*.sink.prometheusServlet.class": "org.apache.spark.metrics.sink.PrometheusServlet",
    "spark.metrics.conf.*.sink.prometheusServlet.path": "/metrics/prometheus",
    "spark.metrics.conf.master.sink.prometheusServlet.path": "/metrics/master/prometheus",
    "spark.metrics.conf.applications.sink.prometheusServlet.path": "/metrics/applications/prometheus",
    // Executors publish their metrics as MBeans; the JMX exporter agent serves them.
    "spark.metrics.conf.executor.sink.jmx.class": jmxSink,
    "spark.metrics.conf.driver.sink.jmx.class": jmxSink,
    "spark.metrics.appStatusSource.enabled": "true",
    "spark.ui.prometheus.enabled": "true",
    // RSS and virtual memory of each executor's process tree (Linux /proc), in ExecutorMetrics.
    "spark.executor.processTreeMetrics.enabled": "true",
    "spark.metrics.executorMetricsSource.enabled": "true",
  };
  const agentArg = (agent: JmxAgent, port: string, bind: string | undefined) =>
    `-javaagent:${agent.jar}=${bind ? `${bind}:` : ""}${port}:${agent.config}`;
  switch (options.mode) {
    case "local": {
      const agent = need(options.agent, "local");
      const port = options.driverJmxPort;
      if (!port) throw new Error("sparkMetricsConf: local mode needs driverJmxPort");
      return {
        conf,
        driverJavaOptions: [agentArg(agent, String(port), host)],
        executorJmx: { kind: "driver", host, port },
      };
    }
    case "cluster": {
      const agent = need(options.agent, "cluster");
      const prefix = options.jmxPortPrefix ?? DEFAULT_JMX_PORT_PREFIX;
      if (!/^[1-9]\d{2}$/.test(prefix) || Number(prefix) > 654)
        throw new Error(`jmxPortPrefix must be three digits from 103 to 654, got '${prefix}'`);
      conf["spark.executor.extraJavaOptions"] = agentArg(agent, `${prefix}{{EXECUTOR_ID}}`, host);
      return { conf, driverJavaOptions: [], executorJmx: { kind: "per-executor-port", host, prefix } };
    }
    case "kubernetes": {
      const jar = `${KUBERNETES_JMX_DIR}/jmx_prometheus_javaagent-${JMX_EXPORTER_VERSION}.jar`;
      const agent = options.agent ?? { jar, config: `${KUBERNETES_JMX_DIR}/exporter.yaml` };
      const port = String(KUBERNETES_JMX_PORT);
      const annotate = (role: "driver" | "executor", key: string, value: string) => {
        conf[`spark.kubernetes.${role}.annotation.prometheus.io/${key}`] = value;
      };
      conf["spark.executor.extraJavaOptions"] = agentArg(agent, port, undefined);
      annotate("executor", "scrape", "true");
      annotate("executor", "port", port);
      annotate("executor", "path", "/metrics");
      annotate("driver", "scrape", "true");
      annotate("driver", "port", "4040");
      annotate("driver", "path", "/metrics/prometheus/");
      conf["spark.kubernetes.executor.label.app.kubernetes.io/part-of"] = "kindling";
      conf["spark.kubernetes.driver.label.app.kubernetes.io/part-of"] = "kindling";
      return { conf, driverJavaOptions: [], executorJmx: { kind: "fixed-port", port: KUBERNETES_JMX_PORT } };
    }
  }
}

function need(agent: JmxAgent | undefined, mode: string): JmxAgent {
  if (!agent) throw new Error(`sparkMetricsConf: ${mode} mode needs the agent (ensureJmxAgent())`);
  return agent;
}
