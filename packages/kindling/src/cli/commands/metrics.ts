import { resolve } from "node:path";
import type { Command } from "commander";
import { clusterStatus } from "../../cluster/control.js";
import { DEFAULT_CLUSTER_NAME } from "../../cluster/options.js";
import { DASHBOARD_PORT, startDashboardServer } from "../../dashboard/server.js";
import { KindlingError } from "../../errors.js";
import { sparkJobDashboard } from "../../metrics/dashboard.js";
import { evaluateDashboard, MATCH_ALL, panelVerdicts } from "../../metrics/evaluate.js";
import { startPrometheus } from "../../metrics/prometheus.js";
import { processMetrics, serveMetrics } from "../../metrics/serve.js";
import { DEFAULT_JMX_PORT_PREFIX } from "../../metrics/spark-conf.js";
import { portOption } from "./dashboard.js";

interface ServeMetricsOptions {
  port: string;
  host: string;
  cluster?: boolean | string;
}

/** Default port of `kindling serve-metrics` (registered for Node.js exporters on Prometheus's port list). */
export const SERVE_METRICS_PORT = 9464;

/**
 * Adds `kindling serve-metrics`: a long-lived `/metrics` endpoint with this process's metrics and,
 * with `--cluster`, the local cluster's workers and executors (read at scrape time).
 */
export function registerServeMetrics(program: Command): void {
  program
    .command("serve-metrics")
    .description(
      "Serve Prometheus metrics on /metrics until interrupted (Kindling's process, optionally a local cluster).",
    )
    .option("--port <n>", "port to listen on (0 = any free port)", String(SERVE_METRICS_PORT))
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .option("--cluster [name]", `also report a local cluster (default name: ${DEFAULT_CLUSTER_NAME})`)
    .action(async (opts: ServeMetricsOptions) => {
      const name = typeof opts.cluster === "string" ? opts.cluster : DEFAULT_CLUSTER_NAME;
      const metrics = processMetrics(process.env.npm_package_version ?? "0.1.0", {
        ...(opts.cluster
          ? {
              cluster: {
                name,
                read: async () => {
                  const s = await clusterStatus(name);
                  return {
                    up: s.running && s.status === "running",
                    workersAlive: s.workersAlive ?? 0,
                    executorsActive: (s.executors ?? []).filter((e) => e.isActive && e.id !== "driver")
                      .length,
                  };
                },
              },
            }
          : {}),
      });
      const server = await serveMetrics(metrics.registry, { port: Number(opts.port), host: opts.host });
      process.stderr.write(`kindling: serving metrics on ${server.url} (Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => {
        const done = () => resolve();
        process.once("SIGINT", done);
        process.once("SIGTERM", done);
      });
      await server.close();
    });
}

interface MetricsUpOptions {
  cluster?: boolean | string;
  prometheusPort: string;
  pushgatewayPort: string;
  scrapeInterval: string;
  dashboardPort: string;
  dashboard: boolean;
  reports: string[];
}

/**
 * Adds `kindling metrics up`: a Prometheus and a Pushgateway (Debian's packages, see
 * infra/observability/install.sh) with Kindling's scrape configuration, scraping a local cluster's
 * driver and executors (their exporters found through the Spark UI every 2 s), until interrupted.
 */
export function registerMetricsUp(program: Command): void {
  const metrics = program.command("metrics").description("Local Prometheus for Kindling and Spark metrics.");
  registerMetricsCheck(metrics);
  metrics
    .command("up")
    .description(
      "Run Prometheus and a Pushgateway in the foreground (Ctrl-C stops both), scraping a local cluster.",
    )
    .option("--cluster [name]", `scrape this local cluster (default name: ${DEFAULT_CLUSTER_NAME})`)
    .option("--prometheus-port <n>", "Prometheus port on 127.0.0.1 (0 = any free port)", "9090")
    .option("--pushgateway-port <n>", "Pushgateway port on 127.0.0.1 (0 = any free port)", "9091")
    .option("--scrape-interval <seconds>", "how often Prometheus scrapes", "5")
    .option(
      "--dashboard-port <n>",
      "web dashboard port on 127.0.0.1 (0 = any free port)",
      String(DASHBOARD_PORT),
    )
    .option("--no-dashboard", "do not start the web dashboard")
    .option(
      "--reports <dir>",
      "a report folder the dashboard links run reports from (repeatable)",
      (v: string, a: string[]) => [...a, v],
      [],
    )
    .action(async (opts: MetricsUpOptions) => {
      const dashboardPort = portOption("--dashboard-port", opts.dashboardPort);
      const say = (l: string) => process.stderr.write(`${l}\n`);
      let uiUrl: string | undefined;
      if (opts.cluster) {
        const name = typeof opts.cluster === "string" ? opts.cluster : DEFAULT_CLUSTER_NAME;
        const status = await clusterStatus(name);
        if (!status.running || !status.connectUiUrl)
          throw new KindlingError(
            `cluster '${name}' is not running: start it with \`kindling cluster up\` (metrics are on by default), then run this again.`,
            2,
          );
        uiUrl = status.connectUiUrl;
      }
      const stack = await startPrometheus({
        scrapeIntervalSeconds: Number(opts.scrapeInterval),
        ports: { prometheus: Number(opts.prometheusPort), pushgateway: Number(opts.pushgatewayPort) },
        onProgress: say,
      });
      // `kindling cluster up` gives executor N its exporter on port 191N (docs/metrics.md).
      if (uiUrl)
        await stack.addSpark({
          uiUrl,
          executorJmx: { kind: "per-executor-port", host: "127.0.0.1", prefix: DEFAULT_JMX_PORT_PREFIX },
        });
      const dashboard = opts.dashboard
        ? await startDashboardServer({
            prometheus: stack.prometheusUrl,
            port: dashboardPort,
            scrapeIntervalSeconds: Number(opts.scrapeInterval),
            reportDirs: opts.reports.map((d) => resolve(d)),
          }).catch(async (err) => {
            await stack.stop();
            throw err;
          })
        : undefined;
      process.stdout.write(
        [
          ...(dashboard ? [`Dashboard    ${dashboard.url}   (runs: ${dashboard.url}/runs)`] : []),
          `Prometheus   ${stack.prometheusUrl}`,
          `Pushgateway  ${stack.pushgatewayUrl}   (kindling run … --pushgateway ${stack.pushgatewayUrl})`,
          ...(uiUrl ? [`scraping     the Spark application at ${uiUrl}, its executors' exporters`] : []),
          `files        ${stack.dir}`,
          dashboard ? "Ctrl-C stops all three." : "Ctrl-C stops both.",
          "",
        ].join("\n"),
      );
      await new Promise<void>((resolve) => {
        process.once("SIGINT", () => resolve());
        process.once("SIGTERM", () => resolve());
      });
      await dashboard?.close();
      await stack.stop();
    });
}

