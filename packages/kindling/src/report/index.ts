import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunResult } from "../run/runner.js";
import { renderHtml } from "./html.js";
import { renderMarkdown } from "./markdown.js";

export type ReportFormat = "json" | "md" | "html";

/** The report as JSON text (bigints as numbers; they are row counts far below 2^53). */
export function renderJson(run: RunResult): string {
  return `${JSON.stringify(run, (_k, v) => (typeof v === "bigint" ? Number(v) : v), 2)}\n`;
}

/**
 * Writes `report.json`, `report.md` and `report.html` (as asked) into `dir`, plus a copy under
 * `runs/<runId>/` so earlier runs stay readable. Returns the paths written.
 */
export function writeReports(
  run: RunResult,
  dir: string,
  formats: ReportFormat[] = ["json", "md", "html"],
): string[] {
  const written: string[] = [];
  const runDir = join(dir, "runs", run.runId);
  mkdirSync(runDir, { recursive: true });
  for (const f of formats) {
    const text = f === "json" ? renderJson(run) : f === "md" ? renderMarkdown(run) : renderHtml(run);
    for (const d of [dir, runDir]) {
      const p = join(d, `report.${f}`);
      writeFileSync(p, text);
      if (d === dir) written.push(p);
    }
  }
  return written;
}

export { renderHtml, renderMarkdown };
