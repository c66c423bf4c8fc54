/**
 * Client benchmarks: embedded server cold start, SELECT 1 round trip, and collect throughput
 * (Arrow → JS rows) of 1M rows of mixed types. All against one local Spark Connect server.
 */
import { type SparkSession, startLocalServer } from "@kindling/spark-connect";
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

/** The mixed-type million-row query, shared with the PySpark comparison. */
export const MIXED_SQL = (n: number) =>
  `SELECT id, id * 2.5D AS dbl, CAST(id AS DECIMAL(18,2)) / 100 AS dec, CAST(id AS STRING) AS str, ` +
  `DATE_ADD(DATE'2020-01-01', CAST(id % 1000 AS INT)) AS d, TIMESTAMP'2020-01-01 00:00:00' + make_interval(0,0,0,0,0,0,id % 86400) AS ts, ` +
  `named_struct('a', id % 7, 'b', array(id, id + 1)) AS nested FROM range(${n})`;

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
