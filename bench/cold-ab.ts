/**
 * The example pipeline's first run on a fresh server, as `kindling run` meets it (the CLI starts
 * a server of its own per command, so no generated code is compiled or warm yet): each run of each
 * variant, and of the Spark floor (pipeline-floor.ts), starts a new local server and stops it
 * after; variants alternate round by round (alternate.ts, no warm-up round). Prints each round,
 * the medians and each one's ratio to the floor. Not part of `npm run bench`.
 *
 *   node --import tsx bench/cold-ab.ts <size> <rounds> <variant> [<variant> …]
 *
 * A variant is `name` (this checkout's runner) or `name@<path to another checkout's
 * packages/kindling/src/index.ts>` (see conf-ab.ts for making one with `git archive`).
 */
import { join } from "node:path";
import type { SparkSession } from "@kindling/spark-connect";
import { alternateRounds } from "./alternate.js";
import { ensureDataset } from "./pipeline.js";
import { sparkFloor } from "./pipeline-floor.js";
import { benchServer } from "./profile-setup.js";
import { exampleRunner } from "./variant-runner.js";

const size = process.argv[2] ?? "300MB";
const rounds = Number(process.argv[3] ?? 2);
const variants = process.argv.slice(4).map((v) => {
  const [name, module] = v.split("@");
  return { name: name!, module };
});
const dir = join(process.cwd(), "data", `bench-${size}`);
await ensureDataset(dir, size);

/** Runs `job` on a server started for it alone, then stops the server. */
async function onFreshServer(job: (spark: SparkSession) => Promise<void>): Promise<void> {
  const spark = await benchServer();
  try {
    await job(spark);
  } finally {
    await spark.stop();
  }
}

const jobs = await Promise.all(
  variants.map(async (v) => {
    const runOnce = await exampleRunner(v.name, v.module, dir);
    return {
      name: v.name,
      run: () =>
        onFreshServer(async (spark) => {
          const r = await runOnce(spark);
          if (r.status !== "succeeded") throw new Error(`${v.name}: pipeline failed: ${r.error}`);
        }),
    };
  }),
);
const floor = { name: "floor", run: () => onFreshServer((s) => sparkFloor(s, dir, join(dir, "out-floor"))) };
await alternateRounds([floor, ...jobs], rounds, "floor", false);
