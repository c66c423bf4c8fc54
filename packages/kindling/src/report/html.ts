import type { RunResult } from "../run/runner.js";
import { deltaCommitsTable, incrementalFilesTable, type ReportTable } from "./delta.js";
import { bytes, int, secs, stepDetail, throughput } from "./format.js";
import { barChart, esc, type Span, timeline } from "./svg.js";

const COLORS = {
  out: "#2f7d4f",
  quarantined: "#c8553d",
  duplicates: "#e0a030",
  dropped: "#8c6bb1",
  filtered: "#6c8ebf",
  stage: "#4a78b5",
  retry: "#c8553d",
};

/** A self-contained HTML report (inline CSS and SVG, no scripts, no network). */
export function renderHtml(run: RunResult): string {
  const inBytes = run.inputs.reduce((a, i) => a + i.bytes, 0);
  const steps = run.counts?.steps ?? [];
  const funnel = barChart(
    steps
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
  const stages = run.spark?.stages ?? [];
  const spans: Span[] = stages
    .filter((s) => s.submitted && s.completed)
    .map((s) => ({
      label: `stage ${s.stageId}.${s.attemptId}`,
      start: Date.parse(s.submitted!.replace("GMT", "Z")),
      end: Date.parse(s.completed!.replace("GMT", "Z")),
      color: s.attemptId > 0 || s.failedTasks > 0 ? COLORS.retry : COLORS.stage,
      title: `${s.name}: ${s.numTasks} tasks, ${s.failedTasks} failed, ${secs(s.durationMs)}, input ${bytes(s.inputBytes)}`,
    }));
  const tput = barChart(
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
  const rec = (run.counts?.reconciliations ?? [])
    .map(
      (r) =>
        `<tr><td>${esc(r.source)} → ${esc(r.sink)}</td><td>${int(r.rowsIn)}</td><td>${int(r.rowsOut)}</td><td>${int(r.malformed)}</td><td>${int(r.quarantined)}</td><td>${int(r.duplicates)}</td><td>${int(r.dropped)}</td><td>${int(r.filtered)}</td><td class="${r.holds ? "ok" : "bad"}">${r.holds ? "holds" : "DOES NOT HOLD"}</td></tr>`,
    )
    .join("");
  const stepRows = steps
    .map((s) => {
      const detail = stepDetail(s);
      return `<tr><td>${esc(s.name)}</td><td>${s.kind}</td><td>${int(s.rowsIn)}</td><td>${int(s.rowsOut)}</td><td>${int(s.quarantined)}</td><td>${int(s.duplicates)}</td><td>${esc(detail)}</td></tr>`;
    })
    .join("");
  const outputs = run.actions
    .map(
      (a) =>
        `<tr><td>${esc(a.name)}</td><td><code>${esc(a.path)}</code></td><td>${int(a.rows)}</td><td>${a.files}</td><td>${bytes(a.bytes)}</td><td>${secs(a.ms)}</td></tr>`,
    )
    .join("");
  const rules = run.rules
    .map(
      (r) =>
        `<tr><td>${esc(r.step)}</td><td>${esc(r.rule)}</td><td>${r.check}</td><td>${r.severity}</td><td>${int(r.violations)}</td><td>${r.outcome}</td></tr>`,
    )
    .join("");
  const lost = (run.spark?.executors ?? []).filter((e) => !e.active);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Kindling run ${esc(run.runId)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#222;max-width:1000px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}
td:first-child,th:first-child{text-align:left}.ok{color:#2f7d4f;font-weight:600}.bad{color:#b00;font-weight:700}
.lbl{font-size:12px;fill:#333}.val{font-size:11px;fill:#555}.status-succeeded{color:#2f7d4f}.status-failed{color:#b00}
.legend span{display:inline-block;margin-right:12px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px}
</style></head><body>
<h1>${esc(run.pipeline)} — <span class="status-${run.status}">${run.status}</span></h1>
<p>Run <code>${esc(run.runId)}</code>, started ${esc(run.startedAt)}, took ${secs(run.wallMs)}. Spark ${esc(run.sparkVersion)}. Spec <code>${esc(run.specFile)}</code> (sha256 ${esc(run.specHash.slice(0, 16))}…).
Input ${bytes(inBytes)}; throughput ${throughput(inBytes, run.wallMs).toFixed(1)} MB/s.</p>
${run.error ? `<p class="bad">${esc(run.error)}</p>` : ""}
<h2>Nothing lost</h2>
${run.recount ? `<p>Counted again in a write-free pass (${secs(run.recount.ms)}): ${esc(run.recount.reason)}.</p>` : ""}
<table><tr><th>source → sink</th><th>in</th><th>out</th><th>malformed</th><th>quarantined</th><th>duplicates</th><th>dropped</th><th>filtered</th><th>identity</th></tr>${rec}</table>
<h2>Row funnel per step</h2>
<p class="legend">${Object.entries(COLORS)
    .slice(0, 5)
    .map(([k, c]) => `<span><i style="background:${c}"></i>${k}</span>`)
    .join("")}</p>
${funnel}
<table><tr><th>step</th><th>kind</th><th>in</th><th>out</th><th>quarantined</th><th>duplicates</th><th>detail</th></tr>${stepRows}</table>
${rules ? `<h2>Dataset rules</h2><table><tr><th>step</th><th>rule</th><th>check</th><th>severity</th><th>violations</th><th>outcome</th></tr>${rules}</table>` : ""}
<h2>Stage timeline</h2>
${timeline(spans)}
${lost.length ? `<p class="bad">Lost executors: ${lost.map((e) => `${esc(e.id)} (${esc(e.removeReason ?? "removed")})`).join(", ")}</p>` : ""}
<h2>Throughput per output (raw input MB/s over the write)</h2>
${tput}
<h2>Outputs</h2>
<table><tr><th>output</th><th>path</th><th>rows</th><th>files</th><th>size</th><th>write</th></tr>${outputs}</table>
${htmlTable("Delta commits", deltaCommitsTable(run))}${htmlTable("Incremental sources", incrementalFilesTable(run))}
</body></html>
`;
}

/** A titled table, or nothing when there is none. */
function htmlTable(title: string, table: ReportTable | undefined): string {
  if (!table) return "";
  const head = table.header.map((h) => `<th>${esc(h)}</th>`).join("");
  const body = table.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`).join("");
  return `<h2>${esc(title)}</h2>\n<table><tr>${head}</tr>${body}</table>\n`;
}
