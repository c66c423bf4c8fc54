/**
 * A real Prometheus and Pushgateway (Debian's packages, see infra/observability/install.sh),
 * started as processes owned by this one, with a generated scrape configuration:
 *
 * - `spark-driver`: the driver's PrometheusServlet, `<Spark UI>/metrics/prometheus/`;
 * - `spark-executors`: the driver's per-executor summaries, `<Spark UI>/metrics/executors/prometheus`;
 * - `spark-executor-jvm`: the JMX exporter agent of each executor (ports from the scheme in
 *   spark-conf.ts), found by asking the Spark UI which executors are alive;
 * - `pushgateway` (`honor_labels: true`, so pushed `job`/`instance` labels are kept);
 * - `kindling`: long-lived Kindling processes' `/metrics`.
 *
 * Spark targets are file-based service discovery: this process polls each Spark UI's REST API and
 * rewrites the target files (labels `namespace`, `application_id`, `executor_id`); Prometheus
 * picks the changes up by itself. On Kubernetes, {@link kubernetesScrapeConfigs} does the same
 * from pod annotations and labels.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  cacheRoot,
  freePort,
  httpOk,
  type OwnedProcess,
  startOwnedProcess,
  waitUntilReady,
} from "@kindling/spark-connect/local";
import { stringify } from "yaml";
import { KindlingError } from "../errors.js";
import { LABELS, SCRAPE_JOBS } from "./names.js";
import { executorJmxPort, KUBERNETES_JMX_PORT, type SparkMetricsConf } from "./spark-conf.js";

/** A Spark application (its driver's UI) whose metrics Prometheus should scrape. */
export interface SparkScrapeTarget {
  /** The driver's Spark UI, e.g. `http://127.0.0.1:4040`. */
  uiUrl: string;
  /** Where the executors' JMX exporters listen (`sparkMetricsConf(...).executorJmx`). */
  executorJmx?: SparkMetricsConf["executorJmx"];
}

export interface PrometheusOptions {
  /** Folder for the configuration, target files, TSDB and logs. Default: a new folder under the cache. */
  dir?: string;
  /** Scrape (and evaluation) interval. Default 15 s; tests use 1 s. */
  scrapeIntervalSeconds?: number;
  /** `namespace` label of every local target (the Kubernetes namespace on a cluster). Default `local`. */
  namespace?: string;
  spark?: SparkScrapeTarget[];
  /** `host:port` of Kindling processes serving `/metrics`. */
  kindling?: string[];
  /** How often the Spark UIs are asked for executors. Default 2 s. */
  discoveryIntervalMs?: number;
  /** How long to wait for each server on an idle machine, ms (times `busyMachineScale()`). Default 60 s. */
  startTimeoutMs?: number;
  /** Ports on 127.0.0.1 for Prometheus and the Pushgateway. Default: free ports. */
  ports?: { prometheus?: number; pushgateway?: number };
  onProgress?: (line: string) => void;
}

/** A running Prometheus and Pushgateway owned by this process. */
export interface PrometheusStack {
  prometheusUrl: string;
  pushgatewayUrl: string;
  dir: string;
  configFile: string;
  /** Starts scraping another Spark application; resolves once its targets are written. */
  addSpark(target: SparkScrapeTarget): Promise<void>;
  /** Asks the Spark UIs for executors now and rewrites the target files. */
  refreshTargets(): Promise<void>;
  /** Stops both processes (SIGTERM, then SIGKILL) and the discovery loop. Idempotent. */
  stop(): Promise<void>;
}

/** A file-SD target group. */
export interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

const BINARIES = { prometheus: "prometheus", pushgateway: "prometheus-pushgateway" } as const;

