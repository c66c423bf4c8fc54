import { resolve } from "node:path";
import type { Command } from "commander";
import { DASHBOARD_PORT, startDashboardServer } from "../../dashboard/server.js";
import { KindlingError } from "../../errors.js";

interface DashboardOptions {
  port: string;
  host: string;
  prometheus: string;
  scrapeInterval: string;
  reports: string[];
}

const collect = (v: string, acc: string[]) => [...acc, v];

/** Parses a port option; throws a usage error (exit 2) naming the flag. */
export function portOption(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new KindlingError(`${flag} must be a port number from 0 to 65535, got '${value}'.`, 2);
  return n;
}

/**
 * Adds `kindling dashboard`: the web dashboard (the Grafana dashboard's panels, and a Runs page)
 * for a Prometheus, until interrupted.
 */
export function registerDashboard(program: Command): void {
  program
    .command("dashboard")
    .description("Serve the web dashboard (Spark Job Monitoring panels and a Runs page) until interrupted.")
    .option("--port <n>", "port to listen on (0 = any free port)", String(DASHBOARD_PORT))
    .option("--host <address>", "address to listen on (0.0.0.0 in a container)", "127.0.0.1")
    .option("--prometheus <url>", "Prometheus to query", "http://127.0.0.1:9090")
    .option("--scrape-interval <seconds>", "Prometheus's scrape interval (for rates)", "5")
    .option("--reports <dir>", "a report folder to link run reports from (repeatable)", collect, [])
    .action(async (opts: DashboardOptions) => {
      const server = await startDashboardServer({
        prometheus: opts.prometheus,
        port: portOption("--port", opts.port),
        host: opts.host,
        scrapeIntervalSeconds: Number(opts.scrapeInterval) || 5,
        reportDirs: opts.reports.map((d) => resolve(d)),
      });
      process.stdout.write(`Dashboard    ${server.url}   (Prometheus ${opts.prometheus}; Ctrl-C stops it)\n`);
      await new Promise<void>((done) => {
        process.once("SIGINT", () => done());
        process.once("SIGTERM", () => done());
      });
      await server.close();
    });
}
