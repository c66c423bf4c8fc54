/**
 * Evaluates every panel query of k8s/grafana-dashboard.json against the cluster's Prometheus, twice:
 * with every variable at "All", and with namespace, application and run set to the given
 * namespace, the given Spark application and that application's latest run (so the labels the
 * dashboard filters on must be on the series). Retries until every query has data or the time is up.
 * Used by infra/k8s/e2e.sh.
 *
 *   node --import tsx infra/k8s/jobs/dashboard-check.ts <prometheus URL> <namespace> <application id>
 * Prints one line per panel and pass: "<pass> <panel>\t<ok | FAILED: ...>". Exits 1 on any failure.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Dashboard } from "@grafana/schema";
import {
  type DashboardVariables,
  evaluateDashboard,
  instantQuery,
  MATCH_ALL,
  panelVerdicts,
  type QueryResult,
} from "@kindling/kindling";

const [prometheus, namespace, application] = process.argv.slice(2);
if (!prometheus || !namespace || !application) {
  process.stderr.write("usage: dashboard-check.ts <prometheus URL> <namespace> <application id>\n");
  process.exit(2);
}
const file = join(import.meta.dirname, "..", "..", "..", "k8s", "grafana-dashboard.json");
const dashboard = JSON.parse(readFileSync(file, "utf8")) as Dashboard;
// Grafana's $__rate_interval for the cluster's 15 s scrape interval: 4 × 15 s.
const rateInterval = "1m";

const latest = await instantQuery(
  prometheus,
  `topk(1, kindling_run_start_timestamp_seconds{namespace="${namespace}", application_id="${application}"})`,
);
const run = latest[0]?.metric.run_id ?? "no-run-of-this-application";
const passes: [string, DashboardVariables][] = [
  ["[all]", { namespace: MATCH_ALL, application: MATCH_ALL, run: MATCH_ALL, rateInterval }],
  ["[this run]", { namespace, application, run, rateInterval }],
];
process.stderr.write(`dashboard-check: application ${application}, run ${run}\n`);

const failing = (rs: QueryResult[]) => rs.filter((r) => r.error || r.series === 0);
const deadline = Date.now() + 120_000;
let results: QueryResult[][] = [];
for (;;) {
  results = [];
  for (const [, vars] of passes) results.push(await evaluateDashboard(prometheus, dashboard, vars));
  if (results.every((rs) => failing(rs).length === 0) || Date.now() > deadline) break;
  await new Promise((r) => setTimeout(r, 5000));
}
let failed = 0;
passes.forEach(([name], i) => {
  for (const [panel, verdict] of panelVerdicts(results[i]!)) {
    process.stdout.write(`${name} ${panel}\t${verdict}\n`);
    if (verdict !== "ok") failed++;
  }
  for (const r of failing(results[i]!)) process.stderr.write(`${name} ${r.panel} ${r.refId}: ${r.expr}\n`);
});
process.exit(failed ? 1 : 0);
