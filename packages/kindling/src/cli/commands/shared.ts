import { InvalidArgumentError } from "commander";
import { bytes, int, secs, throughputText } from "../../report/format.js";
import type { RunResult } from "../../run/runner.js";
import { describeRestarts } from "../../run/server-loss.js";

/** Commander reducer for repeatable `--set name=value`. */
export function collectSet(value: string, previous: Record<string, string>): Record<string, string> {
  const eq = value.indexOf("=");
  if (eq <= 0) throw new InvalidArgumentError(`expected name=value, got "${value}"`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

/** The end-of-run summary on stdout. */
export function printSummary(run: RunResult, reports: string[]): void {
  const inBytes = run.inputs.reduce((a, i) => a + i.bytes, 0);
  const out: string[] = [];
  out.push(
    `${run.status === "succeeded" ? "✔" : "✘"} ${run.pipeline}: ${run.status} in ${secs(run.wallMs)} (${bytes(inBytes)} in, ${throughputText(inBytes, run.wallMs)})`,
  );
  if (run.error) out.push(`  error: ${run.error}`);
  if (run.restarts?.length) out.push(`  ${describeRestarts(run.restarts)}`);
  for (const r of run.counts?.reconciliations ?? []) {
    out.push(
      `  ${r.source} → ${r.sink}: in ${int(r.rowsIn)} = out ${int(r.rowsOut)} + malformed ${int(r.malformed)} + quarantined ${int(r.quarantined)} + duplicates ${int(r.duplicates)} + dropped ${int(r.dropped)} + filtered ${int(r.filtered)}  ${r.holds ? "✔" : "✘ DOES NOT HOLD"}`,
    );
  }
  for (const a of run.actions)
    out.push(
      `  ${a.kind === "sink" ? "output" : "quarantine"} ${a.name}: ${int(a.rows)} rows, ${a.files} files, ${bytes(a.bytes)} → ${a.path}`,
    );
  for (const r of run.rules.filter((x) => x.outcome !== "passed"))
    out.push(`  rule ${r.step}.${r.rule}: ${r.outcome} (${r.violations} violations)`);
  if (reports.length) out.push(`  report: ${reports.find((p) => p.endsWith(".html")) ?? reports[0]}`);
  process.stdout.write(`${out.join("\n")}\n`);
}
