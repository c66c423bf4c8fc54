import { type Column, type DataFrame, type DataFrameWriter, functions as F } from "@kindling/spark-connect";
import type { PipelineSpec, SinkSpec } from "../spec/index.js";
import { q } from "./hidden.js";
import { QUARANTINE_METRIC } from "./metrics.js";

/**
 * The writer of one sink, ready for `save(stagingPath)`: mode overwrite (a run writes a fresh
 * staging folder; append and dynamic partition overwrite happen when it is published), the sink's
 * format, `partitionBy`, compression, a CSV header and the spec's own `options` last (so they win).
 * A Delta sink is written as Parquet: its staged rows are committed to the table afterwards
 * (delta/commit.ts). With `partition_by`, rows are first repartitioned by those columns, so each
 * partition folder gets one file instead of one per upstream task, unless `partitioned` says the
 * rows come so already (compile/sink-partitioning.ts).
 */
export function sinkWriter(df: DataFrame, sink: SinkSpec, partitioned = false): DataFrameWriter {
  const by = sink.partition_by ?? [];
  const out =
    by.length && !partitioned ? df.repartition(...(by.map((c) => F.col(q(c))) as [Column, ...Column[]])) : df;
  let w = out.write.mode("overwrite").format(sink.format === "delta" ? "parquet" : sink.format);
  if (by.length) w = w.partitionBy(...by);
  // Spark's CSV writer does not compress by default: snappy there means "as Spark does".
  if (sink.format !== "csv" || sink.compression !== "snappy") w = w.option("compression", sink.compression);
  if (sink.format === "csv") w = w.option("header", true);
  return w.options(sink.options ?? {});
}

/**
 * The quarantine's writer (undefined when no policy quarantines): every quarantined row, with
 * their number observed as {@link QUARANTINE_METRIC}, in the spec's quarantine format (Parquet
 * by default), mode overwrite (a fresh staging folder).
 */
export function quarantineWriter(
  quarantine: DataFrame | undefined,
  spec: PipelineSpec,
): DataFrameWriter | undefined {
  if (!quarantine) return undefined;
  const observed = quarantine.observe(QUARANTINE_METRIC, F.count(F.lit(1)).alias("rows"));
  return observed.write.mode("overwrite").format(spec.quarantine?.format ?? "parquet");
}