/** The Prometheus configuration (as an object; `stringify` it for the file). */
export function prometheusConfig(options: {
  scrapeIntervalSeconds: number;
  namespace: string;
  pushgateway: string;
  kindling: string[];
  targetsDir: string;
}): Record<string, unknown> {
  const interval = `${options.scrapeIntervalSeconds}s`;
  const file = (name: string) => ({ files: [join(options.targetsDir, `${name}.json`)] });
  const ns = { [LABELS.namespace]: options.namespace };
  return {
    global: { scrape_interval: interval, evaluation_interval: interval, scrape_timeout: interval },
    scrape_configs: [
      {
        job_name: SCRAPE_JOBS.driver,
        metrics_path: "/metrics/prometheus/",
        file_sd_configs: [file("driver")],
      },
      {
        // The series carry application_id and executor_id themselves.
        job_name: SCRAPE_JOBS.executors,
        metrics_path: "/metrics/executors/prometheus",
        honor_labels: true,
        file_sd_configs: [file("driver")],
      },
      {
        job_name: SCRAPE_JOBS.executorJvm,
        metrics_path: "/metrics",
        honor_labels: true,
        file_sd_configs: [file("executor-jvm")],
      },
      {
        job_name: SCRAPE_JOBS.pushgateway,
        honor_labels: true,
        static_configs: [{ targets: [options.pushgateway], labels: ns }],
      },
      ...(options.kindling.length
        ? [{ job_name: SCRAPE_JOBS.kindling, static_configs: [{ targets: options.kindling, labels: ns }] }]
        : []),
    ],
  };
}

/**
 * Target groups of one Spark application, from its UI's REST API: the driver (for the servlet and
 * the executor summaries) and one exporter target per active executor. Throws when the UI does
 * not answer or has no application yet.
 */
export async function sparkTargetGroups(
  target: SparkScrapeTarget,
  namespace: string,
): Promise<{ driver: TargetGroup[]; executorJvm: TargetGroup[] }> {
  const base = target.uiUrl.replace(/\/+$/, "");
  const json = async <T>(path: string): Promise<T> => {
    const r = await fetch(`${base}/api/v1${path}`, { signal: AbortSignal.timeout(5000) });
    if (!r.ok) throw new Error(`${base}/api/v1${path}: HTTP ${r.status}`);
    return (await r.json()) as T;
  };
  const apps = await json<{ id: string; name: string }[]>("/applications");
  const app = apps[0];
  if (!app) throw new Error(`${base}: no application yet`);
  const labels = { [LABELS.namespace]: namespace, [LABELS.application]: app.id, application_name: app.name };
  const driver: TargetGroup[] = [{ targets: [new URL(base).host], labels }];
  const executorJvm: TargetGroup[] = [];
  const jmx = target.executorJmx;
  if (jmx?.kind === "driver") {
    executorJvm.push({
      targets: [`${jmx.host}:${jmx.port}`],
      labels: { ...labels, [LABELS.executor]: "driver" },
    });
  } else if (jmx) {
    const executors = await json<{ id: string; hostPort: string; isActive: boolean }[]>(
      `/applications/${app.id}/allexecutors`,
    );
    for (const e of executors) {
      if (e.id === "driver" || !e.isActive) continue;
      const host = jmx.kind === "per-executor-port" ? jmx.host : e.hostPort.replace(/:\d+$/, "");
      const port = jmx.kind === "per-executor-port" ? executorJmxPort(e.id, jmx.prefix) : jmx.port;
      if (port === undefined) continue;
      executorJvm.push({ targets: [`${host}:${port}`], labels: { ...labels, [LABELS.executor]: e.id } });
    }
  }
  return { driver, executorJvm };
}

/**
 * Scrape configurations for a Prometheus running inside Kubernetes, for the pods of its own
 * namespace (its service account needs get/list/watch on pods there): Spark driver and executor
 * pods found by their `prometheus.io/*` annotations (set by `sparkMetricsConf({ mode: "kubernetes" })`,
 * and by k8s/base/spark-connect.yaml for the Connect driver), and the Pushgateway pod. Labels:
 * `namespace`, `application_id` (pod label `spark-app-selector`; a driver pod without it is named
 * after its uid, see the Spark image's entrypoint) and `executor_id` (`spark-exec-id`), so the same
 * dashboard works there.
 *
 * Pods come from Prometheus's own `kubernetes_sd_configs`, or, with `podDiscoveryUrl`, from the
 * pod-discovery.ts sidecar over HTTP SD (same `__meta_kubernetes_*` labels, same relabelling).
 */
