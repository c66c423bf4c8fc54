/**
 * The Prometheus JMX exporter javaagent that gives each executor JVM its own `/metrics`
 * endpoint (executors run no HTTP server of their own): JVM CPU, memory and GC, plus Spark's
 * executor metrics, which the executors publish as MBeans through Spark's JmxSink.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cacheRoot } from "@kindling/spark-connect/local";
import { KindlingError } from "../errors.js";
import { SPARK_METRICS_NAMESPACE } from "./names.js";

/** The one pin of the agent: the newest `io.prometheus.jmx:jmx_prometheus_javaagent` on Maven Central. */
export const JMX_EXPORTER_VERSION = "1.0.1";
const ARTIFACT = `io.prometheus.jmx:jmx_prometheus_javaagent:${JMX_EXPORTER_VERSION}`;
const DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1";

/** Where the agent jar and its configuration live on this machine. */
export interface JmxAgent {
  jar: string;
  config: string;
}

/** `<cache>/jmx`: the agent jar (by version) and the exporter configuration Kindling writes. */
export function jmxCacheDir(): string {
  return join(cacheRoot(), "jmx");
}

/** Where the pinned agent jar is (or will be) in the cache; {@link ensureJmxAgent} fetches it. */
export function jmxAgentJar(): string {
  return join(jmxCacheDir(), `jmx_prometheus_javaagent-${JMX_EXPORTER_VERSION}.jar`);
}

/**
 * Exporter configuration. Only Spark's MBeans (domain `metrics`, named
 * `<namespace>.<executor id>.<source>.<metric>` because `spark.metrics.namespace` is set) are
 * read; the agent adds the JVM's own metrics (`jvm_*`, `process_cpu_seconds_total`) by itself.
 * Metric names are lower-cased; the executor id becomes the `executor_id` label.
 */
export function jmxExporterConfig(namespace = SPARK_METRICS_NAMESPACE): string {
  const ns = namespace.replace(/[^A-Za-z0-9_]/g, "\\$&");
  return `# Written by Kindling from jmxExporterConfig() in packages/kindling/src/metrics/jmx.ts.
lowercaseOutputName: true
lowercaseOutputLabelNames: true
includeObjectNames: ["metrics:*"]
rules:
  # Counters (Dropwizard Count): executor.bytesRead, executor.shuffleBytesWritten, ...
  - pattern: 'metrics<name=${ns}\\.([^.]+)\\.([^.]+)\\.(.+), type=counters><>Count'
    name: spark_$2_$3_total
    type: COUNTER
    labels:
      executor_id: "$1"
  # Gauges (Dropwizard Value): JVMCPU.jvmCpuTime, ExecutorMetrics.JVMHeapMemory, threadpool.activeTasks, ...
  - pattern: 'metrics<name=${ns}\\.([^.]+)\\.([^.]+)\\.(.+), type=gauges><>Value'
    name: spark_$2_$3
    type: GAUGE
    labels:
      executor_id: "$1"
`;
}

/**
 * Makes sure the agent jar is in `<cache>/jmx` (fetched once with Maven from Maven Central) and
 * writes the exporter configuration next to it. Returns their paths. Throws KindlingError when
 * Maven is missing or cannot fetch the jar.
 */
export async function ensureJmxAgent(
  options: { namespace?: string; onProgress?: (line: string) => void } = {},
): Promise<JmxAgent> {
  const dir = jmxCacheDir();
  mkdirSync(dir, { recursive: true });
  const jar = jmxAgentJar();
  if (!existsSync(jar)) {
    options.onProgress?.(`kindling: fetching ${ARTIFACT} with Maven into ${dir}`);
    const tmp = join(dir, `.download-${process.pid}`);
    await runMaven([
      "-B",
      "-q",
      `${DEPENDENCY_PLUGIN}:copy`,
      `-Dartifact=${ARTIFACT}`,
      `-DoutputDirectory=${tmp}`,
    ]);
    renameSync(join(tmp, `jmx_prometheus_javaagent-${JMX_EXPORTER_VERSION}.jar`), jar);
    rmSync(tmp, { recursive: true, force: true });
  }
  const config = join(dir, `exporter-${options.namespace ?? SPARK_METRICS_NAMESPACE}.yaml`);
  const text = jmxExporterConfig(options.namespace);
  if (!existsSync(config) || readFileSync(config, "utf8") !== text) writeFileSync(config, text);
  return { jar, config };
}

function runMaven(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("mvn", args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out = (out + c.toString("utf8")).slice(-4000);
    });
    child.stderr.on("data", (c: Buffer) => {
      out = (out + c.toString("utf8")).slice(-4000);
    });
    child.on("error", (e) =>
      reject(new KindlingError(`Could not run Maven to fetch the JMX exporter: ${e.message}`)),
    );
    child.on("close", (code) =>
      code === 0
        ? resolve()
        : reject(new KindlingError(`Maven could not fetch ${ARTIFACT} (exit ${code}):\n${out}`)),
    );
  });
}
