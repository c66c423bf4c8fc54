import type { RunResult } from "../run/runner.js";

/** A table of the report: a header and rows of text cells (rendered to Markdown and HTML alike). */
export interface ReportTable {
  header: string[];
  rows: string[][];
}

/** The Delta commits this run wrote, one row per Delta sink; undefined when it wrote none. */
export function deltaCommitsTable(run: RunResult): ReportTable | undefined {
  const rows = run.actions
    .filter((a) => a.delta)
    .map((a) => {
      const d = a.delta!;
      return [
        a.name,
        String(d.version),
        d.readVersion === undefined ? "(new table)" : String(d.readVersion),
        d.operation,
        String(d.rows.inserted),
        String(d.rows.updated),
        d.rows.deleted === undefined ? "-" : String(d.rows.deleted),
      ];
    });
  if (!rows.length) return undefined;
  return { header: ["sink", "version", "read version", "operation", "inserted", "updated", "deleted"], rows };
}

/** The files each incremental source read this run; undefined for a run without incremental sources. */
export function incrementalFilesTable(run: RunResult): ReportTable | undefined {
  const plan = run.incremental;
  if (!plan?.sources.length) return undefined;
  return {
    header: ["source", "files read", "already processed", "full refresh"],
    rows: plan.sources.map((s) => [
      s.source,
      s.files.length ? s.files.join(", ") : "(none new)",
      String(s.skipped),
      plan.fullRefresh ? "yes" : "no",
    ]),
  };
}
