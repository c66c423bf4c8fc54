import { randomUUID } from "node:crypto";
import type { SparkSession } from "@kindling/spark-connect";
import type { LoadedPipeline } from "../../spec/index.js";
import type { RunOptions, RunResult } from "../result.js";
import type { RunState } from "./state.js";

/**
 * Session settings every run uses (see bench/README.md for what each bought):
 *  - AQE may re-partition inside cached steps, so a shared step's shuffle is coalesced to a few
 *    right-sized partitions instead of 200 tiny tasks (off by default in Spark);
 *  - coalescing aims at the advisory partition size (64 MB) but leaves at least as many partitions
 *    as the server has cores (`parallelismFirst`: the target is min(shuffle / cores, 64 MB)), so a
 *    small run's stages after a shuffle use every core instead of one task each;
 *  - Parquet timestamps are written as TIMESTAMP_MICROS, not Spark's legacy INT96 (which other
 *    readers, e.g. pyarrow, turn into wrong dates: 9999-12-31 became 1816-03-30), in the
 *    proleptic Gregorian calendar every other reader uses (no rebasing of dates before 1582).
 * A spec's `spark_conf` (allow-listed keys) comes after these.
 */
export const RUN_CONF: Record<string, string> = {
  "spark.sql.adaptive.enabled": "true",
  "spark.sql.optimizer.canChangeCachedPlanOutputPartitioning": "true",
  // 10 MB, 3 alternating rounds at load 12-18: 67.8 s against 73.3 s with `false` (the floor
  // 3.8 s); from 128 MB of shuffle up the 64 MB target decides, as with `false` (bench/README.md).
  "spark.sql.adaptive.coalescePartitions.parallelismFirst": "true",
  "spark.sql.adaptive.advisoryPartitionSizeInBytes": "64m",
  "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
  "spark.sql.parquet.datetimeRebaseModeInWrite": "CORRECTED",
  // When every row is quarantined, the stage after a shuffle (partition_by, dedupe) is empty and
  // this rule replaces it by an empty relation, dropping the observations inside it: the report
  // then said in 0 = out 0 (issue 15 item 4). Keeping the stage costs nothing measurable.
  "spark.sql.adaptive.optimizer.excludedRules":
    "org.apache.spark.sql.execution.adaptive.AQEPropagateEmptyRelation",
  // Lookups up to 64 MB (Spark's plan estimate) are broadcast: at 1 GB the example's customers
  // (51 MB of JSON lines) were a sort-merge join that shuffled every order by customer_id once
  // more; at 5 GB (250 MB) they stay a sort-merge join, so no lookup that size is held in memory.
  "spark.sql.autoBroadcastJoinThreshold": "64m",
};

/** A new run id: UTC time to the second, then 8 random hex digits (`20261130T072100-1a2b3c4d`). */
export function newRunId(): string {
  return `${new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "")}-${randomUUID().slice(0, 8)}`;
}

/**
 * Starts a run: an empty RunResult (status failed until publish succeeds), the `start` event,
 * then the session settings (RUN_CONF, the spec's `spark_conf`, `options.conf`, later ones win).
 * Throws SparkConnectError when the server refuses a setting.
 */
export async function startRun(
  spark: SparkSession,
  loaded: LoadedPipeline,
  options: RunOptions,
  runId: string,
  runTag: string,
): Promise<RunState> {
  const started = Date.now();
  const callsAtStart = spark.rpcCounts();
  const result: RunResult = {
    runId,
    status: "failed",
    error: undefined,
    pipeline: loaded.spec.name,
    specHash: loaded.specHash,
    specFile: loaded.file,
    sparkVersion: await spark.version(),
    startedAt: new Date(started).toISOString(),
    wallMs: 0,
    inputs: [],
    counts: undefined,
    actions: [],
    rules: [],
    spark: undefined,
    recovered: [],
    cached: [],
  };
  options.onProgress?.({
    type: "start",
    runId,
    runTag,
    pipeline: result.pipeline,
    startedAt: result.startedAt,
  });
  const specConf = Object.fromEntries(
    Object.entries(loaded.spec.spark_conf ?? {}).map(([k, v]) => [k, String(v)]),
  );
  // One Config round trip for all of them (a small run's fixed cost: bench/README.md).
  await spark.conf.setAll({ ...RUN_CONF, ...specConf, ...options.conf });
  return { spark, loaded, options, runId, runTag, started, callsAtStart, result };
}
