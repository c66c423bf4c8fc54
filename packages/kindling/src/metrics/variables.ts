/**
 * The dashboard's template variables and how a query is filled in with them, as Grafana does it.
 * Pure (no Node APIs): the web dashboard's browser bundle uses it too.
 */

/** Values of the dashboard's template variables (regular expressions, as Grafana sends them). */
export interface DashboardVariables {
  namespace: string;
  application: string;
  run: string;
  /** `$__rate_interval`: Grafana's max(4 × scrape interval, step + scrape interval). */
  rateInterval: string;
}

/** The variables' "All" value (`allValue` in dashboard.ts); it also matches a missing label. */
export const MATCH_ALL = ".*";

/** `expr` with `$__rate_interval`, `$namespace`, `$application` and `$run` replaced. */
export function substituteVariables(expr: string, v: DashboardVariables): string {
  return expr
    .replaceAll("$__rate_interval", v.rateInterval)
    .replaceAll("$namespace", v.namespace)
    .replaceAll("$application", v.application)
    .replaceAll("$run", v.run);
}

/**
 * Grafana's `$__rate_interval` for a range query: max(4 × scrape interval, step + scrape
 * interval), in whole seconds (`"60s"`). Both arguments in seconds.
 */
export function rateInterval(stepSeconds: number, scrapeIntervalSeconds: number): string {
  return `${Math.ceil(Math.max(4 * scrapeIntervalSeconds, stepSeconds + scrapeIntervalSeconds))}s`;
}

/** Splits `label_values(<selector>, <label>)` into its selector and label; undefined otherwise. */
export function parseLabelValues(query: string): { selector: string; label: string } | undefined {
  const m = /^label_values\((.*), (\w+)\)$/.exec(query);
  return m ? { selector: m[1]!, label: m[2]! } : undefined;
}
