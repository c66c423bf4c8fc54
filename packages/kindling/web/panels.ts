/**
 * One dashboard panel in the page: runs its queries through Prometheus and draws the result —
 * time series with uPlot (axes in the panel's unit, legend with the hovered values), stat, bar
 * gauge and table as HTML. An empty panel says why; a failing query shows Prometheus's error.
 * `data-state` (loading, ok, empty, error) and `data-series` (series drawn) tell tests and
 * people what the panel shows.
 */
import uPlot from "uplot";
import type { WebPanel } from "../src/dashboard/model.js";
import { type DashboardVariables, MATCH_ALL, substituteVariables } from "../src/metrics/variables.js";
import { axisLabel, formatValue, legendText } from "./format.js";
import { type InstantSample, queryInstant, queryRange, type RangeSeries } from "./prom.js";

const COLORS = ["#3274d9", "#e0752d", "#37872d", "#c4162a", "#8f3bb8", "#1f9aa8", "#b28d00", "#5a5a5a"];

/** When and how to evaluate a panel's queries. Times in Unix seconds. */
export interface PanelContext {
  vars: DashboardVariables;
  start: number;
  end: number;
  step: number;
  /** Time of instant queries (the range's end, or when the selected run was last seen). */
  instantAt: number;
}

/** A drawn panel; `update` re-runs its queries. */
export interface PanelView {
  element: HTMLElement;
  update(ctx: PanelContext): Promise<void>;
}

/** Why a panel has no data: the issue's wording, naming the run or application filtered on. */
export function emptyExplanation(panel: WebPanel, vars: DashboardVariables): string {
  const kindling = panel.queries.some((q) => q.expr.includes("$run"));
  const spark = panel.queries.some((q) => !q.expr.includes("$run"));
  const any = (v: string, what: string) => (v === MATCH_ALL ? `any ${what}` : `${what} ${v}`);
  const run = `No series for ${any(vars.run, "run")} in this time range: was the Pushgateway given to the run (kindling run --pushgateway <url>, or KINDLING_PUSHGATEWAY), and does Prometheus scrape it?`;
  if (kindling && !spark) return run;
  return `${kindling ? `${run} ` : ""}No series for ${any(vars.application, "application")} (${any(vars.namespace, "namespace")}) in this time range: is Prometheus scraping the Spark driver and executors (kindling metrics up --cluster)? Executor panels need executors with the JMX exporter agent (kindling cluster up turns it on).`;
}

export function createPanel(panel: WebPanel): PanelView {
  const section = document.createElement("section");
  section.className = `panel panel-${panel.type}`;
  section.style.gridColumn = `span ${panel.w}`;
  section.dataset.panelId = panel.id;
  section.dataset.state = "loading";
  section.dataset.series = "0";
  const head = document.createElement("header");
  const h = document.createElement("h3");
  h.textContent = panel.title;
  h.title = panel.description;
  const unit = document.createElement("span");
  unit.className = "unit";
  unit.textContent = axisLabel(panel.unit);
  head.append(h, unit);
  const body = document.createElement("div");
  body.className = "body";
  const note = document.createElement("p");
  note.className = "note";
  section.append(head, body, note);
  let chart: uPlot | undefined;

  const setState = (state: string, series: number, text = "") => {
    section.dataset.state = state;
    section.dataset.series = String(series);
    note.textContent = text;
    note.hidden = !text;
  };

  return {
    element: section,
    async update(ctx) {
      const errors: string[] = [];
      if (panel.queries[0]?.range) {
        const results = await Promise.all(
          panel.queries.map((q) =>
            queryRange(substituteVariables(q.expr, ctx.vars), ctx.start, ctx.end, ctx.step).catch(
              (e: Error) => {
                errors.push(`${q.refId}: ${e.message}`);
                return [] as RangeSeries[];
              },
            ),
          ),
        );
        const series = results.flatMap((r, i) =>
          r.map((s) => ({ label: legendText(panel.queries[i]!.legend, s.metric), values: s.values })),
        );
        chart?.destroy();
        chart = undefined;
        body.replaceChildren();
        if (series.length) chart = drawTimeSeries(body, panel, series, ctx);
        finish(series.length, errors);
      } else {
        const results = await Promise.all(
          panel.queries.map((q) =>
            queryInstant(substituteVariables(q.expr, ctx.vars), ctx.instantAt).catch((e: Error) => {
              errors.push(`${q.refId}: ${e.message}`);
              return [] as InstantSample[];
            }),
          ),
        );
        const rows = results.flatMap((r, i) =>
          r.map((s) => ({
            label: legendText(panel.queries[i]!.legend, s.metric),
            value: Number(s.value[1]),
          })),
        );
        body.replaceChildren(renderInstant(panel, rows));
        finish(rows.length, errors);
      }

      function finish(count: number, errs: string[]) {
        // Queries finish in any order: list their errors by refId (A, B, …).
        if (errs.length) setState("error", count, `Query failed — ${errs.sort().join("; ")}`);
        else if (count === 0) setState("empty", 0, emptyExplanation(panel, ctx.vars));
        else setState("ok", count);
      }
    },
  };
}

