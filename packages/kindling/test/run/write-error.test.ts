/**
 * A write that Spark fails is reported in one paragraph naming the output, its step and the root
 * cause from Spark's error chain (not just TASK_WRITE_FAILED), by the CLI as a user runs it.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { kindling } from "../support/cli.js";

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "kindling-write-error-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("a failed write", () => {
  it("names the output, its step and the root cause (a partition value colliding with __HIVE_DEFAULT_PARTITION__)", async () => {
    mkdirSync(join(dir, "in"));
    // Row 1's empty region is read as null; Spark writes nulls to region=__HIVE_DEFAULT_PARTITION__,
    // the same folder as row 2's literal value, and the second file there collides with the first.
    writeFileSync(join(dir, "in", "sales.csv"), "id,region\n1,\n2,__HIVE_DEFAULT_PARTITION__\n3,north\n");
    const spec = join(dir, "pipeline.yaml");
    writeFileSync(
      spec,
      `version: 1
name: collide
sources:
  sales:
    format: csv
    path: ${dir}/in/sales.csv
    options: { header: true }
    schema: [{ name: id, type: int }, { name: region, type: string }]
steps:
  - name: keep_all
    kind: filter
    input: sales
    where: "id > 0"
sinks:
  by_region: { input: keep_all, path: ${dir}/out, partition_by: [region] }
quarantine: { path: ${dir}/quarantine }
report: { path: ${dir}/report, formats: [json] }
`,
    );
    const r = await kindling(["run", spec, "--remote", inject("sparkRemote")]);
    expect(r.code, r.stderr).toBe(1);
    const lines = r.stderr.trim().split("\n");
    const error = lines.find((l) => l.includes("run failed:"));
    expect(error, r.stderr).toBeDefined();
    expect(error).toContain(
      `run failed: output by_region (from step keep_all) could not be written to ${dir}/out:`,
    );
    expect(error).toContain("[TASK_WRITE_FAILED]");
    expect(error).toMatch(
      /Root cause: org\.apache\.hadoop\.fs\.FileAlreadyExistsException: .*region=__HIVE_DEFAULT_PARTITION__\/part-/,
    );
    expect(error).toContain("a null and the text __HIVE_DEFAULT_PARTITION__ both become");
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(join(dir, "out"))).toBe(false); // nothing published
  });
});
