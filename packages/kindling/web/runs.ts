/**
 * The Runs page: every run Prometheus knows in the time range (from the Pushgateway's series:
 * live pushes while a run works, the final push after), with status, duration, rows in / out /
 * quarantined and a link to its report when the dashboard server can reach it; runs in progress
 * get a live card (current step, steps done, Spark stages and tasks done, rows so far, elapsed).
 */
import { formatValue } from "./format.js";
import { queryInstant } from "./prom.js";

/** Series selector of Kindling's run metrics under the page's namespace/application filters. */
export interface RunsFilter {
  namespace: string;
  application: string;
}

export interface RunRow {
  runId: string;
  pipeline: string;
  applicationId: string;
  status: string;
  startedAt: number | undefined;
  duration: number | undefined;
  rowsIn: number | undefined;
  rowsOut: number | undefined;
  quarantined: number | undefined;
}

export interface LiveRunCard {
  runId: string;
  pipeline: string;
  currentAction: string | undefined;
  actionsDone: number | undefined;
  actionsTotal: number | undefined;
  stagesDone: number | undefined;
  stages: number | undefined;
  tasksDone: number | undefined;
  tasks: number | undefined;
  rowsIn: number | undefined;
  rowsOut: number | undefined;
  quarantined: number | undefined;
  inputBytes: number | undefined;
  elapsed: number | undefined;
  pushAge: number | undefined;
}

/** A live run whose figures are older than this is shown as lost (docs/metrics.md, staleness). */
const LIVE_MAX_AGE_S = 60;

const sel = (f: RunsFilter) => `namespace=~"${f.namespace}", application_id=~"${f.application}"`;

async function byRun(expr: string, at: number): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const s of await queryInstant(expr, at)) out.set(s.metric.run_id ?? "", Number(s.value[1]));
  return out;
}

/** Every run with series in [at - windowS, at], newest first. */
export async function listRuns(f: RunsFilter, at: number, windowS: number): Promise<RunRow[]> {
  const w = `[${Math.max(Math.ceil(windowS), 60)}s]`;
  const last = (m: string) => byRun(`max by (run_id) (last_over_time(kindling_${m}{${sel(f)}}${w}))`, at);
  const [status, active, started, duration, rowsIn, rowsOut, quarantined] = await Promise.all([
    queryInstant(
      `max by (run_id, pipeline, application_id, status) (last_over_time(kindling_run_status{${sel(f)}}${w})) == 1`,
      at,
    ),
    byRun(
      `max by (run_id) (kindling_run_active{${sel(f)}} == 1 and (time() - kindling_run_last_push_timestamp_seconds{${sel(f)}}) < ${LIVE_MAX_AGE_S})`,
      at,
    ),
    last("run_start_timestamp_seconds"),
    last("run_duration_seconds"),
    last("run_rows_in"),
    last("run_rows_out"),
    last("run_rows_quarantined"),
  ]);
  const runs = new Map<string, RunRow>();
  for (const s of status) {
    const id = s.metric.run_id ?? "";
    const final = s.metric.status !== "running";
    const prev = runs.get(id);
    // The final push's status wins over the live pushes' "running".
    if (prev && prev.status !== "running" && !final) continue;
    runs.set(id, {
      runId: id,
      pipeline: s.metric.pipeline ?? "",
      applicationId: s.metric.application_id ?? "",
      status: final ? (s.metric.status ?? "") : active.has(id) ? "running" : "lost (no final push)",
      startedAt: started.get(id),
      duration: duration.get(id),
      rowsIn: rowsIn.get(id),
      rowsOut: rowsOut.get(id),
      quarantined: quarantined.get(id),
    });
  }
  return [...runs.values()].sort((a, b) => (b.startedAt ?? 0) - (a.startedAt ?? 0));
}

/** The figures of the runs in progress now. */
export async function liveRuns(f: RunsFilter, at: number): Promise<LiveRunCard[]> {
  const live = await queryInstant(
    `max by (run_id, pipeline) (kindling_run_active{${sel(f)}} == 1 and (time() - kindling_run_last_push_timestamp_seconds{${sel(f)}}) < ${LIVE_MAX_AGE_S})`,
    at,
  );
  if (!live.length) return [];
  const now = (m: string) => byRun(`max by (run_id) (kindling_${m}{${sel(f)}})`, at);
  const [
    current,
    actionsDone,
    actionsTotal,
    stagesDone,
    stages,
    tasksDone,
    tasks,
    rowsIn,
    rowsOut,
    quarantined,
    bytes,
    elapsed,
    age,
  ] = await Promise.all([
    queryInstant(`kindling_run_current_action{${sel(f)}} == 1`, at),
    now("run_actions_done"),
    now("run_actions_total"),
    now("run_spark_stages_done"),
    now("run_spark_stages"),
    now("run_spark_tasks_done"),
    now("run_spark_tasks"),
    now("run_rows_in"),
    now("run_rows_out"),
    now("run_rows_quarantined"),
    now("run_spark_input_bytes_read"),
    now("run_duration_seconds"),
    byRun(`max by (run_id) (time() - kindling_run_last_push_timestamp_seconds{${sel(f)}})`, at),
  ]);
  return live.map((s) => {
    const id = s.metric.run_id ?? "";
    return {
      runId: id,
      pipeline: s.metric.pipeline ?? "",
      currentAction: current.find((c) => c.metric.run_id === id)?.metric.action,
      actionsDone: actionsDone.get(id),
      actionsTotal: actionsTotal.get(id),
      stagesDone: stagesDone.get(id),
      stages: stages.get(id),
      tasksDone: tasksDone.get(id),
      tasks: tasks.get(id),
      rowsIn: rowsIn.get(id),
      rowsOut: rowsOut.get(id),
      quarantined: quarantined.get(id),
      inputBytes: bytes.get(id),
      elapsed: elapsed.get(id),
      pushAge: age.get(id),
    };
  });
}

