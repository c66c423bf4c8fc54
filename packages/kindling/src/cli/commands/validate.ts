import type { Command } from "commander";
import { loadPipeline } from "../../spec/index.js";
import { collectSet } from "./shared.js";

/** `kindling validate`: checks a spec without Spark; every problem at once, exit 2 on any. */
export function registerValidate(program: Command): void {
  program
    .command("validate")
    .description("Check a pipeline spec (names, references, columns, types) without running Spark.")
    .argument("<pipeline>", "pipeline YAML file")
    .option("--set <name=value>", "set a parameter (repeatable)", collectSet, {})
    .option("--json", "print the validated spec as JSON")
    .action(async (file: string, opts: { set: Record<string, string>; json?: boolean }) => {
      const loaded = await loadPipeline(file, { set: opts.set });
      if (opts.json)
        process.stdout.write(
          `${JSON.stringify({ valid: true, spec: loaded.spec, specHash: loaded.specHash }, null, 2)}\n`,
        );
      else {
        const s = loaded.spec;
        process.stdout.write(
          `✔ ${file} is valid: pipeline ${s.name}, ${Object.keys(s.sources).length} source(s), ${s.steps.length} step(s), ${Object.keys(s.sinks).length} sink(s)\n`,
        );
      }
    });
}
