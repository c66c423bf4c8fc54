import type { RunResult } from "../run/runner.js";
import { describeRestarts } from "../run/server-loss.js";
import { bytes, int, secs, throughput, throughputText } from "./format.js";
import { reportSections } from "./sections.js";
import { barChart, esc, type Span, timeline } from "./svg.js";
import { htmlTable } from "./table.js";

const COLORS = {
  out: "#2f7d4f",
  quarantined: "#c8553d",
  duplicates: "#e0a030",
  dropped: "#8c6bb1",
  filtered: "#6c8ebf",
  stage: "#4a78b5",
  retry: "#c8553d",
};

/**
 * A self-contained HTML report (inline CSS and SVG, no scripts, no network): a summary, then every
 * section of {@link reportSections} with its chart (row funnel, stage timeline, throughput).
 */
export function renderHtml(run: RunResult): string {
  const inBytes = run.inputs.reduce((a, i) => a + i.bytes, 0);
  const charts = sectionCharts(run, inBytes);
  const sections = reportSections(run).map((s) =>
    [
      `<h2>${esc(s.title)}</h2>`,
      ...s.notes.map((n) => `<p>${esc(n)}</p>`),
      s.facts.length ? `<ul>${s.facts.map((f) => `<li>${esc(f)}</li>`).join("")}</ul>` : "",
      charts[s.key] ?? "",
      htmlTable(s.table),
    ]
      .filter(Boolean)
      .join("\n"),
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Kindling run ${esc(run.runId)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#222;max-width:1000px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}
.ok{color:#2f7d4f;font-weight:600}.bad{color:#b00;font-weight:700}
.lbl{font-size:12px;fill:#333}.val{font-size:11px;fill:#555}.status-succeeded{color:#2f7d4f}.status-failed{color:#b00}
.legend span{display:inline-block;margin-right:12px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px}
</style></head><body>
<h1>${esc(run.pipeline)} — <span class="status-${run.status}">${run.status}</span></h1>
<p>Run <code>${esc(run.runId)}</code>, started ${esc(run.startedAt)}, took ${secs(run.wallMs)}. Spark ${esc(run.sparkVersion)}. Spec <code>${esc(run.specFile)}</code> (sha256 ${esc(run.specHash.slice(0, 16))}…).
Input ${bytes(inBytes)}; throughput ${throughputText(inBytes, run.wallMs)}.</p>
${run.error ? `<p class="bad">${esc(run.error)}</p>` : ""}
${run.restarts?.length ? `<p>${esc(describeRestarts(run.restarts))}.</p>` : ""}
${sections.join("\n")}
</body></html>
`;
}

/** The charts that go above a section's table, by section key. */
function sectionCharts(run: RunResult, inBytes: number): Record<string, string> {
  const legend = Object.entries(COLORS)
    .slice(0, 5)
    .map(([k, c]) => `<span><i style="background:${c}"></i>${k}</span>`)
    .join("");
  return {
    steps: `<p class="legend">${legend}</p>\n${rowFunnel(run)}`,
    spark: run.spark ? stageTimeline(run) : "",
    outputs: `<p>Throughput per output (raw input MB/s over the write):</p>\n${throughputChart(run, inBytes)}`,
  };
}

/** Per step: rows out, quarantined, duplicates, dropped and filtered as one stacked bar. */
function rowFunnel(run: RunResult): string {
  return barChart(
    (run.counts?.steps ?? [])
      .filter((s) => s.rowsIn !== undefined || s.rowsOut !== undefined)
      .map((s) => ({
        label: `${s.name} (${s.kind})`,
        segments: [
          { value: s.rowsOut ?? 0, color: COLORS.out, title: `out ${int(s.rowsOut)}` },
          { value: s.quarantined, color: COLORS.quarantined, title: `quarantined ${int(s.quarantined)}` },
          { value: s.duplicates, color: COLORS.duplicates, title: `duplicates ${int(s.duplicates)}` },
          { value: s.dropped, color: COLORS.dropped, title: `dropped ${int(s.dropped)}` },
          { value: s.filtered, color: COLORS.filtered, title: `filtered ${int(s.filtered)}` },
        ],
      })),
  );
}

/** Stage attempts on a time axis; retried attempts and stages with failed tasks in red. */
function stageTimeline(run: RunResult): string {
  const spans: Span[] = (run.spark?.stages ?? [])
    .filter((s) => s.submitted && s.completed)
    .map((s) => ({
      label: `stage ${s.stageId}.${s.attemptId}`,
      start: Date.parse(s.submitted!.replace("GMT", "Z")),
      end: Date.parse(s.completed!.replace("GMT", "Z")),
      color: s.attemptId > 0 || s.failedTasks > 0 ? COLORS.retry : COLORS.stage,
      title: `${s.name}: ${s.numTasks} tasks, ${s.failedTasks} failed, ${secs(s.durationMs)}, input ${bytes(s.inputBytes)}`,
    }));
  return timeline(spans);
}

function throughputChart(run: RunResult, inBytes: number): string {
  return barChart(
    run.actions.map((a) => ({
      label: a.name,
      segments: [
        {
          value: Math.round(throughput(inBytes, a.ms) * 10) / 10,
          color: COLORS.stage,
          title: `${secs(a.ms)} for ${bytes(inBytes)} of input`,
        },
      ],
    })),
    { unit: " MB/s" },
  );
}
