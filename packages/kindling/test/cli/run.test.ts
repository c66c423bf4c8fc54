/**
 * The CLI as a user runs it: exit codes, JSON output, plan, schema drift, and a run killed with
 * SIGKILL in the middle of its writes (the previous output must stay intact).
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SparkSession } from "@kindling/spark-connect";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { scaled } from "../../../spark-connect/test/support/timeouts.js";
import { checksum, examplePipeline, smallDataset } from "../pipeline/support.js";
import { kindling, startKindling } from "../support/cli.js";

let remote: string;
let spark: SparkSession;
let dir: string;

const LIMIT = { timeoutMs: scaled(300_000) };

beforeAll(async () => {
  remote = inject("sparkRemote");
  spark = await SparkSession.builder().remote(remote).getOrCreate();
  ({ dir } = await smallDataset(120_000, 11));
});
afterAll(async () => {
  await spark?.stop();
});

describe("kindling CLI", () => {
  it("validate: a bad spec exits 2 and names file:line:column", async () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(
      bad,
      "version: 1\nname: x\nsources:\n  s:\n    format: cvs\n    path: a.csv\nsinks:\n  o: { input: s, path: out }\n",
    );
    const r = await kindling(["validate", bad], LIMIT);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:5:13`);
    expect(r.stderr).toMatch(/did you mean "csv"/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("run --json: exit 0 and the run result on stdout", async () => {
    const r = await kindling(
      [
        "run",
        examplePipeline,
        "--remote",
        remote,
        "--json",
        "--set",
        `data_dir=${dir}`,
        "--set",
        `out_dir=${join(dir, "out")}`,
      ],
      LIMIT,
    );
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.status).toBe("succeeded");
    expect(result.counts.reconciliations[0].holds).toBe(true);
    expect(result.reports.some((p: string) => p.endsWith("report.html"))).toBe(true);
  });

  it("plan: prints every step's schema resolved by Spark", async () => {
    const r = await kindling(
      ["plan", examplePipeline, "--remote", remote, "--set", `data_dir=${dir}`],
      LIMIT,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/enrich step enrich_orders ← clean_orders/);
    expect(r.stdout).toMatch(/revenue: decimal\(\d+,2\)/);
    expect(r.stdout).toMatch(/sink orders_clean ← enrich_orders: parquet/);
  });

  it("a run killed with SIGKILL mid-write leaves the previous output intact, and the next run recovers", async () => {
    const out = join(dir, "out");
    const before = await checksum(spark, join(out, "orders_clean"));
    const cli = startKindling([
      "run",
      examplePipeline,
      "--remote",
      remote,
      "--set",
      `data_dir=${dir}`,
      "--set",
      `out_dir=${out}`,
    ]);
    await cli.waitForOutput("[1/3] orders_clean");
    // Well into the first output's write, not at its very start.
    await new Promise((r) => setTimeout(r, 1500));
    cli.child.kill("SIGKILL");
    await cli.finished;
    await spark.interruptAll().catch(() => undefined);
    expect(await checksum(spark, join(out, "orders_clean"))).toBe(before);
    const again = await kindling(
      ["run", examplePipeline, "--remote", remote, "--set", `data_dir=${dir}`, "--set", `out_dir=${out}`],
      LIMIT,
    );
    expect(again.code, again.stderr).toBe(0);
    // The new run cleaned up after itself; only the killed run's folder may remain while its
    // orphaned Spark job finishes (the next run removes it).
    const staging = join(out, ".kindling-staging");
    expect(existsSync(staging) ? readdirSync(staging).length : 0).toBeLessThanOrEqual(1);
    expect(await checksum(spark, join(out, "orders_clean"))).toBe(before);
  });

  it("schema drift: an extra column fails the run (exit 1) naming the file; drift: accept keeps it and reports it", async () => {
    const d = join(dir, "drift");
    mkdirSync(join(d, "in"), { recursive: true });
    writeFileSync(join(d, "in", "a.csv"), "id,name\n1,ann\n");
    writeFileSync(join(d, "in", "b.csv"), "id,name,extra\n2,bob,x\n");
    const { failed, groups } = await runBothDriftPolicies(
      d,
      "csv",
      `${d}/in/*.csv`,
      "options: { header: true }",
    );
    expect(failed).toMatch(/b\.csv/);
    expect(groups).toEqual([
      { files: [`file://${d}/in/b.csv`], added: ["extra"], missing: [], reordered: false },
    ]);
    expect(await spark.read.parquet(join(d, "out-accept")).orderBy("id").collect()).toEqual([
      { id: 1, name: "ann", extra: null },
      { id: 2, name: "bob", extra: "x" },
    ]);
  });

  it("schema drift in JSON lines: every file's first records are checked, so a field new in a later file is seen", async () => {
    const d = join(dir, "drift-jsonl");
    mkdirSync(join(d, "in"), { recursive: true });
    // 1,500 records without the new field first: a sample of the first records overall would miss it.
    const a = Array.from({ length: 1500 }, (_, i) => JSON.stringify({ id: i, name: `n${i}` }));
    writeFileSync(join(d, "in", "a.jsonl"), `${a.join("\n")}\n`);
    writeFileSync(
      join(d, "in", "b.jsonl"),
      `${JSON.stringify({ id: 9000, name: "bob", tags: { vip: true } })}\n`,
    );
    const { failed, groups } = await runBothDriftPolicies(d, "jsonl", `${d}/in/*.jsonl`);
    expect(failed).toMatch(/b\.jsonl: added tags/);
    expect(groups).toEqual([
      { files: [`file://${d}/in/b.jsonl`], added: ["tags"], missing: [], reordered: false },
    ]);
    // The added field is kept as its JSON text: no value is dropped.
    expect(await spark.read.parquet(join(d, "out-accept")).filter("id = 9000").collect()).toEqual([
      { id: 9000, name: "bob", tags: '{"vip":true}' },
    ]);
  });

  it("schema drift in Parquet: each file's own columns are checked; drift: accept reads an added column with its type", async () => {
    const d = join(dir, "drift-parquet");
    const write = async (query: string, to: string) =>
      (await spark.sql(query)).coalesce(1).write.parquet(join(d, "in", to));
    await write("SELECT 1 AS id, 'ann' AS name", "a");
    await write("SELECT 2 AS id, 'bob' AS name, 2.5D AS score", "b");
    const { failed, groups } = await runBothDriftPolicies(d, "parquet", `${d}/in/*/*.parquet`);
    expect(failed).toMatch(/in\/b\/part-.*\.parquet: added score/);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ added: ["score"], missing: [], reordered: false });
    expect(groups[0]!.files[0]).toMatch(/in\/b\/part-/);
    expect(await spark.read.parquet(join(d, "out-accept")).orderBy("id").collect()).toEqual([
      { id: 1, name: "ann", score: null },
      { id: 2, name: "bob", score: 2.5 },
    ]);
  });
});

/**
 * Runs a one-source pipeline over `path` (declared columns id:int, name:string) with `drift: fail`
 * (it must exit 1 and publish nothing) and with `drift: accept` (exit 0). Returns the failed run's
 * output and the accepted run's drift groups; the accepted output is in `<d>/out-accept`.
 */
async function runBothDriftPolicies(d: string, format: string, path: string, extra = "") {
  const spec = (policy: string) => `version: 1
name: drift_${format}
sources:
  people:
    format: ${format}
    path: ${path}
    schema: [{ name: id, type: int }, { name: name, type: string }]
    ${extra}
    drift: ${policy}
steps: []
sinks:
  out: { input: people, path: ${d}/out-${policy} }
quarantine: { path: ${d}/q-${policy} }
report: { path: ${d}/report-${policy}, formats: [json] }
`;
  writeFileSync(join(d, "fail.yaml"), spec("fail"));
  const failed = await kindling(["run", join(d, "fail.yaml"), "--remote", remote], LIMIT);
  expect(failed.code).toBe(1);
  expect(existsSync(join(d, "out-fail"))).toBe(false);
  writeFileSync(join(d, "accept.yaml"), spec("accept"));
  const accepted = await kindling(["run", join(d, "accept.yaml"), "--remote", remote, "--json"], LIMIT);
  expect(accepted.code, accepted.stderr).toBe(0);
  return {
    failed: failed.stderr + failed.stdout,
    groups: JSON.parse(accepted.stdout).inputs[0].drift.groups as { files: string[] }[],
  };
}
