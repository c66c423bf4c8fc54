/**
 * Server JVM flags side by side: one local Spark Connect server per variant (each with the bench's
 * driver memory), the example pipeline and the Spark floor (pipeline-floor.ts) alternating across
 * them round by round (bench/alternate.ts), so a flag that changes the JVM (the garbage
 * collector, JIT limits) is measured in one run. Optional Spark session settings per variant.
 * Not part of `npm run bench`; the figures behind the server's JVM flags in bench/README.md.
 *
 *   node --import tsx bench/jvm-ab.ts <size> <rounds> <variant> [<variant> …]
 *
 * A variant is `name:-XX:Flag,-XX:Other[;key=value,key=value]` (`name:` alone: the default JVM).
 */
import { join } from "node:path";
import type { SparkSession } from "@kindling/spark-connect";
import { alternateRounds } from "./alternate.js";
import { ensureDataset } from "./pipeline.js";
import { sparkFloor } from "./pipeline-floor.js";
import { benchServer, parseSettings } from "./profile-setup.js";
import { exampleRunner } from "./variant-runner.js";

interface JvmVariant {
  name: string;
  javaOptions: string[];
  conf: Record<string, string>;
}

function parseVariant(arg: string): JvmVariant {
  const [name, rest = ""] = arg.split(/:(.*)/s);
  const [flags = "", settings = ""] = rest.split(";");
  return { name: name!, javaOptions: flags.split(",").filter(Boolean), conf: parseSettings(settings) };
}

const size = process.argv[2] ?? "1GB";
const rounds = Number(process.argv[3] ?? 2);
const variants = process.argv.slice(4).map(parseVariant);
const dir = join(process.cwd(), "data", `bench-${size}`);
await ensureDataset(dir, size);
const sessions: SparkSession[] = [];
try {
  const jobs = [];
  for (const v of variants) {
    const spark = await benchServer(v.javaOptions);
    sessions.push(spark);
    const run = await exampleRunner(v.name, undefined, dir);
    jobs.push(
      { name: `floor-${v.name}`, run: () => sparkFloor(spark, dir, join(dir, `out-floor-${v.name}`)) },
      {
        name: v.name,
        run: async () => {
          const r = await run(spark, { conf: v.conf });
          if (r.status !== "succeeded") throw new Error(`${v.name}: pipeline failed: ${r.error}`);
        },
      },
    );
  }
  await alternateRounds(jobs, rounds, `floor-${variants[0]!.name}`);
} finally {
  for (const s of sessions) await s.stop();
}
