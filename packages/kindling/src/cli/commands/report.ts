import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Command } from "commander";
import { KindlingError } from "../../errors.js";
import { type ReportFormat, writeReports } from "../../report/index.js";
import type { RunResult } from "../../run/runner.js";

/** `kindling report`: re-renders the Markdown/HTML reports from a run's report.json. */
export function registerReport(program: Command): void {
  program
    .command("report")
    .description("Re-render report.md / report.html from a run's report.json.")
    .argument("<report.json>", "a report.json written by `kindling run`")
    .option("--out <dir>", "folder to write into (default: next to report.json)")
    .option("--format <formats>", "comma-separated: json, md, html", "md,html")
    .action((file: string, opts: { out?: string; format: string }) => {
      let run: RunResult;
      try {
        run = JSON.parse(readFileSync(file, "utf8")) as RunResult;
      } catch (e) {
        throw new KindlingError(`${file}: not a readable report.json (${(e as Error).message}).`, 2);
      }
      const formats = opts.format.split(",").map((f) => f.trim()) as ReportFormat[];
      for (const p of writeReports(run, opts.out ?? dirname(file), formats)) process.stdout.write(`${p}\n`);
    });
}
