/**
 * Prints a row-level checksum of Parquet outputs: the row count and the sum of a 64-bit hash of
 * every row (all columns, partition columns included), computed by Spark. Two outputs with the
 * same figures hold the same rows (order aside). Used by infra/k8s/e2e.sh to compare a run on
 * the cluster (s3a:// paths through its Spark Connect driver) with a local run (file paths).
 *
 *   node --import tsx infra/k8s/jobs/checksum.ts <sc://host:port | local[*]> <path>...
 * Prints one JSON line per path: {"path", "rows", "checksum"}. Exits 1 when a path cannot be read.
 */
import { outputChecksum } from "@kindling/kindling";
import { SparkSession } from "@kindling/spark-connect";

const [url, ...paths] = process.argv.slice(2);
if (!url || paths.length === 0) {
  process.stderr.write("usage: checksum.ts <sc://host:port | local[*]> <path>...\n");
  process.exit(2);
}
const spark = await SparkSession.builder().remote(url).getOrCreate();
try {
  for (const path of paths) {
    const c = await outputChecksum(spark, path);
    process.stdout.write(`${JSON.stringify({ path, rows: String(c.rows), checksum: c.hash })}\n`);
  }
} catch (err) {
  process.stderr.write(`checksum failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
} finally {
  await spark.stop();
}
