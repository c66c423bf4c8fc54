import type { RunResult } from "../run/runner.js";
import { deltaCommitsTable, incrementalFilesTable } from "./delta.js";
import { bytes, int, secs, stepDetail, throughput } from "./format.js";

/** The run report as Markdown: summary, reconciliation, steps, rules, outputs, Spark stages. */
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
    `- input: ${bytes(inBytes)} in ${run.inputs.reduce((a, i) => a + i.files, 0)} file(s); throughput ${throughput(inBytes, run.wallMs).toFixed(1)} MB/s`,
  );
  if (run.recovered.length) lines.push(`- recovered before the run: ${run.recovered.join("; ")}`);
  lines.push("", "## Nothing lost: in = out + malformed + quarantined + duplicates + dropped + filtered", "");
  if (run.recount)
    lines.push(`Counted again in a write-free pass (${secs(run.recount.ms)}): ${run.recount.reason}.`, "");
  lines.push(
    "| source → sink | in | out | malformed | quarantined | duplicates | dropped | filtered | holds |",
  );
  lines.push("|---|---:|---:|---:|---:|---:|---:|---:|:---:|");
  for (const r of run.counts?.reconciliations ?? []) {
    lines.push(
      `| ${r.source} → ${r.sink} | ${int(r.rowsIn)} | ${int(r.rowsOut)} | ${int(r.malformed)} | ${int(r.quarantined)} | ${int(r.duplicates)} | ${int(r.dropped)} | ${int(r.filtered)} | ${r.holds ? "✅" : "❌"} |`,
    );
  }
  lines.push(
    "",
    "## Inputs",
    "",
    "| source | files | size | rows | malformed | schema drift |",
    "|---|---:|---:|---:|---:|---|",
  );
  for (const i of run.inputs) {
    const c = run.counts?.sources[i.source];
    lines.push(
      `| ${i.source} | ${i.files} | ${bytes(i.bytes)} | ${int(c?.rows)} | ${int(c?.malformed)} | ${i.drift ? JSON.stringify(i.drift) : "none"} |`,
    );
  }
  lines.push(
    "",
    "## Steps",
    "",
    "| step | kind | in | out | quarantined | duplicates | dropped | filtered | detail |",
    "|---|---|---:|---:|---:|---:|---:|---:|---|",
  );
  for (const s of run.counts?.steps ?? []) {
    const detail = stepDetail(s);
    lines.push(
      `| ${s.name} | ${s.kind} | ${int(s.rowsIn)} | ${int(s.rowsOut)} | ${int(s.quarantined)} | ${int(s.duplicates)} | ${int(s.dropped)} | ${int(s.filtered)} | ${detail} |`,
    );
  }
  if (run.rules.length) {
    lines.push(
      "",
      "## Dataset rules",
      "",
      "| step | rule | check | severity | violations | outcome |",
      "|---|---|---|---|---:|---|",
    );
    for (const r of run.rules)
      lines.push(
        `| ${r.step} | ${r.rule} | ${r.check} | ${r.severity} | ${int(r.violations)} | ${r.outcome} |`,
      );
  }
  lines.push(
    "",
    "## Outputs",
    "",
    "| output | path | rows | files | size | write time |",
    "|---|---|---:|---:|---:|---:|",
  );
  for (const a of run.actions)
    lines.push(
      `| ${a.name} | \`${a.path}\` | ${int(a.rows)} | ${a.files} | ${bytes(a.bytes)} | ${secs(a.ms)} |`,
    );
  for (const [title, table] of [
    ["Delta commits", deltaCommitsTable(run)],
    ["Incremental sources", incrementalFilesTable(run)],
  ] as const) {
    if (!table) continue;
    lines.push(
      "",
      `## ${title}`,
      "",
      `| ${table.header.join(" | ")} |`,
      `|${table.header.map(() => "---").join("|")}|`,
    );
    for (const row of table.rows) lines.push(`| ${row.join(" | ")} |`);
  }
  if (run.spark) {
    const s = run.spark;
    const sum = (f: (x: (typeof s.stages)[number]) => number) => s.stages.reduce((a, x) => a + f(x), 0);
    lines.push("", "## Spark", "");
    lines.push(`- application ${s.applicationId}: ${s.jobs} job(s), ${s.stages.length} stage attempt(s)`);
    lines.push(
      `- read ${bytes(sum((x) => x.inputBytes))}, written ${bytes(sum((x) => x.outputBytes))}, shuffled ${bytes(sum((x) => x.shuffleWriteBytes))}`,
    );
    const lost = s.executors.filter((e) => !e.active);
    if (lost.length)
      lines.push(
        `- lost executors: ${lost.map((e) => `${e.id} (${e.removeReason ?? "removed"})`).join(", ")}`,
      );
    const failedTasks = sum((x) => x.failedTasks);
    if (failedTasks) lines.push(`- failed (then retried) tasks: ${failedTasks}`);
    lines.push(
      "",
      "| stage | attempt | name | tasks | failed | duration | input | shuffle write |",
      "|---:|---:|---|---:|---:|---:|---:|---:|",
    );
    for (const st of s.stages) {
      lines.push(
        `| ${st.stageId} | ${st.attemptId} | ${st.name.replace(/\|/g, "/").slice(0, 60)} | ${st.numTasks} | ${st.failedTasks} | ${secs(st.durationMs)} | ${bytes(st.inputBytes)} | ${bytes(st.shuffleWriteBytes)} |`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}
