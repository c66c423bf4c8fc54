import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SparkSession } from "@kindling/spark-connect";
import { canonical } from "../../../spark-connect/test/support/session.js";
import { type RunResult, runPipeline } from "../../src/run/runner.js";
import { loadPipeline } from "../../src/spec/index.js";

/** A fresh folder for one test's input files. */
export function inputDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `kindling-${prefix}-`));
}

/** Writes `files` (name → bytes or text) into `dir`/data and returns that folder. */
export function writeInputs(dir: string, files: Record<string, string | Buffer>): string {
  const data = join(dir, "data");
  mkdirSync(data, { recursive: true });
  for (const [name, body] of Object.entries(files)) writeFileSync(join(data, name), body);
  return data;
}

export interface OneSourceRun {
  /** The run's result; undefined when compiling failed (then `error` says why). */
  result: RunResult | undefined;
  /** The run's error message (from a failed run or from compiling), if any. */
  error: string | undefined;
  /** The sink's rows, canonical (see canonical()), when the run succeeded. */
  rows: string[];
  /** The output's column names in order. */
  columns: string[];
  /** Quarantine rows as [rule, record], sorted. */
  quarantined: [string, string][];
}

/**
 * Runs a pipeline with one source `s` (its YAML body given, indented under the source) written
 * straight to a Parquet sink, in-process on the test's Spark session.
 */
export async function runOneSource(
  spark: SparkSession,
  dir: string,
  sourceYaml: string,
): Promise<OneSourceRun> {
  const run = mkdtempSync(join(dir, "run-"));
  const body = sourceYaml
    .trim()
    .split("\n")
    .map((l) => `    ${l}`)
    .join("\n");
  const file = join(run, "p.yaml");
  writeFileSync(
    file,
    `version: 1
name: inputs
sources:
  s:
${body}
steps: []
sinks:
  out: { input: s, path: ${join(run, "out")} }
quarantine: { path: ${join(run, "q")} }
report: { path: ${join(run, "report")}, formats: [json] }
`,
  );
  const loaded = await loadPipeline(file, { set: {}, env: {} });
  const result = await runPipeline(spark, loaded).catch((e: unknown) => e as Error);
  if (result instanceof Error)
    return { result: undefined, error: result.message, rows: [], columns: [], quarantined: [] };
  if (result.status !== "succeeded")
    return { result, error: result.error, rows: [], columns: [], quarantined: [] };
  const out = spark.read.parquet(join(run, "out"));
  const q = await spark.read
    .parquet(join(run, "q"))
    .collect()
    .catch(() => []);
  return {
    result,
    error: undefined,
    rows: canonical(await out.collect()),
    columns: await out.columns(),
    quarantined: q.map((r) => [String(r.rule), String(r.record)] as [string, string]).sort(),
  };
}