export function kubernetesScrapeConfigs(
  options: { podDiscoveryUrl?: string } = {},
): Record<string, unknown>[] {
  const sd = options.podDiscoveryUrl
    ? { http_sd_configs: [{ url: options.podDiscoveryUrl, refresh_interval: "10s" }] }
    : { kubernetes_sd_configs: [{ role: "pod", namespaces: { own_namespace: true } }] };
  const keep = (meta: string, regex: string) => ({
    source_labels: [`__meta_kubernetes_pod_${meta}`],
    regex,
    action: "keep",
  });
  const namespace = { source_labels: ["__meta_kubernetes_namespace"], target_label: LABELS.namespace };
  // `(.+)`: an empty value would delete a label set before.
  const appSelector = {
    source_labels: ["__meta_kubernetes_pod_label_spark_app_selector"],
    regex: "(.+)",
    target_label: LABELS.application,
  };
  const driver = [
    keep("annotation_prometheus_io_scrape", "true"),
    keep("label_spark_role", "driver"),
    namespace,
    // A client-mode driver (the spark-connect Deployment) has no spark-app-selector label: its
    // entrypoint sets spark.app.id to spark-<pod uid without dashes>.
    {
      source_labels: ["__meta_kubernetes_pod_uid"],
      regex: "(\\w{8})-(\\w{4})-(\\w{4})-(\\w{4})-(\\w{12})",
      replacement: "spark-$1$2$3$4$5",
      target_label: LABELS.application,
    },
    appSelector,
    {
      source_labels: ["__address__", "__meta_kubernetes_pod_annotation_prometheus_io_port"],
      regex: "([^:]+)(?::\\d+)?;(\\d+)",
      replacement: "$1:$2",
      target_label: "__address__",
    },
  ];
  return [
    {
      job_name: SCRAPE_JOBS.driver,
      metrics_path: "/metrics/prometheus/",
      ...sd,
      relabel_configs: driver,
    },
    {
      // The series carry application_id and executor_id themselves.
      job_name: SCRAPE_JOBS.executors,
      metrics_path: "/metrics/executors/prometheus",
      honor_labels: true,
      ...sd,
      relabel_configs: driver,
    },
    {
      job_name: SCRAPE_JOBS.executorJvm,
      metrics_path: "/metrics",
      honor_labels: true,
      ...sd,
      relabel_configs: [
        keep("annotation_prometheus_io_scrape", "true"),
        keep("label_spark_role", "executor"),
        namespace,
        appSelector,
        { source_labels: ["__meta_kubernetes_pod_label_spark_exec_id"], target_label: LABELS.executor },
        {
          source_labels: ["__address__"],
          regex: "([^:]+)(?::\\d+)?",
          replacement: `$1:${KUBERNETES_JMX_PORT}`,
          target_label: "__address__",
        },
      ],
    },
    {
      // Pushed series keep their job/instance; the pod's namespace is added.
      job_name: SCRAPE_JOBS.pushgateway,
      honor_labels: true,
      ...sd,
      relabel_configs: [
        keep("label_app_kubernetes_io_name", "pushgateway"),
        keep("container_port_name", "http"),
        namespace,
      ],
    },
  ];
}

/** Port of the pod-discovery sidecar in the Prometheus pod (k8s/base/monitoring.yaml). */
export const POD_DISCOVERY_PORT = 9099;

/** k8s/base/prometheus.yml: the in-cluster Prometheus (written by write-k8s-prometheus.ts). */
export function kubernetesPrometheusYaml(): string {
  const config = {
    global: { scrape_interval: "15s", evaluation_interval: "15s" },
    scrape_configs: [
      ...kubernetesScrapeConfigs({ podDiscoveryUrl: `http://127.0.0.1:${POD_DISCOVERY_PORT}/pods` }),
      { job_name: "prometheus", static_configs: [{ targets: ["localhost:9090"] }] },
    ],
  };
  return `# Prometheus in namespace kindling (ConfigMap prometheus-config); pods come from the
# pod-discovery sidecar (Debian's Prometheus has no kubernetes_sd_configs). Generated from
# kubernetesScrapeConfigs() in packages/kindling/src/metrics/prometheus.ts; do not edit, run
# npm run k8s-prometheus -w @kindling/kindling (a unit test compares this file with it).
${stringify(config, { aliasDuplicateObjects: false })}`;
}

