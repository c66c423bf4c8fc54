import type { Command } from "commander";
import { clusterStatus } from "../../cluster/control.js";
import { DEFAULT_CLUSTER_NAME } from "../../cluster/options.js";
import { processMetrics, serveMetrics } from "../../metrics/serve.js";

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
