/**
 * `npm run bench`: runs the benchmarks and appends a JSON record to bench/results/ with the
 * machine, versions and date, then regenerates bench/README.md and bench/results/latest.svg.
 * Medians only; no timing is asserted anywhere.
 *
 * BENCH_CASES=client,pipeline,pyspark (default all three). With `pyspark` the client and pipeline
 * cases run alternately for Kindling and for PySpark's Connect client on the same server
 * (bench/compare.ts); the venv is made by bench/pyspark/setup.sh, and if it cannot be made the
 * cases run for Kindling only. BENCH_RUNS (5), BENCH_BIG_RUNS (3, 10M-row cases), BENCH_BIG_ROWS
 * (10000000), BENCH_PIPELINE_SIZE (10MB,1GB,5GB), BENCH_PIPELINE_RUNS (5), BENCH_PIPELINE_WARMUP (1
 * discarded round per client before them).
 * BENCH_CASES=incremental (opt-in) adds pipelines/incremental.yaml: a full run over
 * BENCH_INCREMENTAL_FILES (40) files of BENCH_INCREMENTAL_FILE_SIZE (128MB), then one new file.
 * BENCH_ONLY=key,… runs only the named client cases (coldStart, stream, select1, arrow1M,
 * collect1M, arrowBig, collectBig, countCsv, withColumn200), e.g. to profile one of them.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { SparkSession } from "@kindling/spark-connect";
import { type CaseResult, coldStart, kindlingCase, MIXED_SQL, ORDERS_CSV, streamRss } from "./client.js";
import { type ComparedResult, ensurePySpark, type PairedCase, PySparkWorker, runPaired } from "./compare.js";
import { incrementalBench } from "./incremental.js";
import { ensureDataset, kindlingPipeline, peakRssMbOf, pipelineVsSql } from "./pipeline.js";
import { type BenchRecord, writeReport } from "./report.js";

const here = dirname(fileURLToPath(import.meta.url));
const env = (k: string, d: number) => Number(process.env[k] ?? d);
const RUNS = env("BENCH_RUNS", 5);
const BIG_RUNS = env("BENCH_BIG_RUNS", 3);
const BIG_ROWS = env("BENCH_BIG_ROWS", 10_000_000);
const PIPELINE_RUNS = env("BENCH_PIPELINE_RUNS", 5);
const PIPELINE_WARMUP = env("BENCH_PIPELINE_WARMUP", 1);
// Comma-separated sizes; each is generated once into data/bench-<size> and then reused.
const PIPELINE_SIZES = (process.env.BENCH_PIPELINE_SIZE ?? "10MB,1GB,5GB").split(",").map((x) => x.trim());

const results: (CaseResult | ComparedResult)[] = [];
const show = (ms: number) => `${ms.toFixed(1)} ms`;
const log = (r: CaseResult | ComparedResult) => {
  results.push(r);
  const c = "key" in r ? r : undefined;
  const py = c?.pyspark ? `  PySpark ${show(c.pyspark.median)}  ratio ${c.ratio!.toFixed(2)}×` : "";
  const extra = r.extra ? `  ${JSON.stringify(r.extra)}` : "";
  console.log(
    `${r.name.padEnd(52)} Kindling ${show(r.median)}${py}  (runs: ${r.runs.map((x) => x.toFixed(0)).join(", ")}${c?.pyspark ? ` / ${c.pyspark.runs.map((x) => x.toFixed(0)).join(", ")}` : ""})${extra}`,
  );
};

const cases = (process.env.BENCH_CASES ?? "client,pipeline,pyspark").split(",");
const only = process.env.BENCH_ONLY?.split(",").map((x) => x.trim());
const wanted = (key: string) => !only || only.includes(key);
const loadAtStart = loadavg()
  .map((x) => x.toFixed(1))
  .join(" / ");
const py = cases.includes("pyspark") ? ensurePySpark() : undefined;

if (cases.includes("client") && wanted("coldStart")) log(await coldStart(3));
const spark = await SparkSession.builder()
  .remote("local[*]")
  .localServerOptions({ driverMemory: process.env.KINDLING_DRIVER_MEMORY ?? "6g" })
  .getOrCreate();
let worker: PySparkWorker | undefined;
const versions: Record<string, string> = { node: process.version };
const started = new Date();
const resultFile = join(here, "results", `${started.toISOString().replace(/[:.]/g, "-")}.json`);
/**
 * Writes the record of what has run so far (one file per bench run, rewritten), README and
 * chart: called after each pipeline size too, so a long run stopped early keeps its rounds.
 */
