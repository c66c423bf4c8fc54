/**
 * Pipeline benchmark: the example pipeline (Kindling's runner) beside the same job written by
 * hand in Spark SQL and the Spark floor (read the raw orders, write Parquet: see
 * pipeline-floor.ts), alternating on one Spark server over the same generated input.
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { loadPipeline, runPipeline, ensureDataset as sharedEnsureDataset } from "@kindling/kindling";
import type { SparkSession } from "@kindling/spark-connect";
import type { CaseResult } from "./client.js";
import { sparkFloor } from "./pipeline-floor.js";
import { handWrittenSql } from "./pipeline-sql.js";
import { median } from "./stats.js";

/**
 * The generated dataset under `dir`/raw (made once per size); returns the orders' bytes. The
 * outputs of earlier bench runs (`dir`/out-*, which the bench owns) are removed first: a run
 * stopped midway leaves folders the runner refuses to overwrite (e.g. a quarantine without its
 * `_kindling.json`), and old outputs are no part of the measurement.
 */
export async function ensureDataset(dir: string, size: string): Promise<number> {
  clearBenchOutputs(dir);
  const { bytes } = await sharedEnsureDataset(join(dir, "raw"), size, (raw) =>
    console.log(`generating ${size} into ${raw} …`),
  );
  return bytes;
}

/** Removes the bench's own output folders (`out-*`) under a dataset folder `dir`. */
export function clearBenchOutputs(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return; // no dataset folder yet
  }
  for (const n of names) if (n.startsWith("out-")) rmSync(join(dir, n), { recursive: true, force: true });
}

function jvmPeakRssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const m = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmHWM:\s+(\d+) kB/);
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

/**
 * The example pipeline (Kindling's runner), the same job as hand-written Spark SQL and the Spark
 * floor, alternating round by round on one server at `size`, after `warmup` discarded rounds of
 * all three. Returns the three cases with medians, ratios and one run's Spark jobs and round trips.
 */
export async function pipelineVsSql(
  spark: SparkSession,
  size: string,
  runs: number,
  warmup = 1,
): Promise<CaseResult[]> {
  const dir = join(process.cwd(), "data", `bench-${size}`);
  const bytes = await ensureDataset(dir, size);
  const mb = bytes / 2 ** 20;
  const cores = cpus().length;
  const kindling: number[] = [];
  const sql: number[] = [];
  const floor: number[] = [];
  const loaded = await loadPipeline("pipelines/example.yaml", {
    set: { data_dir: dir, out_dir: join(dir, "out-kindling") },
    env: {},
  });
  // Discarded warm-up rounds (cold JVM: JIT, file listing), as in runPaired.
  for (let i = 0; i < warmup; i++) {
    await runPipeline(spark, loaded);
    await handWrittenSql(spark, dir, join(dir, "out-sql"));
    await sparkFloor(spark, dir, join(dir, "out-floor"));
  }
  // What one run costs besides data: its Spark jobs and gRPC calls (the same every round).
  let cost: { sparkJobs: number | undefined; roundTrips: Record<string, number> } | undefined;
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    const r = await runPipeline(spark, loaded);
    if (r.status !== "succeeded") throw new Error(`pipeline failed: ${r.error}`);
    kindling.push(performance.now() - t);
    cost = { sparkJobs: r.sparkJobs, roundTrips: r.roundTrips ?? {} };
    t = performance.now();
    await handWrittenSql(spark, dir, join(dir, "out-sql"));
    sql.push(performance.now() - t);
    t = performance.now();
    await sparkFloor(spark, dir, join(dir, "out-floor"));
    floor.push(performance.now() - t);
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    console.log(
      `  round ${i + 1}: kindling ${s(kindling[i]!)}, hand-written SQL ${s(sql[i]!)}, Spark floor ${s(floor[i]!)}`,
    );
  }
  const mk = median(kindling);
  const ms = median(sql);
  const mf = median(floor);
  const node = Math.round(process.resourceUsage().maxRSS / 1024);
  const jvm = jvmPeakRssMb(spark.localServer?.pid);
  return [
    {
      name: `example pipeline, ${size} input (Kindling runner)`,
      unit: "ms",
      runs: kindling,
      median: mk,
      extra: {
        inputMB: Math.round(mb),
        mbPerSecPerCore: +(mb / (mk / 1000) / cores).toFixed(2),
        ratioToFloor: +(mk / mf).toFixed(3),
        ratioToSql: +(mk / ms).toFixed(3),
        ...(cost?.sparkJobs !== undefined ? { sparkJobs: cost.sparkJobs } : {}),
        roundTrips: Object.values(cost?.roundTrips ?? {}).reduce((a, b) => a + b, 0),
        nodePeakRssMB: node,
        jvmPeakRssMB: jvm,
      },
    },
    {
      name: `same job as hand-written Spark SQL, ${size} input`,
      unit: "ms",
      runs: sql,
      median: ms,
      extra: {
        mbPerSecPerCore: +(mb / (ms / 1000) / cores).toFixed(2),
        ratioKindlingToSql: +(mk / ms).toFixed(3),
        ratioToFloor: +(ms / mf).toFixed(3),
      },
    },
    {
      name: `Spark floor (read the orders CSV, write Parquet), ${size} input`,
      unit: "ms",
      runs: floor,
      median: mf,
      extra: { mbPerSecPerCore: +(mb / (mf / 1000) / cores).toFixed(2) },
    },
  ];
}

/**
 * The example pipeline through Kindling's runner, once per call, on the dataset of `size` (made
 * if missing). Returns the dataset folder, its orders bytes and the single-run function.
 */
export async function kindlingPipeline(
  spark: SparkSession,
  size: string,
): Promise<{ dir: string; bytes: number; run: () => Promise<{ ms: number }> }> {
  const dir = join(process.cwd(), "data", `bench-${size}`);
  const bytes = await ensureDataset(dir, size);
  const loaded = await loadPipeline("pipelines/example.yaml", {
    set: { data_dir: dir, out_dir: join(dir, "out-kindling") },
    env: {},
  });
  return {
    dir,
    bytes,
    run: async () => {
      const t = performance.now();
      const r = await runPipeline(spark, loaded);
      if (r.status !== "succeeded") throw new Error(`pipeline failed: ${r.error}`);
      return { ms: performance.now() - t };
    },
  };
}

/** Peak RSS (VmHWM) of a local process in MB, 0 if unknown. */
export { jvmPeakRssMb as peakRssMbOf };
