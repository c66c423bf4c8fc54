/**
 * The report's sections — title, notes, facts and one table each — built once from a RunResult.
 * Markdown and HTML render this same list, so they cannot drift apart.
 */
import type { StepRecord } from "../run/reconcile.js";
import type { RunResult } from "../run/runner.js";
import type { StageStats } from "../run/spark-ui.js";
import { deltaCommitsTable, incrementalFilesTable } from "./delta.js";
import { bytes, int, secs, stepDetail } from "./format.js";
import { buildTable, type Column, type ReportTable } from "./table.js";

/** One section of the report. */
export interface ReportSection {
  /** Stable id: `reconciliation`, `inputs`, `steps`, `rules`, `outputs`, `delta`, `incremental`, `spark`. */
  key: string;
  title: string;
  /** Paragraphs before the table. */
  notes: string[];
  /** Bullet points before the table. */
  facts: string[];
  table: ReportTable;
}

/** A right-aligned count column (`–` when the count is unknown). */
function num<R>(header: string, value: (r: R) => number | undefined): Column<R> {
  return { header, align: "right", cell: (r) => int(value(r)) };
}

/** Every section of the report, in order; optional sections appear only when the run has them. */
export function reportSections(run: RunResult): ReportSection[] {
  const section = (
    key: string,
    title: string,
    table: ReportTable | undefined,
    notes: string[] = [],
    facts: string[] = [],
  ) => (table ? [{ key, title, notes, facts, table }] : []);
  return [
    ...section(
      "reconciliation",
      "Nothing lost: in = out + malformed + quarantined + duplicates + dropped + filtered",
      reconciliationTable(run),
      run.recount
        ? [`Counted again in a write-free pass (${secs(run.recount.ms)}): ${run.recount.reason}.`]
        : [],
    ),
    ...section("inputs", "Inputs", inputsTable(run)),
    ...section("steps", "Steps", stepsTable(run.counts?.steps ?? [])),
    ...section("rules", "Dataset rules", run.rules.length ? rulesTable(run) : undefined),
    ...section("outputs", "Outputs", outputsTable(run)),
    ...section("delta", "Delta commits", deltaCommitsTable(run)),
    ...section("incremental", "Incremental sources", incrementalFilesTable(run)),
    ...section(
      "spark",
      "Spark",
      stagesTable(run.spark?.stages ?? []),
      run.spark ? [] : ["No stage timings (the Spark UI was not reachable)."],
      sparkFacts(run),
    ),
  ];
}

function reconciliationTable(run: RunResult): ReportTable {
  type R = NonNullable<RunResult["counts"]>["reconciliations"][number];
  const c = num<R>;
  return buildTable<R>(
    "reconciliation",
    [
      { header: "source → sink", cell: (r) => `${r.source} → ${r.sink}` },
      c("in", (r) => r.rowsIn),
      c("out", (r) => r.rowsOut),
      c("malformed", (r) => r.malformed),
      c("quarantined", (r) => r.quarantined),
      c("duplicates", (r) => r.duplicates),
      c("dropped", (r) => r.dropped),
      c("filtered", (r) => r.filtered),
      {
        header: "holds",
        align: "center",
        cell: (r) => (r.holds ? "✅ holds" : "❌ DOES NOT HOLD"),
        tone: (r) => (r.holds ? "ok" : "bad"),
      },
    ],
    run.counts?.reconciliations ?? [],
  );
}

function inputsTable(run: RunResult): ReportTable {
  type R = RunResult["inputs"][number];
  const counted = (r: R) => run.counts?.sources[r.source];
  return buildTable<R>(
    "inputs",
    [
      { header: "source", cell: (r) => r.source },
      { header: "files", align: "right", cell: (r) => int(r.files) },
      { header: "size", align: "right", cell: (r) => bytes(r.bytes) },
      { header: "rows", align: "right", cell: (r) => int(counted(r)?.rows) },
      { header: "malformed", align: "right", cell: (r) => int(counted(r)?.malformed) },
      { header: "schema drift", cell: (r) => (r.drift ? JSON.stringify(r.drift) : "none") },
    ],
    run.inputs,
  );
}

