import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { functions as F, type SparkSession } from "@kindling/spark-connect";
import { generate } from "../../src/datagen/index.js";

export const repoRoot = join(import.meta.dirname, "..", "..", "..", "..");
export const examplePipeline = join(repoRoot, "pipelines", "example.yaml");

/** A fresh folder with a small generated dataset under raw/. */
export async function smallDataset(rows = 20_000, seed = 7) {
  const dir = mkdtempSync(join(tmpdir(), "kindling-e2e-"));
  const { manifest } = await generate({ outDir: join(dir, "raw"), rows, seed });
  return { dir, manifest };
}

/**
 * An order-independent checksum of a Parquet output: the sum of xxhash64 over every row, plus
 * the row count. Two outputs with the same rows give the same checksum.
 */
export async function checksum(spark: SparkSession, path: string): Promise<string> {
  const df = spark.read.parquet(path);
  const cols = (await df.columns()).map((c) => F.col(`\`${c}\``));
  const [r] = await df
    .agg(F.count(F.lit(1)).alias("n"), F.sum(F.xxhash64(...cols).cast("decimal(38,0)")).alias("h"))
    .collect();
  return `${r!.n}:${r!.h}`;
}
