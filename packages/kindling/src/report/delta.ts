import type { ActionRecord, RunResult } from "../run/runner.js";
import { buildTable, type ReportTable } from "./table.js";

type DeltaAction = ActionRecord & { delta: NonNullable<ActionRecord["delta"]> };

/** The Delta commits this run wrote, one row per Delta sink; undefined when it wrote none. */
export function deltaCommitsTable(run: RunResult): ReportTable | undefined {
  const rows = run.actions.filter((a): a is DeltaAction => a.delta !== undefined);
  if (!rows.length) return undefined;
  return buildTable<DeltaAction>(
    "delta",
    [
      { header: "sink", cell: (a) => a.name },
      { header: "version", align: "right", cell: (a) => String(a.delta.version) },
      {
        header: "read version",
        align: "right",
        cell: (a) => (a.delta.readVersion === undefined ? "(new table)" : String(a.delta.readVersion)),
      },
      { header: "operation", cell: (a) => a.delta.operation },
      { header: "inserted", align: "right", cell: (a) => String(a.delta.rows.inserted) },
      { header: "updated", align: "right", cell: (a) => String(a.delta.rows.updated) },
      {
        header: "deleted",
        align: "right",
        cell: (a) => (a.delta.rows.deleted === undefined ? "-" : String(a.delta.rows.deleted)),
      },
    ],
    rows,
  );
}

/** The files each incremental source read this run; undefined for a run without incremental sources. */
export function incrementalFilesTable(run: RunResult): ReportTable | undefined {
  const plan = run.incremental;
  if (!plan?.sources.length) return undefined;
  return buildTable<(typeof plan.sources)[number]>(
    "incremental",
    [
      { header: "source", cell: (s) => s.source },
      { header: "files read", cell: (s) => (s.files.length ? s.files.join(", ") : "(none new)") },
      { header: "already processed", align: "right", cell: (s) => String(s.skipped) },
      { header: "full refresh", cell: () => (plan.fullRefresh ? "yes" : "no") },
    ],
    plan.sources,
  );
}