function drawTimeSeries(
  body: HTMLElement,
  panel: WebPanel,
  series: { label: string; values: [number, string][] }[],
  ctx: PanelContext,
): uPlot {
  // Every range query shares start and step, so their timestamps fall on one grid.
  const xs: number[] = [];
  for (let t = ctx.start; t <= ctx.end + 1e-6; t += ctx.step) xs.push(Math.round(t * 1000) / 1000);
  const index = new Map(xs.map((t, i) => [t, i]));
  const data: (number | null)[][] = series.map((s) => {
    const ys: (number | null)[] = new Array(xs.length).fill(null);
    for (const [t, v] of s.values) {
      const i = index.get(Math.round(t * 1000) / 1000);
      if (i !== undefined) ys[i] = Number(v);
    }
    return ys;
  });
  const fmt = (v: number | null) => formatValue(v, panel.unit);
  const opts: uPlot.Options = {
    width: Math.max(body.clientWidth, 280),
    height: 200,
    cursor: { sync: { key: "kindling" } },
    legend: { show: true, live: true },
    scales: {
      x: { time: true },
      y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.05 : 1] },
    },
    axes: [
      { stroke: "#555" },
      {
        stroke: "#555",
        label: axisLabel(panel.unit),
        size: 86,
        values: (_u, vals) => vals.map((v) => fmt(v)),
      },
    ],
    series: [
      { label: "time" },
      ...series.map((s, i) => ({
        label: s.label,
        stroke: COLORS[i % COLORS.length]!,
        width: 1.5,
        spanGaps: false,
        value: (_u: uPlot, v: number | null) => fmt(v),
      })),
    ],
  };
  return new uPlot(opts, [xs, ...data] as uPlot.AlignedData, body);
}

/** Stat (big numbers), bar gauge (bars against the largest value) or table (series and value). */
function renderInstant(panel: WebPanel, rows: { label: string; value: number }[]): HTMLElement {
  const wrap = document.createElement("div");
  wrap.className = `instant ${panel.type}`;
  if (panel.type === "table" && rows.length) {
    const table = document.createElement("table");
    table.innerHTML = "<thead><tr><th>Series</th><th>Value</th></tr></thead>";
    const tbody = document.createElement("tbody");
    for (const r of rows) {
      const tr = document.createElement("tr");
      tr.className = "series";
      const a = document.createElement("td");
      a.textContent = r.label;
      const b = document.createElement("td");
      b.textContent = formatValue(r.value, panel.unit);
      tr.append(a, b);
      tbody.append(tr);
    }
    table.append(tbody);
    wrap.append(table);
    return wrap;
  }
  const max = Math.max(...rows.map((r) => Math.abs(r.value)), 1e-9);
  rows.forEach((r, i) => {
    const item = document.createElement("div");
    item.className = "series";
    const label = document.createElement("span");
    label.className = "label";
    label.textContent = r.label;
    const value = document.createElement("span");
    value.className = "value";
    value.textContent = formatValue(r.value, panel.unit);
    if (panel.type === "bargauge") {
      const bar = document.createElement("span");
      bar.className = "bar";
      bar.style.width = `${(Math.abs(r.value) / max) * 100}%`;
      bar.style.background = COLORS[i % COLORS.length]!;
      item.append(label, bar, value);
    } else item.append(value, label);
    wrap.append(item);
  });
  return wrap;
}