/** Rows the rules of a step only warned about (kept in the output). */
const warned = (s: StepRecord) => Object.values(s.warnings).reduce((a, v) => a + v, 0);

function stepsTable(steps: StepRecord[]): ReportTable {
  const c = num<StepRecord>;
  return buildTable<StepRecord>(
    "steps",
    [
      { header: "step", cell: (s) => s.name },
      { header: "kind", cell: (s) => s.kind },
      c("in", (s) => s.rowsIn),
      c("out", (s) => s.rowsOut),
      c("quarantined", (s) => s.quarantined),
      c("duplicates", (s) => s.duplicates),
      c("dropped", (s) => s.dropped),
      c("filtered", (s) => s.filtered),
      c("warnings", warned),
      { header: "detail", cell: stepDetail },
    ],
    steps,
  );
}

function rulesTable(run: RunResult): ReportTable {
  return buildTable<RunResult["rules"][number]>(
    "rules",
    [
      { header: "step", cell: (r) => r.step },
      { header: "rule", cell: (r) => r.rule },
      { header: "check", cell: (r) => r.check },
      { header: "severity", cell: (r) => r.severity },
      { header: "violations", align: "right", cell: (r) => int(r.violations) },
      {
        header: "outcome",
        cell: (r) => r.outcome,
        tone: (r) => (r.outcome === "failed" ? "bad" : undefined),
      },
    ],
    run.rules,
  );
}

function outputsTable(run: RunResult): ReportTable {
  return buildTable<RunResult["actions"][number]>(
    "outputs",
    [
      { header: "output", cell: (a) => a.name },
      { header: "path", cell: (a) => a.path, code: true },
      { header: "rows", align: "right", cell: (a) => int(a.rows) },
      { header: "files", align: "right", cell: (a) => int(a.files) },
      { header: "size", align: "right", cell: (a) => bytes(a.bytes) },
      { header: "write time", align: "right", cell: (a) => secs(a.ms) },
    ],
    run.actions,
  );
}

/** The stage name: the step it ran for when the run named it, cut to 60 characters. */
const stageName = (st: StageStats) => (st.name.length > 60 ? `${st.name.slice(0, 59)}…` : st.name);

function stagesTable(stages: StageStats[]): ReportTable {
  return buildTable<StageStats>(
    "stages",
    [
      { header: "stage", align: "right", cell: (st) => String(st.stageId) },
      { header: "attempt", align: "right", cell: (st) => String(st.attemptId) },
      { header: "name", cell: stageName },
      { header: "tasks", align: "right", cell: (st) => int(st.numTasks) },
      {
        header: "failed",
        align: "right",
        cell: (st) => int(st.failedTasks),
        tone: (st) => (st.failedTasks > 0 ? "bad" : undefined),
      },
      { header: "duration", align: "right", cell: (st) => secs(st.durationMs) },
      { header: "input", align: "right", cell: (st) => bytes(st.inputBytes) },
      { header: "shuffle write", align: "right", cell: (st) => bytes(st.shuffleWriteBytes) },
    ],
    stages,
  );
}

/** The Spark section's bullet points: application, bytes, lost executors, retried tasks. */
function sparkFacts(run: RunResult): string[] {
  const s = run.spark;
  if (!s) return [];
  const sum = (f: (x: StageStats) => number) => s.stages.reduce((a, x) => a + f(x), 0);
  const facts = [
    `application ${s.applicationId}: ${s.jobs} job(s), ${s.stages.length} stage attempt(s)`,
    `read ${bytes(sum((x) => x.inputBytes))}, written ${bytes(sum((x) => x.outputBytes))}, shuffled ${bytes(sum((x) => x.shuffleWriteBytes))}`,
  ];
  const lost = s.executors.filter((e) => !e.active);
  if (lost.length)
    facts.push(`lost executors: ${lost.map((e) => `${e.id} (${e.removeReason ?? "removed"})`).join(", ")}`);
  const failedTasks = sum((x) => x.failedTasks);
  if (failedTasks) facts.push(`failed (then retried) tasks: ${failedTasks}`);
  return facts;
}
