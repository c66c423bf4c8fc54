/**
 * What the profiling tools (profile-pipeline.ts, profile-scan.ts) share: their command line
 * (`[size] [runs] [key=value …]`), the generated dataset of that size under `data/bench-<size>`,
 * and a local Spark Connect server with the bench's driver memory (KINDLING_DRIVER_MEMORY, 6g).
 */
import { join } from "node:path";
import { SparkSession } from "@kindling/spark-connect";
import { ensureDataset } from "./pipeline.js";

/** A profiling tool's input: size (e.g. `300MB`), rounds, Spark settings, dataset folder, session. */
export interface ProfileSetup {
  size: string;
  runs: number;
  conf: Record<string, string>;
  dir: string;
  spark: SparkSession;
}

/** Reads `process.argv`, generates the dataset once, starts the server. */
export async function profileSetup(defaultRuns: number): Promise<ProfileSetup> {
  const size = process.argv[2] ?? "300MB";
  const runs = Number(process.argv[3] ?? defaultRuns);
  const conf = Object.fromEntries(process.argv.slice(4).map(settingPair));
  const dir = join(process.cwd(), "data", `bench-${size}`);
  await ensureDataset(dir, size);
  return { size, runs, conf, dir, spark: await benchServer() };
}

/**
 * A session on a new local Spark Connect server with the bench's driver memory
 * (KINDLING_DRIVER_MEMORY, 6g) and `javaOptions` for its JVM (jvm-ab.ts compares them).
 */
export function benchServer(javaOptions: string[] = []): Promise<SparkSession> {
  return SparkSession.builder()
    .remote("local[*]")
    .localServerOptions({ driverMemory: process.env.KINDLING_DRIVER_MEMORY ?? "6g", javaOptions })
    .getOrCreate();
}

/** Spark settings from `key=value,key=value` (a value may hold `=`); empty text gives none. */
export function parseSettings(text: string): Record<string, string> {
  return Object.fromEntries(text.split(",").filter(Boolean).map(settingPair));
}

/** `key=value` → `[key, value]` (split at the first `=`: a value may hold `=`). */
function settingPair(kv: string): [string, string] {
  return kv.split(/=(.*)/s).slice(0, 2) as [string, string];
}