/** Throws KindlingError naming the install script when a binary is missing. */
function checkBinary(bin: string): void {
  const r = spawnSync(bin, ["--version"], { encoding: "utf8" });
  if (r.error || r.status !== 0)
    throw new KindlingError(
      `'${bin}' was not found: install Prometheus and the Pushgateway with infra/observability/install.sh.`,
    );
}

/**
 * Starts a Pushgateway and a Prometheus on free ports of 127.0.0.1, scraping the given Spark
 * applications, Kindling processes and the Pushgateway. Resolves once both answer `/-/ready` and
 * the Spark targets are written. Both processes stop with `stop()` or when this process exits.
 * Throws KindlingError when a binary is missing or a server does not come up (with its log's tail).
 */
export async function startPrometheus(options: PrometheusOptions = {}): Promise<PrometheusStack> {
  checkBinary(BINARIES.prometheus);
  checkBinary(BINARIES.pushgateway);
  const progress = options.onProgress ?? (() => {});
  const { dir, targetsDir } = stackDirs(options.dir);
  const namespace = options.namespace ?? "local";
  const promPort = options.ports?.prometheus || (await freePort());
  const pushPort = options.ports?.pushgateway || (await freePort());
  const pushgateway = `127.0.0.1:${pushPort}`;
  const configFile = join(dir, "prometheus.yml");
  writeConfigFile(configFile, {
    scrapeIntervalSeconds: options.scrapeIntervalSeconds ?? 15,
    namespace,
    pushgateway,
    kindling: options.kindling ?? [],
    targetsDir,
  });
  const discovery = sparkDiscovery(targetsDir, namespace, options.spark ?? []);
  await discovery.refresh();

  const [pushgatewayProcess, prometheusProcess] = launchServers(dir, configFile, pushgateway, promPort);
  const children = [pushgatewayProcess, prometheusProcess];
  const timer = setInterval(() => void discovery.refresh(), options.discoveryIntervalMs ?? 2000);
  timer.unref();

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      clearInterval(timer);
      await Promise.all(children.map((c) => c.stop()));
    })();
    return stopping;
  };
  const stack: PrometheusStack = {
    prometheusUrl: `http://127.0.0.1:${promPort}`,
    pushgatewayUrl: `http://${pushgateway}`,
    dir,
    configFile,
    addSpark: discovery.add,
    refreshTargets: discovery.refresh,
    stop,
  };
  try {
    const timeoutMs = options.startTimeoutMs ?? 60_000;
    await waitForReady(pushgatewayProcess, stack.pushgatewayUrl, timeoutMs);
    await waitForReady(prometheusProcess, stack.prometheusUrl, timeoutMs);
  } catch (err) {
    await stop();
    throw err;
  }
  progress(
    `kindling: Prometheus ${stack.prometheusUrl}, Pushgateway ${stack.pushgatewayUrl} (config ${configFile})`,
  );
  return stack;
}

/** The stack's folder (given, or a new one under the cache) and its `targets` folder, both made. */
function stackDirs(given: string | undefined): { dir: string; targetsDir: string } {
  const root = join(cacheRoot(), "observability");
  mkdirSync(root, { recursive: true });
  const dir = given ?? mkdtempSync(join(root, "prometheus-"));
  const targetsDir = join(dir, "targets");
  mkdirSync(targetsDir, { recursive: true });
  return { dir, targetsDir };
}

function writeConfigFile(configFile: string, config: Parameters<typeof prometheusConfig>[0]): void {
  writeFileSync(
    configFile,
    `# Generated by Kindling (packages/kindling/src/metrics/prometheus.ts)\n${stringify(prometheusConfig(config))}`,
  );
}