function save(): void {
  const record: BenchRecord = {
    date: started.toISOString(),
    command: `BENCH_CASES=${cases.join(",")} BENCH_RUNS=${RUNS} BENCH_BIG_RUNS=${BIG_RUNS} BENCH_BIG_ROWS=${BIG_ROWS} BENCH_PIPELINE_SIZE=${PIPELINE_SIZES.join(",")} BENCH_PIPELINE_RUNS=${PIPELINE_RUNS} BENCH_PIPELINE_WARMUP=${PIPELINE_WARMUP} npm run bench`,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      loadAtStart,
    },
    versions,
    results,
  };
  mkdirSync(join(here, "results"), { recursive: true });
  writeFileSync(resultFile, `${JSON.stringify(record, null, 2)}\n`);
  writeReport(
    record,
    join(here, "README.md"),
    join(here, "results", "latest.svg"),
    relative(here, resultFile),
  );
  console.log(`written ${resultFile}, bench/README.md, bench/results/latest.svg`);
}
try {
  const url = spark.localServer!.url;
  versions.spark = await spark.version();
  if (py) {
    worker = await PySparkWorker.start(py.python, url);
    const info = await worker.call({ op: "info" });
    Object.assign(versions, {
      pysparkClient: `${py.client} (pyspark ${String(info.pyspark)})`,
      pyarrow: String(info.pyarrow),
      python: String(info.python),
    });
  }
  if (cases.includes("client")) {
    // Streaming first, in child processes: peak RSS of a fresh Node per row count.
    for (const n of wanted("stream") ? [1_000_000, BIG_ROWS] : []) {
      const m = await streamRss(url, n);
      log({
        name: `stream ${n.toLocaleString("en")} rows (toLocalIterator), Node peak RSS`,
        unit: "ms",
        runs: [m.ms],
        median: m.ms,
        ...(m.extra ? { extra: m.extra } : {}),
      });
    }
    const csvDir = join(process.cwd(), "data", "bench-1GB");
    // Only the countCsv case reads it: BENCH_ONLY=arrow1M should not generate 1 GB first.
    if (wanted("countCsv")) await ensureDataset(csvDir, "1GB");
    const paired: PairedCase[] = [
      {
        key: "select1",
        name: "SELECT 1 round trip",
        runs: Math.max(RUNS, 15),
        warmup: 3,
        kindling: () => kindlingCase.selectOne(spark),
        pyspark: { op: "select1" },
        target: 0.8,
      },
      ...[1_000_000, BIG_ROWS].flatMap((n): PairedCase[] => {
        const big = n > 1_000_000;
        const label = n.toLocaleString("en");
        return [
          {
            key: `arrow${big ? "Big" : "1M"}`,
            name: `${label} mixed rows to Arrow`,
            runs: big ? BIG_RUNS : RUNS,
            warmup: big ? 0 : 1,
            kindling: () => kindlingCase.mixedArrow(spark, n),
            pyspark: { op: "mixed_arrow", sql: MIXED_SQL(n) },
            target: 1.0,
          },
          {
            key: `collect${big ? "Big" : "1M"}`,
            name: `${label} mixed rows to native objects`,
            runs: big ? BIG_RUNS : RUNS,
            warmup: big ? 0 : 1,
            kindling: () => kindlingCase.mixedCollect(spark, n),
            pyspark: { op: "mixed_collect", sql: MIXED_SQL(n) },
            target: 0.5,
          },
        ];
      }),
      {
        key: "countCsv",
        name: "count() of 1 GB CSV",
        runs: RUNS,
        warmup: 1,
        kindling: () => kindlingCase.countCsv(spark, `${csvDir}/raw/orders/*.csv`),
        pyspark: { op: "count_csv", path: `${csvDir}/raw/orders/*.csv`, ...ORDERS_CSV },
      },
      {
        key: "withColumn200",
        name: "200 chained withColumn + schema",
        runs: Math.max(RUNS, 10),
        warmup: 2,
        kindling: () => kindlingCase.withColumns(spark, 200),
        pyspark: { op: "with_columns", n: 200 },
      },
    ];
    await runPaired(
      paired.filter((c) => wanted(c.key)),
      worker,
      log,
    );
  }
  if (cases.includes("pipeline")) {
    for (const size of PIPELINE_SIZES) {
      if (!worker) {
        for (const r of await pipelineVsSql(spark, size, PIPELINE_RUNS, PIPELINE_WARMUP)) log(r);
        save();
        continue;
      }
      const p = await kindlingPipeline(spark, size);
      const mb = p.bytes / 2 ** 20;
      const [r] = await runPaired(
        [
          {
            key: `pipeline${size}`,
            name: `example pipeline, ${size} input`,
            runs: PIPELINE_RUNS,
            // One discarded round per client: the first query plans on a cold JVM (JIT, file
            // listing, class loading) cost 4-5 s more than later ones, whoever runs first.
            warmup: PIPELINE_WARMUP,
            kindling: p.run,
            pyspark: { op: "pipeline", data_dir: p.dir, out_dir: join(p.dir, "out-pyspark") },
            target: 1.05,
          },
        ],
        worker,
        () => undefined,
      );
      r!.extra = {
        inputMB: Math.round(mb),
        kindlingMBPerSecPerCore: +(mb / (r!.median / 1000) / cpus().length).toFixed(2),
        ...(r!.pyspark
          ? { pysparkMBPerSecPerCore: +(mb / (r!.pyspark.median / 1000) / cpus().length).toFixed(2) }
          : {}),
        // Peaks over the whole bench process so far (VmHWM / maxRSS), not this case alone.
        nodePeakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
        jvmPeakRssMB: peakRssMbOf(spark.localServer?.pid),
      };
      log(r!);
    }
  }
  // Opt-in (BENCH_CASES=incremental): its own Delta server; see bench/incremental.ts.
  if (cases.includes("incremental")) for (const r of await incrementalBench()) log(r);
  save();
} finally {
  await worker?.stop();
  await spark.stop();
}
