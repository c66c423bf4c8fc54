/**
 * Incremental bench case (BENCH_CASES=incremental): pipelines/incremental.yaml run in full over N
 * generated orders files of one size, then an incremental run after `generate --append` lands one
 * more file of that size. The incremental run reads the new file only and merges it into the
 * Delta tables; the aggregate is recomputed for the days × countries the new orders touch.
 *
 * BENCH_INCREMENTAL_FILES (N, default 40, as issue #21 asks) and BENCH_INCREMENTAL_FILE_SIZE
 * (default 128MB). The dataset is generated once under data/bench-incremental-<N>x<size>; the
 * appended file is removed afterwards (manifest and state restored) so the case can run again.
 * Runs on its own local server with Delta (the other cases' server has no Delta add-on).
 */
import { copyFileSync, existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import {
  appendOrders,
  DELTA_ADD_ON,
  deltaSparkConf,
  generate,
  loadPipeline,
  parseSize,
  type RunResult,
  runPipeline,
} from "@kindling/kindling";
import { SparkSession, startLocalServer } from "@kindling/spark-connect";
import type { CaseResult } from "./client.js";

const FILES = Number(process.env.BENCH_INCREMENTAL_FILES ?? 40);
const FILE_SIZE = process.env.BENCH_INCREMENTAL_FILE_SIZE ?? "128MB";

/** The full run over N files and the incremental run over one new file, one timing each. */
export async function incrementalBench(log: (line: string) => void = console.log): Promise<CaseResult[]> {
  const dir = join(process.cwd(), "data", `bench-incremental-${FILES}x${FILE_SIZE}`);
  const raw = join(dir, "raw");
  await ensureFiles(raw, log);
  const server = await startLocalServer({
    master: "local[*]",
    driverMemory: process.env.KINDLING_DRIVER_MEMORY ?? "6g",
    addOns: [DELTA_ADD_ON],
    conf: deltaSparkConf(),
  });
  const spark = await SparkSession.builder().remote(server.url).getOrCreate();
  const saved = ["manifest.json", "datagen-state.json"].map((f) => join(raw, f));
  for (const f of saved) copyFileSync(f, `${f}.before-append`);
  let appended: string[] = [];
  try {
    const loaded = await loadPipeline("pipelines/incremental.yaml", {
      set: { data_dir: dir, out_dir: join(dir, "out") },
      env: {},
    });
    const full = await timed(() => runPipeline(spark, loaded, { fullRefresh: true }));
    const batch = await appendOrders({ outDir: raw, size: FILE_SIZE, files: 1 });
    appended = batch.batch.files.map((f) => join(raw, f));
    const incremental = await timed(() => runPipeline(spark, loaded));
    return [
      caseOf(`incremental pipeline: full run over ${FILES} × ${FILE_SIZE} files`, full),
      caseOf(`incremental pipeline: 1 new ${FILE_SIZE} file merged into ${FILES} files' tables`, incremental),
    ];
  } finally {
    for (const f of appended) rmSync(f, { force: true });
    for (const f of saved) copyFileSync(`${f}.before-append`, f);
    await spark.stop();
    await server.stop();
  }
}

/** Generates N files of the size once (kept when the manifest already lists N files of it). */
async function ensureFiles(raw: string, log: (line: string) => void): Promise<void> {
  const manifest = join(raw, "manifest.json");
  const bytes = parseSize(FILE_SIZE);
  if (existsSync(manifest)) {
    const m = JSON.parse(readFileSync(manifest, "utf8")) as { orders: { files: unknown[]; bytes: number } };
    if (m.orders.files.length === FILES && Math.abs(m.orders.bytes - FILES * bytes) <= FILES * bytes * 0.1)
      return;
  }
  log(`generating ${FILES} × ${FILE_SIZE} into ${raw} …`);
  await generate({ outDir: raw, size: FILES * bytes, files: FILES });
}

async function timed(run: () => Promise<RunResult>): Promise<{ ms: number; r: RunResult }> {
  const t = performance.now();
  const r = await run();
  if (r.status !== "succeeded") throw new Error(`incremental pipeline failed: ${r.error}`);
  return { ms: performance.now() - t, r };
}

function caseOf(name: string, { ms, r }: { ms: number; r: RunResult }): CaseResult {
  const files = r.incremental?.sources.reduce((a, s) => a + s.files.length, 0) ?? 0;
  const inputMB = r.inputs.reduce((a, i) => a + i.bytes, 0) / 2 ** 20;
  const agg = r.actions.find((a) => a.name === "daily_revenue")?.delta;
  return {
    name,
    unit: "ms",
    runs: [ms],
    median: ms,
    extra: {
      filesRead: files,
      inputMB: Math.round(inputMB),
      ...(agg
        ? { aggregateGroupsRewritten: Number(agg.operationMetrics.numSourceRows ?? agg.rows.inserted) }
        : {}),
    },
  };
}
