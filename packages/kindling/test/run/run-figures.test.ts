/** report.json's cost figures: Spark jobs, gRPC round trips by method, MB/s of raw input per core. */
import { join } from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import type { SparkSession } from "../../../spark-connect/src/index.js";
import { testSession } from "../../../spark-connect/test/support/session.js";
import { renderJson } from "../../src/report/index.js";
import { callsBetween, runFigures } from "../../src/run/run-figures.js";
import { runPipeline } from "../../src/run/runner.js";
import { parsePipeline } from "../../src/spec/index.js";
import { folderWith } from "./support.js";

let spark: SparkSession;
beforeAll(async () => {
  spark = await testSession();
});

const SPEC = `
name: figures
sources:
  cases:
    format: csv
    path: cases.csv
    schema: "case_number STRING, status STRING"
    options: { header: true }
steps:
  - name: clean_cases
    kind: clean
    input: cases
    rules:
      - { name: known_status, check: accepted_values, column: status, values: [open, closed] }
sinks:
  out: { input: clean_cases, path: out/cases }
quarantine: { path: out/quarantine }
`;

/** The run's jobs as the Spark UI lists them (the run id is inside its tag). */
async function jobsOfRun(ui: string, runId: string): Promise<{ jobTags: string[] }[]> {
  const app = ((await (await fetch(`${ui}/api/v1/applications`)).json()) as { id: string }[])[0]!.id;
  const jobs = (await (await fetch(`${ui}/api/v1/applications/${app}/jobs`)).json()) as {
    jobTags?: string[];
  }[];
  return jobs
    .map((j) => ({ jobTags: j.jobTags ?? [] }))
    .filter((j) => j.jobTags.some((t) => t.includes(`kindling-run-${runId}`)));
}

describe("a run reports its Spark jobs and round trips", { timeout: 600_000 }, () => {
  it("report.json carries sparkJobs, roundTrips by method and mbPerSecPerCore, matching the UI", async () => {
    const dir = folderWith({ "cases.csv": "case_number,status\nA1,open\nA2,closed\nA3,lost\n" });
    const ui = `http://127.0.0.1:${inject("sparkUiPort")}`;
    const loaded = parsePipeline(SPEC, join(dir, "pipeline.yaml"), { env: {} });
    const run = await runPipeline(spark, loaded, { baseDir: dir, sparkUi: ui });
    expect(run.error).toBeUndefined();
    expect(run.actions.map((a) => [a.name, a.rows])).toEqual([
      ["out", 2],
      ["quarantine", 1],
    ]);
    const jobs = await jobsOfRun(ui, run.runId);
    expect(jobs.length).toBeGreaterThan(0);
    expect(run.sparkJobs).toBe(jobs.length);
    // Each ExecutePlan of the run started Spark jobs under its own operation tag.
    const operations = new Set(jobs.flatMap((j) => j.jobTags.filter((t) => /_Operation_/.test(t))));
    expect(run.roundTrips?.ExecutePlan).toBe(operations.size);
    // The run's settings go in one Config call; each finished operation is released once at least.
    expect(run.roundTrips?.Config).toBe(1);
    expect(run.roundTrips?.ReleaseExecute).toBeGreaterThanOrEqual(operations.size);
    const bytes = run.inputs.reduce((n, i) => n + i.bytes, 0);
    expect(bytes).toBe(Buffer.byteLength("case_number,status\nA1,open\nA2,closed\nA3,lost\n"));
    const cores = run.spark!.cores ?? 0;
    expect(cores).toBeGreaterThan(0);
    expect(run.mbPerSecPerCore).toBe(Number((bytes / 2 ** 20 / (run.wallMs / 1000) / cores).toFixed(3)));
    const json = JSON.parse(renderJson(run));
    expect(json).toMatchObject({
      sparkJobs: run.sparkJobs,
      roundTrips: run.roundTrips,
      mbPerSecPerCore: run.mbPerSecPerCore,
    });
  });
});

describe("run figures (pure)", () => {
  it("callsBetween keeps only the methods that moved", () => {
    expect(
      callsBetween({ ExecutePlan: 2, Config: 1 }, { ExecutePlan: 5, Config: 1, AnalyzePlan: 3 }),
    ).toEqual({ ExecutePlan: 3, AnalyzePlan: 3 });
  });

  it("runFigures divides MB by seconds and cores, and gives up without the UI", () => {
    const stats = { applicationId: "a", jobs: 7, cores: 2, stages: [], executors: [] };
    expect(runFigures(stats, { Config: 1 }, 10 * 2 ** 20, 5_000)).toEqual({
      sparkJobs: 7,
      roundTrips: { Config: 1 },
      mbPerSecPerCore: 1,
    });
    expect(runFigures(undefined, {}, 10 * 2 ** 20, 5_000)).toEqual({
      sparkJobs: undefined,
      roundTrips: {},
      mbPerSecPerCore: undefined,
    });
  });
});
