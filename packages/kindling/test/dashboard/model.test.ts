/**
 * The Grafana JSON (as committed in k8s/ and as generated) and the web dashboard hold the same
 * rows, panels, queries, legends, units and template variables: both come from PANEL_ROWS.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Dashboard, Panel } from "@grafana/schema";
import { describe, expect, it } from "vitest";
import { webDashboard } from "../../src/dashboard/model.js";
import { sparkJobDashboard } from "../../src/metrics/dashboard.js";
import { repoRoot } from "../pipeline/support.js";

const committed = JSON.parse(
  readFileSync(join(repoRoot, "k8s", "grafana-dashboard.json"), "utf8"),
) as Dashboard;

/** Rows → panels → queries of a Grafana dashboard, in page order. */
function grafanaShape(d: Dashboard) {
  const rows: { title: string; panels: unknown[] }[] = [];
  for (const p of d.panels ?? []) {
    if (p.type === "row") rows.push({ title: p.title ?? "", panels: [] });
    else {
      const panel = p as Panel;
      rows.at(-1)!.panels.push({
        title: panel.title,
        type: panel.type,
        unit: panel.fieldConfig?.defaults?.unit,
        w: panel.gridPos?.w,
        queries: (panel.targets ?? []).map((t) => ({
          refId: t.refId,
          expr: (t as { expr: string }).expr,
          legend: (t as { legendFormat: string }).legendFormat,
          range: (t as { range?: boolean }).range === true,
        })),
      });
    }
  }
  return rows;
}

function webShape() {
  return webDashboard().rows.map((r) => ({
    title: r.title,
    panels: r.panels.map((p) => ({
      title: p.title,
      type: p.type,
      unit: p.unit,
      w: p.w,
      queries: p.queries.map(({ refId, expr, legend, range }) => ({ refId, expr, legend, range })),
    })),
  }));
}

describe("one dashboard definition, two renderings", () => {
  it("the web dashboard holds the same rows, panels and queries as the Grafana JSON", () => {
    const web = webShape();
    expect(web).toEqual(grafanaShape(sparkJobDashboard()));
    expect(web).toEqual(grafanaShape(committed));
    expect(web.flatMap((r) => r.panels).length).toBe(15);
    expect(web.flatMap((r) => r.panels.flatMap((p) => p.queries)).length).toBeGreaterThan(20);
  });

  it("the web dashboard's drop-downs are the Grafana template variables, in order", () => {
    const grafana = (committed.templating?.list ?? [])
      .filter((v) => v.type === "query")
      .map((v) => ({ name: v.name, label: v.label, query: (v.query as { query: string }).query }));
    expect(webDashboard().variables).toEqual(grafana);
  });

  it("a panel changed on one side only would be caught", () => {
    const web = webShape();
    (web[0]!.panels[0] as { queries: { expr: string }[] }).queries[0]!.expr += " * 2";
    expect(web).not.toEqual(grafanaShape(committed));
  });

  it("gives every panel a distinct id", () => {
    const ids = webDashboard().rows.flatMap((r) => r.panels.map((p) => p.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain("input-output-bytes");
  });
});
