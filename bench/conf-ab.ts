/**
 * Spark settings side by side: runs the example pipeline through Kindling's runner once per
 * variant per round, alternating the variants and the Spark floor (pipeline-floor.ts) on one
 * server (bench/alternate.ts), and prints each round, the medians, each variant's ratio to the
 * floor of the same run, and the load average. The figures behind the settings in bench/README.md come from here. Not
 * part of `npm run bench`.
 *
 *   node --import tsx bench/conf-ab.ts <size> <rounds> <variant> [<variant> …]
 *
 * A variant is `name:key=value,key=value` (Spark session settings over RUN_CONF; `name:` alone is
 * RUN_CONF as it is), or `name@<path to another checkout's packages/kindling/src/index.ts>:…` to
 * run that checkout's runner instead (a change measured against the commit before it, in one
 * process and on one server: `git archive <commit> packages/kindling | tar -x -C /tmp/old` and a
 * `node_modules` symlink to this checkout's in /tmp/old). One discarded warm-up round of every
 * variant and the floor comes first.
 */
import { join } from "node:path";
import { alternateRounds } from "./alternate.js";
import { sparkFloor } from "./pipeline-floor.js";
import { parseSettings, profileSetup } from "./profile-setup.js";
import { exampleRunner } from "./variant-runner.js";

/** A named set of session settings, from `name[@module]:key=value,key=value`. */
interface Variant {
  name: string;
  conf: Record<string, string>;
  /** Another checkout's kindling entry point, whose runPipeline runs this variant. */
  module?: string;
}

function parseVariant(arg: string): Variant {
  const [head, settings = ""] = arg.split(/:(.*)/s);
  const [name, module] = head!.split("@");
  return { name: name!, conf: parseSettings(settings), ...(module ? { module } : {}) };
}

const variants = process.argv.slice(4).map(parseVariant);
process.argv.length = 4; // profileSetup reads settings from argv[4…]: none, the variants carry them
const { runs, dir, spark } = await profileSetup(3);
try {
  const load = async (v: Variant) => {
    const run = await exampleRunner(v.name, v.module, dir);
    return (conf: Record<string, string>) => run(spark, { conf });
  };
  const runners = new Map(await Promise.all(variants.map(async (v) => [v.name, await load(v)] as const)));
  const floor = { name: "floor", run: () => sparkFloor(spark, dir, join(dir, "out-floor")) };
  const jobs = variants.map((v) => ({
    name: v.name,
    run: async () => {
      const r = await runners.get(v.name)!(v.conf);
      if (r.status !== "succeeded") throw new Error(`${v.name}: pipeline failed: ${r.error}`);
    },
  }));
  await alternateRounds([floor, ...jobs], runs, "floor");
} finally {
  await spark.stop();
}
