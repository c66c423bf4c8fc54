import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SparkSession } from "@kindling/spark-connect";
import type { RunResult } from "../../src/run/runner.js";
import { runPipeline } from "../../src/run/runner.js";
import { parsePipeline } from "../../src/spec/index.js";

/** A fresh folder holding `files` (relative path → text), for one pipeline run. */
export function folderWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "kindling-run-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** Parses `yaml` as if it were `<dir>/pipeline.yaml` and runs it with `dir` as the base folder. */
export async function runYaml(spark: SparkSession, dir: string, yaml: string): Promise<RunResult> {
  const loaded = parsePipeline(yaml, join(dir, "pipeline.yaml"), { env: {} });
  return runPipeline(spark, loaded, { baseDir: dir });
}

/** Every row of a Parquet output, as plain objects sorted by `by`. */
export async function readRows(
  spark: SparkSession,
  path: string,
  by: string,
): Promise<Record<string, unknown>[]> {
  const rows = await spark.read.parquet(path).orderBy(by).collect();
  return rows.map((r) => ({ ...r }));
}

/** The step's record of a run, or a clear failure naming the run's error. */
export function stepOf(run: RunResult, name: string) {
  const step = run.counts?.steps.find((s) => s.name === name);
  if (!step) throw new Error(`no counts for step ${name} (run ${run.status}: ${run.error})`);
  return step;
}
