/**
 * The web dashboard's model: the same rows, panels, queries and template variables as the Grafana
 * JSON, made from the one definition in metrics/dashboard.ts (`PANEL_ROWS`,
 * `DASHBOARD_VARIABLES`), so the two cannot drift. Served as JSON to the browser at
 * `/api/dashboard`. Pure: no Node APIs.
 */
import {
  DASHBOARD_TITLE,
  DASHBOARD_VARIABLES,
  PANEL_ROWS,
  type PanelSpec,
  refId,
} from "../metrics/dashboard.js";

/** One query of a web panel: a range query for time series, an instant query otherwise. */
export interface WebQuery {
  refId: string;
  /** PromQL with Grafana's variables (`$namespace`, `$__rate_interval`, …) still in it. */
  expr: string;
  /** Grafana legend template: `{{label}}` is replaced by the series' label value. */
  legend: string;
  range: boolean;
}

export interface WebPanel {
  /** Stable id for the page and tests: the title in kebab case. */
  id: string;
  title: string;
  description: string;
  type: PanelSpec["type"];
  /** Grafana unit id: `s`, `bytes`, `Bps`, `ops`, `percentunit`, `short`. */
  unit: string;
  /** Width in grid columns of 24. */
  w: number;
  queries: WebQuery[];
}

export interface WebVariable {
  name: "namespace" | "application" | "run";
  label: string;
  /** Grafana's `label_values(selector, label)` text. */
  query: string;
}

export interface WebDashboard {
  title: string;
  rows: { title: string; panels: WebPanel[] }[];
  variables: WebVariable[];
}

/** `Input / output bytes` → `input-output-bytes`. */
export function panelId(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** The web dashboard built from `PANEL_ROWS` and `DASHBOARD_VARIABLES`. */
export function webDashboard(): WebDashboard {
  return {
    title: DASHBOARD_TITLE,
    rows: PANEL_ROWS.map((row) => ({
      title: row.title,
      panels: row.panels.map((p) => ({
        id: panelId(p.title),
        title: p.title,
        description: p.description,
        type: p.type,
        unit: p.unit,
        w: p.w ?? 8,
        queries: p.queries.map((q, i) => ({
          refId: refId(i),
          expr: q.expr,
          legend: q.legend,
          range: p.type === "timeseries",
        })),
      })),
    })),
    variables: DASHBOARD_VARIABLES.map((v) => ({ ...v })),
  };
}
