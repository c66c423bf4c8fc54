/**
 * Client benchmarks: embedded server cold start, SELECT 1 round trip, mixed-type rows to Arrow and
 * to JS objects, count of a CSV dataset, a 200-step withColumn plan, and Node RSS while streaming.
 * All against one local Spark Connect server; compare.ts pairs each case with PySpark's.
 */
import { execFile } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { functions, type SparkSession, startLocalServer } from "@kindling/spark-connect";
import { median, timeRuns } from "./stats.js";

export interface CaseResult {
  name: string;
  unit: string;
  runs: number[];
  median: number;
  extra?: Record<string, number | string>;
}

export async function coldStart(runs: number): Promise<CaseResult> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const s = await startLocalServer({ master: "local[*]" });
    times.push(performance.now() - t);
    await s.stop();
  }
  return {
    name: "local server cold start (to first answer)",
    unit: "ms",
    runs: times,
    median: median(times),
  };
}

export async function selectOne(spark: SparkSession, runs: number): Promise<CaseResult> {
  const times = await timeRuns(runs, async () => (await spark.sql("SELECT 1 AS one")).collect(), 3);
  return { name: "SELECT 1 round trip (sql + collect)", unit: "ms", runs: times, median: median(times) };
}

/**
 * The mixed-type query, shared with the PySpark comparison. One partition per 500k rows: with
 * `range(n)`'s default (one per core) a 10M-row result came back as two ~1 GB task results and
 * the 4 GB driver died of OutOfMemoryError in task-result-getter (the query then hung).
 */
export const MIXED_SQL = (n: number) =>
  `SELECT id, id * 2.5D AS dbl, CAST(id AS DECIMAL(18,2)) / 100 AS dec, CAST(id AS STRING) AS str, ` +
  `DATE_ADD(DATE'2020-01-01', CAST(id % 1000 AS INT)) AS d, TIMESTAMP'2020-01-01 00:00:00' + make_interval(0,0,0,0,0,0,id % 86400) AS ts, ` +
  `named_struct('a', id % 7, 'b', array(id, id + 1)) AS nested FROM range(0, ${n}, 1, ${Math.max(2, Math.ceil(n / 500_000))})`;

export async function collectMixed(spark: SparkSession, n: number, runs: number): Promise<CaseResult> {
  const df = await spark.sql(MIXED_SQL(n));
  let rows = 0;
  const times = await timeRuns(runs, async () => {
    rows = (await df.collect()).length;
  });
  const med = median(times);
  return {
    name: `collect ${n.toLocaleString("en")} mixed-type rows to JS objects`,
    unit: "ms",
    runs: times,
    median: med,
    extra: { rows, rowsPerSecond: Math.round(rows / (med / 1000)) },
  };
}

export async function toArrowMixed(spark: SparkSession, n: number, runs: number): Promise<CaseResult> {
  const df = await spark.sql(MIXED_SQL(n));
  const times = await timeRuns(runs, async () => df.toArrow());
  return {
    name: `${n.toLocaleString("en")} mixed-type rows to an Arrow table`,
    unit: "ms",
    runs: times,
    median: median(times),
  };
}

/** One measured run: wall time and anything worth reporting beside it. */
export interface Measure {
  ms: number;
  extra?: Record<string, number | string>;
}

async function timed(fn: () => Promise<Record<string, number | string> | undefined>): Promise<Measure> {
  const t = performance.now();
  const extra = await fn();
  const ms = performance.now() - t;
  return extra ? { ms, extra } : { ms };
}

/** The 9 string columns of the generated orders CSV, and the reader options the pipeline uses. */
export const ORDERS_CSV = {
  schema:
    "order_id STRING, customer_id STRING, product_id STRING, order_ts STRING, quantity STRING, " +
    "unit_price STRING, status STRING, country STRING, channel STRING",
  options: { header: "true", multiLine: "true", quote: '"', escape: '"' } as Record<string, string>,
};

/**
 * Single runs of each client case, for the alternating comparison in compare.ts. Each resolves to
 * the wall time of the public API call(s) the case is about; none asserts anything.
 */
export const kindlingCase = {
  selectOne: (spark: SparkSession) =>
    timed(async () => {
      await (await spark.sql("SELECT 1 AS one")).collect();
      return undefined;
    }),
  /** Also reports the Node CPU (user + system ms) the call used: the client's share of the 2 cores. */
  mixedArrow: async (spark: SparkSession, n: number) => {
    const df = await spark.sql(MIXED_SQL(n));
    return timed(async () => {
      const cpu = process.cpuUsage();
      const rows = (await df.toArrow()).numRows;
      const used = process.cpuUsage(cpu);
      return { rows, nodeCpuMs: Math.round((used.user + used.system) / 1000) };
    });
  },
  mixedCollect: async (spark: SparkSession, n: number) => {
    const df = await spark.sql(MIXED_SQL(n));
    return timed(async () => ({ rows: (await df.collect()).length }));
  },
  countCsv: (spark: SparkSession, path: string) =>
    timed(async () => ({
      rows: await spark.read.schema(ORDERS_CSV.schema).options(ORDERS_CSV.options).csv(path).count(),
    })),
  /** Builds a plan of `n` chained withColumn calls and asks the server for its schema (analysis). */
  withColumns: (spark: SparkSession, n: number) =>
    timed(async () => {
      let df = spark.range(10);
      for (let i = 0; i < n; i++) df = df.withColumn(`c${i}`, functions.col("id").plus(i));
      return { columns: (await df.schema()).fields.length };
    }),
};

/**
 * Streams `n` mixed-type rows with `df.toLocalIterator()` in a fresh Node process (bench/stream-rss.ts)
 * so its peak RSS is the streaming's alone. Resolves to wall time, rows seen and peak RSS in MB.
 */
export function streamRss(url: string, n: number): Promise<Measure> {
  const script = join(dirname(fileURLToPath(import.meta.url)), "stream-rss.ts");
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--import", "tsx", script, url, String(n)],
      { maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`stream-rss failed: ${err.message}\n${stderr}`));
        const r = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as {
          ms: number;
          rows: number;
          peakRssMB: number;
          baseRssMB: number;
        };
        resolve({ ms: r.ms, extra: { rows: r.rows, peakRssMB: r.peakRssMB, baseRssMB: r.baseRssMB } });
      },
    );
  });
}
