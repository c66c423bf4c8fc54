import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SparkSession } from "@kindling/spark-connect";
import { generate } from "../../src/datagen/index.js";
import { outputChecksum } from "../../src/run/checksum.js";

export const repoRoot = join(import.meta.dirname, "..", "..", "..", "..");
export const examplePipeline = join(repoRoot, "pipelines", "example.yaml");

/** A fresh folder with a small generated dataset under raw/. */
export async function smallDataset(rows = 20_000, seed = 7) {
  const dir = mkdtempSync(join(tmpdir(), "kindling-e2e-"));
  const { manifest } = await generate({ outDir: join(dir, "raw"), rows, seed });
  return { dir, manifest };
}

/** An order-independent checksum of a Parquet output, as "rows:hash" (see run/checksum.ts). */
export async function checksum(spark: SparkSession, path: string): Promise<string> {
  const c = await outputChecksum(spark, path);
  return `${c.rows}:${c.hash}`;
}
