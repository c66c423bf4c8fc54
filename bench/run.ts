/**
 * `npm run bench`: runs the benchmarks and appends a JSON record to bench/results/ with the
 * machine, versions and date. Medians only; no timing is asserted anywhere.
 * Select cases with BENCH_CASES=client,pipeline (default: both); BENCH_PIPELINE_SIZE (1GB) and
 * BENCH_PIPELINE_RUNS (3) size the pipeline case.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SparkSession } from "@kindling/spark-connect";
import { type CaseResult, coldStart, collectMixed, selectOne, toArrowMixed } from "./client.js";
import { pipelineVsSql } from "./pipeline.js";

const here = dirname(fileURLToPath(import.meta.url));
const results: CaseResult[] = [];
const log = (r: CaseResult) => {
  results.push(r);
  const extra = r.extra ? `  ${JSON.stringify(r.extra)}` : "";
  console.log(
    `${r.name.padEnd(58)} median ${r.median.toFixed(1)} ${r.unit}  (runs: ${r.runs.map((x) => x.toFixed(0)).join(", ")})${extra}`,
  );
};

const cases = (process.env.BENCH_CASES ?? "client,pipeline").split(",");
if (cases.includes("client")) log(await coldStart(3));
const spark = await SparkSession.builder()
  .remote("local[*]")
  .localServerOptions({ driverMemory: process.env.KINDLING_DRIVER_MEMORY ?? "4g" })
  .getOrCreate();
try {
  if (cases.includes("client")) {
    log(await selectOne(spark, 30));
    log(await collectMixed(spark, 1_000_000, 5));
    log(await toArrowMixed(spark, 1_000_000, 5));
  }
  if (cases.includes("pipeline")) {
    const size = process.env.BENCH_PIPELINE_SIZE ?? "1GB";
    for (const r of await pipelineVsSql(spark, size, Number(process.env.BENCH_PIPELINE_RUNS ?? 3))) log(r);
  }
  const record = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    spark: await spark.version(),
    results,
  };
  mkdirSync(join(here, "results"), { recursive: true });
  const file = join(here, "results", `${record.date.replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`written ${file}`);
} finally {
  await spark.stop();
}
