import { functions as F, type SparkSession } from "@kindling/spark-connect";

/**
 * An order-independent checksum of an output (Parquet by default, or a Delta table's current
 * version), computed by Spark: the row count and the sum of xxhash64 over every column of every
 * row (as a decimal: a sum of 64-bit hashes overflows a long). Two outputs with the same figures
 * hold the same rows.
 */
export async function outputChecksum(
  spark: SparkSession,
  path: string,
  format: "parquet" | "delta" = "parquet",
): Promise<{ rows: bigint; hash: string }> {
  const df = spark.read.format(format).load(path);
  const cols = (await df.columns()).map((c) => F.col(`\`${c}\``));
  const [r] = await df
    .agg(F.count(F.lit(1)).alias("n"), F.sum(F.xxhash64(...cols).cast("decimal(38,0)")).alias("h"))
    .collect();
  return { rows: r!.n as bigint, hash: String(r!.h) };
}