/**
 * File-based service discovery of Spark targets: `refresh` asks every Spark UI for its executors
 * and rewrites the `driver` and `executor-jvm` target files; `add` scrapes one more application.
 */
function sparkDiscovery(
  targetsDir: string,
  namespace: string,
  initial: readonly SparkScrapeTarget[],
): { add(target: SparkScrapeTarget): Promise<void>; refresh(): Promise<void> } {
  const spark = [...initial];
  const lastGood = new Map<string, Awaited<ReturnType<typeof sparkTargetGroups>>>();
  const refresh = async () => {
    for (const t of spark) {
      try {
        lastGood.set(t.uiUrl, await sparkTargetGroups(t, namespace));
      } catch {
        /* keep the last good groups: a busy driver may miss one poll */
      }
    }
    const all = [...lastGood.values()];
    writeTargetFile(
      targetsDir,
      "driver",
      all.flatMap((g) => g.driver),
    );
    writeTargetFile(
      targetsDir,
      "executor-jvm",
      all.flatMap((g) => g.executorJvm),
    );
  };
  const add = async (t: SparkScrapeTarget) => {
    spark.push(t);
    await refresh();
  };
  return { add, refresh };
}

/** Writes `<targetsDir>/<name>.json` when its groups changed. */
function writeTargetFile(targetsDir: string, name: string, groups: TargetGroup[]): void {
  const file = join(targetsDir, `${name}.json`);
  const text = `${JSON.stringify(groups, null, 2)}\n`;
  try {
    if (readFileSync(file, "utf8") === text) return;
  } catch {
    /* first write */
  }
  // Prometheus may read the file at any moment: replace it whole.
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

/** Starts the Pushgateway and Prometheus as processes owned by this one, logging into `dir`. */
function launchServers(
  dir: string,
  configFile: string,
  pushgateway: string,
  promPort: number,
): [OwnedProcess, OwnedProcess] {
  // Debian's Pushgateway persists to /var/lib/prometheus/pushgateway.data by default: one file
  // shared by every Pushgateway on the machine, so a new one would start with other stacks' runs.
  const pushData = `--persistence.file=${join(dir, "pushgateway.data")}`;
  const promConfig = `--config.file=${configFile}`;
  return [
    startOwnedProcess({
      command: BINARIES.pushgateway,
      args: [`--web.listen-address=${pushgateway}`, pushData],
      logFile: join(dir, "pushgateway.log"),
      marker: pushData,
      label: "the Pushgateway",
      cwd: dir,
    }),
    startOwnedProcess({
      command: BINARIES.prometheus,
      args: [
        promConfig,
        `--storage.tsdb.path=${join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        "--web.enable-lifecycle",
      ],
      logFile: join(dir, "prometheus.log"),
      marker: promConfig,
      label: "Prometheus",
      cwd: dir,
    }),
  ];
}

/** Waits for `url/-/ready` (both servers have it); throws KindlingError if the process exits first. */
function waitForReady(server: OwnedProcess, url: string, timeoutMs: number): Promise<void> {
  return waitUntilReady({
    what: `${url}/-/ready to answer`,
    check: () => httpOk(`${url}/-/ready`),
    watch: [server],
    timeoutMs,
    intervalMs: 200,
    error: (f) => new KindlingError(f.message),
  });
}

/** One sample of an instant vector. */
export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

/**
 * Evaluates a PromQL expression at the current time through Prometheus's HTTP API
 * (`/api/v1/query`). Returns the samples (an instant vector; a scalar becomes one sample).
 * Throws with Prometheus's error message when the query is invalid or fails.
 */
export async function instantQuery(prometheusUrl: string, expr: string): Promise<Sample[]> {
  const r = await fetch(`${prometheusUrl}/api/v1/query`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ query: expr }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await r.json()) as {
    status: string;
    error?: string;
    data?: { resultType: string; result: unknown };
  };
  if (body.status !== "success" || !body.data)
    throw new Error(`query failed (HTTP ${r.status}): ${body.error ?? "no data"}: ${expr}`);
  if (body.data.resultType === "scalar") return [{ metric: {}, value: body.data.result as [number, string] }];
  return body.data.result as Sample[];
}
