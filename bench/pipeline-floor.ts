/**
 * The Spark floor of the example pipeline: read the raw orders CSV with the pipeline's own read
 * options (schema, header, multiLine, quote/escape, corrupt-record column) and write it as Parquet.
 * No cleaning, no joins, no aggregates: a job cannot read and write that input faster through Spark
 * on the same server, so the pipeline is reported as a ratio to it (issue: "near Spark's own limit").
 */
import type { SparkSession } from "@kindling/spark-connect";

/** The example's orders columns, all strings, and the corrupt-record column. */
export const ORDERS_SCHEMA =
  "order_id STRING, customer_id STRING, product_id STRING, order_ts STRING, quantity STRING, " +
  "unit_price STRING, status STRING, country STRING, channel STRING, _corrupt STRING";

/** The example pipeline's read options for the orders CSV (pipelines/example.yaml). */
export const ORDERS_READ_OPTIONS: Record<string, string> = {
  header: "true",
  multiLine: "true",
  quote: '"',
  escape: '"',
  encoding: "UTF-8",
  mode: "PERMISSIVE",
  columnNameOfCorruptRecord: "_corrupt",
  enforceSchema: "false",
};

/** Reads `<dataDir>/raw/orders/*.csv` as the example pipeline does and writes it to `<outDir>/floor`. */
export async function sparkFloor(spark: SparkSession, dataDir: string, outDir: string): Promise<void> {
  await spark.read
    .schema(ORDERS_SCHEMA)
    .options(ORDERS_READ_OPTIONS)
    .csv(`${dataDir}/raw/orders/*.csv`)
    .write.mode("overwrite")
    .parquet(`${outDir}/floor`);
}
