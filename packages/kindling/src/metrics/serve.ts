/**
 * `/metrics` for long-lived Kindling processes (`kindling serve-metrics`, or any process that
 * runs pipelines in-process): Node process metrics, `kindling_info`, the figures of the last run
 * observed, and optionally the state of a local cluster, read at scrape time.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { collectDefaultMetrics, Gauge, Registry } from "prom-client";
import type { RunResult } from "../run/runner.js";
import { LiveRun, type LiveRunOptions } from "./live-run.js";
import { METRIC_PREFIX, metricName } from "./names.js";
import { RunMetrics } from "./run-metrics.js";

/** What a scrape-time collector reports about a cluster (see `kindling serve-metrics --cluster`). */
export interface ClusterGaugeReading {
  up: boolean;
  workersAlive: number;
  executorsActive: number;
}

export interface ProcessMetricsOptions {
  /** Reads a cluster's state at scrape time; its figures get the label `cluster`. */
  cluster?: { name: string; read: () => Promise<ClusterGaugeReading | undefined> };
}

/** A registry for one long-lived process, with a place to record finished runs. */
export interface ProcessMetrics {
  registry: Registry;
  /** Shows this run's figures (the previous run's are forgotten). */
  recordRun(result: RunResult): void;
  /**
   * Follows a run in progress on this registry (its `onEvent` is the runner's `onProgress`): the
   * live figures are on `/metrics` at every scrape until `recordRun` replaces them.
   */
  followRun(options?: Omit<LiveRunOptions, "target">): LiveRun;
}

/** Creates the process's registry: default Node metrics (prefixed `kindling_`) and `kindling_info`. */
export function processMetrics(version: string, options: ProcessMetricsOptions = {}): ProcessMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  new Gauge({
    name: metricName("info"),
    help: "Kindling's version on this process (always 1).",
    labelNames: ["version"],
    registers: [registry],
  }).set({ version }, 1);
  const cluster = options.cluster;
  if (cluster) {
    const reading = async () => cluster.read().catch(() => undefined);
    const gauge = (name: string, help: string, pick: (r: ClusterGaugeReading | undefined) => number) =>
      new Gauge({
        name: metricName(name),
        help,
        labelNames: ["cluster"],
        registers: [registry],
        async collect() {
          this.set({ cluster: cluster.name }, pick(await reading()));
        },
      });
    gauge("cluster_up", "1 when the local cluster's master, workers and Connect server run.", (r) =>
      r?.up ? 1 : 0,
    );
    gauge("cluster_workers_alive", "Workers the cluster's master sees alive.", (r) => r?.workersAlive ?? 0);
    gauge(
      "cluster_executors_active",
      "Executors registered with the driver.",
      (r) => r?.executorsActive ?? 0,
    );
  }
  const runs = new RunMetrics(registry);
  return {
    registry,
    recordRun(result) {
      runs.reset();
      runs.observe(result);
    },
    followRun: (options = {}) => new LiveRun({ ...options, target: { registry, metrics: runs } }),
  };
}

export interface MetricsServer {
  /** `http://host:port/metrics` */
  url: string;
  port: number;
  /** Stops listening. Idempotent. */
  close(): Promise<void>;
}

/**
 * Serves `registry` on `GET /metrics` (and `/-/healthy`). Port 0 picks a free port. Resolves once
 * listening; rejects when the port cannot be bound.
 */
export function serveMetrics(
  registry: Registry,
  options: { port?: number; host?: string } = {},
): Promise<MetricsServer> {
  const host = options.host ?? "127.0.0.1";
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && path === "/metrics") {
      registry
        .metrics()
        .then((body) => {
          res.writeHead(200, { "content-type": registry.contentType });
          res.end(body);
        })
        .catch((err: Error) => {
          res.writeHead(500, { "content-type": "text/plain" });
          res.end(`${err.message}\n`);
        });
    } else if (path === "/-/healthy") {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("ok\n");
    } else {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found: try /metrics\n");
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      const port = (server.address() as AddressInfo).port;
      let closing: Promise<void> | undefined;
      resolve({
        url: `http://${host}:${port}/metrics`,
        port,
        close: () => {
          closing ??= new Promise((r) => server.close(() => r()));
          server.closeAllConnections();
          return closing;
        },
      });
    });
  });
}
