import { join } from "node:path";
import type { Command } from "commander";
import { ensureDataset } from "../../datagen/index.js";
import { runCommand } from "./run.js";

/**
 * `kindling quickstart` (what `npm start` runs): generates the sample dataset if it is not there
 * yet, then runs the example pipeline on the embedded local Spark and prints where the report is.
 */
export function registerQuickstart(program: Command): void {
  program
    .command("quickstart")
    .description("Generate a sample dataset (once) and run the example pipeline on the local Spark.")
    .option("--size <size>", "size of the generated orders", "300MB")
    .option("--data <dir>", "data folder", "data")
    .option("--out <dir>", "output folder", "out")
    .action(async (opts: { size: string; data: string; out: string }) => {
      const raw = join(opts.data, "raw");
      let last = 0;
      const { generated } = await ensureDataset(
        raw,
        opts.size,
        () => process.stderr.write(`kindling: generating ${opts.size} of sample orders into ${raw} …\n`),
        (p) => {
          const now = Date.now();
          if (now - last > 2000) {
            last = now;
            process.stderr.write(`kindling:   ${(p.bytesWritten / 2 ** 20).toFixed(0)} MB written\n`);
          }
        },
      );
      if (!generated) process.stderr.write(`kindling: using the dataset already in ${raw}\n`);
      await runCommand(join("pipelines", "example.yaml"), {
        set: { data_dir: opts.data, out_dir: opts.out },
      });
    });
}
