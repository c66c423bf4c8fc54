/** Writes `k8s/grafana-dashboard.json` from dashboard.ts: `npm run dashboard -w @kindling/kindling`. */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { sparkJobDashboard } from "./dashboard.js";

/** Path of the dashboard file in the repository. */
export const DASHBOARD_FILE = join(
  import.meta.dirname,
  "..",
  "..",
  "..",
  "..",
  "k8s",
  "grafana-dashboard.json",
);

/** The file's exact text (the test compares the committed file with it). */
export function dashboardJson(): string {
  return `${JSON.stringify(sparkJobDashboard(), null, 2)}\n`;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  mkdirSync(dirname(DASHBOARD_FILE), { recursive: true });
  writeFileSync(DASHBOARD_FILE, dashboardJson());
  process.stdout.write(`wrote ${DASHBOARD_FILE}\n`);
}
