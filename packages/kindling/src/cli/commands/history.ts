import type { Command } from "commander";
import { resolvePath } from "../../compile/read.js";
import { type DeltaCommit, deltaHistory, kindlingCommitInfo, rowChanges } from "../../delta/table.js";
import { KindlingError } from "../../errors.js";
import { loadPipeline } from "../../spec/index.js";
import { type EngineOptions, engineOptionsHelp, openSession } from "../session.js";
import { collectSet } from "./shared.js";

interface HistoryOptions extends EngineOptions {
  set: Record<string, string>;
  json?: boolean;
  limit?: string;
}

/**
 * `kindling history <pipeline> <sink>`: the commits of a Delta sink's table, newest first (DESCRIBE
 * HISTORY): version, time, operation, rows inserted/updated/deleted, the run that wrote it.
 * Exit 2 when the sink is unknown or not `format: delta`.
 */
export function registerHistory(program: Command): void {
  const cmd = program
    .command("history")
    .description("List the commits of a Delta sink's table: versions, operations, row counts, runs.")
    .argument("<pipeline>", "pipeline YAML file")
    .argument("<sink>", "a sink with format: delta")
    .option("--set <name=value>", "set a parameter (repeatable)", collectSet, {})
    .option("--limit <n>", "only the newest n commits")
    .option("--json", "print the commits as JSON");
  for (const [flag, help] of engineOptionsHelp()) cmd.option(flag, help);
  cmd.action(async (file: string, sinkName: string, opts: HistoryOptions) => {
    const loaded = await loadPipeline(file, { set: opts.set });
    const sink = loaded.spec.sinks[sinkName];
    const names = Object.keys(loaded.spec.sinks);
    if (!sink)
      throw new KindlingError(`${file}: no sink named ${sinkName} (sinks: ${names.join(", ")})`, "usage");
    if (sink.format !== "delta")
      throw new KindlingError(
        `${file}: sinks.${sinkName} is format: ${sink.format}; history is kept only by Delta sinks (format: delta).`,
        "usage",
      );
    const limit = opts.limit === undefined ? undefined : Number(opts.limit);
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0))
      throw new KindlingError(`--limit: expected a positive whole number, found ${opts.limit}`, "usage");
    const path = resolvePath(sink.path);
    const spark = await openSession({ ...opts, quiet: opts.json ?? false });
    try {
      const commits = await deltaHistory(spark, path, limit).catch((e: unknown) => {
        throw new KindlingError(
          `sinks.${sinkName}: ${path} has no Delta table yet (run the pipeline first): ${e instanceof Error ? e.message.split("\n")[0] : e}`,
          "output",
        );
      });
      if (opts.json) process.stdout.write(`${JSON.stringify(commits.map(withRows), null, 2)}\n`);
      else process.stdout.write(formatHistory(sinkName, path, commits));
    } finally {
      await spark.stop();
    }
  });
}

function withRows(c: DeltaCommit) {
  return { ...c, rows: rowChanges(c) };
}

/** The history as an aligned text table, newest first. */
export function formatHistory(sink: string, path: string, commits: DeltaCommit[]): string {
  const header = ["version", "timestamp", "operation", "inserted", "updated", "deleted", "run"];
  const rows = commits.map((c) => {
    const r = rowChanges(c);
    return [
      String(c.version),
      c.timestamp,
      c.operation,
      String(r.inserted),
      String(r.updated),
      r.deleted === undefined ? "-" : String(r.deleted),
      kindlingCommitInfo(c)?.kindlingRun ?? "-",
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return `sink ${sink}: Delta table ${path}\n${[line(header), ...rows.map(line)].join("\n")}\n`;
}
