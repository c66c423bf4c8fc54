/**
 * A Delta table as a pipeline source, optionally as of an earlier version or timestamp (Delta's
 * time travel: the reader options `versionAsOf` / `timestampAsOf`).
 */
import { functions as F, type SparkSession } from "@kindling/spark-connect";
import { BLOCK, CORRUPT, FILE, SEQ } from "../compile/hidden.js";
import { sourceCounts, sourceMetric } from "../compile/metrics.js";
import type { CompiledSource } from "../compile/read.js";
import type { SourceSpec } from "../spec/index.js";

/**
 * Compiles a `format: delta` source. The table's own schema is used (the spec refuses `schema`);
 * Delta rows are never malformed, so there is no malformed branch. Like file sources it carries
 * the hidden position columns (the data file and offset each row came from).
 */
export function compileDeltaSource(
  spark: SparkSession,
  name: string,
  spec: SourceSpec,
  paths: string[],
): CompiledSource {
  let reader = spark.read.format("delta");
  if (spec.version !== undefined) reader = reader.option("versionAsOf", spec.version);
  if (spec.timestamp !== undefined) reader = reader.option("timestampAsOf", spec.timestamp);
  const all = reader.load(...paths).withColumns({
    [FILE]: F.expr("input_file_name()"),
    [BLOCK]: F.expr("input_file_block_start()"),
    [SEQ]: F.monotonicallyIncreasingId(),
    [CORRUPT]: F.lit(null).cast("string"),
  });
  return {
    name,
    spec,
    paths,
    all,
    valid: all.observe(sourceMetric(name), ...sourceCounts()),
    malformed: undefined,
    firstDataColumn: undefined,
    drift: undefined,
  };
}