function cell(tr: HTMLElement, field: string, text: string, value?: number) {
  const td = document.createElement("td");
  td.dataset.field = field;
  if (value !== undefined) td.dataset.value = String(value);
  td.textContent = text;
  tr.append(td);
  return td;
}

const exact = (v: number | undefined) => (v === undefined ? "–" : v.toLocaleString("en-US"));

/** The live cards: one per run in progress. */
export function renderLive(root: HTMLElement, cards: LiveRunCard[], fetchedAt: number): void {
  root.replaceChildren();
  for (const c of cards) {
    const box = document.createElement("div");
    box.className = "live-run";
    box.dataset.liveRun = c.runId;
    box.dataset.fetchedAt = String(fetchedAt);
    const h = document.createElement("h3");
    h.textContent = `${c.pipeline} · run ${c.runId} · in progress`;
    const dl = document.createElement("dl");
    const item = (field: string, label: string, text: string, value?: number) => {
      const dt = document.createElement("dt");
      dt.textContent = label;
      const dd = document.createElement("dd");
      dd.dataset.field = field;
      if (value !== undefined) dd.dataset.value = String(value);
      dd.textContent = text;
      dl.append(dt, dd);
    };
    item("currentAction", "Current step", c.currentAction ? `writing ${c.currentAction}` : "between steps");
    item("actions", "Steps done", `${exact(c.actionsDone)} of ${exact(c.actionsTotal)}`, c.actionsDone);
    item("stages", "Spark stages done", `${exact(c.stagesDone)} of ${exact(c.stages)}`, c.stagesDone);
    item("tasks", "Spark tasks done", `${exact(c.tasksDone)} of ${exact(c.tasks)}`, c.tasksDone);
    item("rowsIn", "Rows read so far", exact(c.rowsIn), c.rowsIn);
    item("rowsOut", "Rows written so far", exact(c.rowsOut), c.rowsOut);
    item("quarantined", "Rows quarantined so far", exact(c.quarantined), c.quarantined);
    item("inputBytes", "Bytes read", formatValue(c.inputBytes, "bytes"), c.inputBytes);
    item("elapsed", "Elapsed", formatValue(c.elapsed, "s"), c.elapsed);
    item("pushAge", "Figures age", formatValue(c.pushAge, "s"), c.pushAge);
    box.append(h, dl);
    root.append(box);
  }
}

/** The table of runs; `reports` says which run ids have a reachable report. */
export function renderRuns(root: HTMLElement, runs: RunRow[], reports: Set<string>): void {
  const table = document.createElement("table");
  table.className = "runs";
  table.innerHTML =
    "<thead><tr><th>Run</th><th>Pipeline</th><th>Status</th><th>Started (UTC)</th><th>Duration</th><th>Rows in</th><th>Rows out</th><th>Quarantined</th><th>Report</th></tr></thead>";
  const tbody = document.createElement("tbody");
  for (const r of runs) {
    const tr = document.createElement("tr");
    tr.dataset.runId = r.runId;
    cell(tr, "runId", r.runId);
    cell(tr, "pipeline", r.pipeline);
    cell(tr, "status", r.status).className = `status status-${r.status.split(" ")[0]}`;
    cell(
      tr,
      "startedAt",
      r.startedAt ? new Date(r.startedAt * 1000).toISOString().replace("T", " ").slice(0, 19) : "–",
    );
    cell(tr, "duration", formatValue(r.duration, "s"), r.duration);
    cell(tr, "rowsIn", exact(r.rowsIn), r.rowsIn);
    cell(tr, "rowsOut", exact(r.rowsOut), r.rowsOut);
    cell(tr, "quarantined", exact(r.quarantined), r.quarantined);
    const report = cell(tr, "report", "");
    if (reports.has(r.runId)) {
      const a = document.createElement("a");
      a.href = `/reports/${encodeURIComponent(r.runId)}/report.html`;
      a.textContent = "report";
      report.append(a);
    } else {
      report.textContent = "not reachable";
      report.title = "Start the dashboard with --reports <the pipeline's report folder> to link reports.";
    }
    tbody.append(tr);
  }
  if (!runs.length) {
    const tr = document.createElement("tr");
    const td = cell(
      tr,
      "none",
      "No runs in this time range: was the Pushgateway given to the runs (kindling run --pushgateway <url>, or KINDLING_PUSHGATEWAY)?",
    );
    td.colSpan = 9;
    tbody.append(tr);
  }
  table.append(tbody);
  root.replaceChildren(table);
}

/** Which of these runs' HTML reports the server can serve. */
export async function reachableReports(runIds: string[]): Promise<Set<string>> {
  const ok = await Promise.all(
    runIds.map(async (id) => {
      const r = await fetch(`/reports/${encodeURIComponent(id)}/report.html`, { method: "HEAD" }).catch(
        () => undefined,
      );
      return r?.ok ? id : undefined;
    }),
  );
  return new Set(ok.filter((x): x is string => x !== undefined));
}