interface MetricsCheckOptions {
  prometheus: string;
  namespace: string;
  application: string;
  run: string;
  rateInterval: string;
  json?: boolean;
}

/**
 * Adds `kindling metrics check`: evaluates every query of every panel of the "Spark Job
 * Monitoring" dashboard against a Prometheus, as Grafana would with the given variables, and says
 * per panel whether it has data. Exit 1 when a panel query fails or comes back empty.
 */
function registerMetricsCheck(metrics: Command): void {
  metrics
    .command("check")
    .description(
      "Evaluate every dashboard panel's queries against a Prometheus; exit 1 if one is empty or fails.",
    )
    .option("--prometheus <url>", "Prometheus to ask", "http://127.0.0.1:9090")
    .option("--namespace <regex>", "the dashboard's namespace variable", MATCH_ALL)
    .option("--application <regex>", "the application variable (a Spark application id)", MATCH_ALL)
    .option("--run <regex>", "the run variable (a Kindling run id)", MATCH_ALL)
    .option(
      "--rate-interval <duration>",
      "what $__rate_interval stands for (Grafana: 4 x scrape interval)",
      "1m",
    )
    .option("--json", "print every query's result as JSON")
    .action(async (opts: MetricsCheckOptions) => {
      const ready = await fetch(`${opts.prometheus}/-/ready`, { signal: AbortSignal.timeout(5_000) }).catch(
        () => undefined,
      );
      if (!ready?.ok)
        throw new KindlingError(
          `no Prometheus answers at ${opts.prometheus}: start one with \`kindling metrics up\`, or pass --prometheus <url>.`,
          2,
        );
      const results = await evaluateDashboard(opts.prometheus, sparkJobDashboard(), {
        namespace: opts.namespace,
        application: opts.application,
        run: opts.run,
        rateInterval: opts.rateInterval,
      });
      const verdicts = panelVerdicts(results);
      if (opts.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      else for (const [panel, verdict] of verdicts) process.stdout.write(`${panel.padEnd(36)} ${verdict}\n`);
      if ([...verdicts.values()].some((v) => v !== "ok")) process.exitCode = 1;
    });
}
