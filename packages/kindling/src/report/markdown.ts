import type { RunResult } from "../run/runner.js";
import { describeRestarts } from "../run/server-loss.js";
import { bytes, secs, throughputText } from "./format.js";
import { reportSections } from "./sections.js";
import { markdownTable } from "./table.js";

/** The run report as Markdown: a summary, then every section of {@link reportSections}. */
export function renderMarkdown(run: RunResult): string {
  const inBytes = run.inputs.reduce((a, i) => a + i.bytes, 0);
  const lines: string[] = [];
  lines.push(`# Run report: ${run.pipeline}`, "");
  lines.push(`- status: **${run.status}**${run.error ? ` — ${run.error}` : ""}`);
  lines.push(`- run id: \`${run.runId}\`, started ${run.startedAt}, took ${secs(run.wallMs)}`);
  lines.push(
    `- spec: \`${run.specFile}\` (sha256 \`${run.specHash.slice(0, 16)}…\`), Spark ${run.sparkVersion}`,
  );
  lines.push(
    `- input: ${bytes(inBytes)} in ${run.inputs.reduce((a, i) => a + i.files, 0)} file(s); throughput ${throughputText(inBytes, run.wallMs)}`,
  );
  if (run.recovered.length) lines.push(`- recovered before the run: ${run.recovered.join("; ")}`);
  if (run.restarts?.length) lines.push(`- ${describeRestarts(run.restarts)}`);
  for (const s of reportSections(run)) {
    lines.push("", `## ${s.title}`, "");
    for (const note of s.notes) lines.push(note, "");
    if (s.facts.length) lines.push(...s.facts.map((f) => `- ${f}`), "");
    lines.push(...markdownTable(s.table));
  }
  return `${lines.join("\n")}\n`;
}
