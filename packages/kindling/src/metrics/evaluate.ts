/**
 * Evaluates the dashboard's panel queries against a real Prometheus, the way Grafana would send
 * them: used by the local live test and by the Kubernetes end to end (infra/k8s/e2e.sh).
 */
import type { Dashboard } from "@grafana/schema";
import { dashboardQueries } from "./dashboard.js";
import { instantQuery } from "./prometheus.js";
import { type DashboardVariables, substituteVariables } from "./variables.js";

export { type DashboardVariables, MATCH_ALL, substituteVariables } from "./variables.js";

export interface QueryResult {
  panel: string;
  refId: string;
  /** The query as sent. */
  expr: string;
  /** Number of series returned (0: empty). */
  series: number;
  /** Prometheus's error, when the query failed. */
  error?: string;
}

/** Evaluates every query of every panel now (instant queries). Never throws for a failing query. */
export async function evaluateDashboard(
  prometheusUrl: string,
  dashboard: Dashboard,
  variables: DashboardVariables,
): Promise<QueryResult[]> {
  const results: QueryResult[] = [];
  for (const q of dashboardQueries(dashboard)) {
    const expr = substituteVariables(q.expr, variables);
    try {
      results.push({
        panel: q.panel,
        refId: q.refId,
        expr,
        series: (await instantQuery(prometheusUrl, expr)).length,
      });
    } catch (err) {
      results.push({ panel: q.panel, refId: q.refId, expr, series: 0, error: (err as Error).message });
    }
  }
  return results;
}

/** Per panel: "ok", or "FAILED: " with each failing query's refId and why (empty or the error). */
export function panelVerdicts(results: QueryResult[]): Map<string, string> {
  const failed = new Map<string, string[]>();
  for (const r of results) {
    const list = failed.get(r.panel) ?? [];
    if (r.error) list.push(`${r.refId} error (${r.error})`);
    else if (r.series === 0) list.push(`${r.refId} empty`);
    failed.set(r.panel, list);
  }
  return new Map([...failed].map(([panel, f]) => [panel, f.length ? `FAILED: ${f.join(", ")}` : "ok"]));
}
