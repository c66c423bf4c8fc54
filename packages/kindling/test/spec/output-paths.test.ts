/** Output paths that stay inside: no `..` after parameter substitution, and inside `target_path`. */
import { describe, expect, it } from "vitest";
import { parsePipeline } from "../../src/spec/index.js";
import { specErrorOf } from "./support.js";

const spec = (extra = "") => `version: 1
name: paths
parameters:
  out_dir: { default: /data/out }
  name: { default: orders }
sources:
  orders: { format: csv, path: /data/in.csv }
sinks:
  clean:
    input: orders
    path: \${out_dir}/\${name}
quarantine:
  path: \${out_dir}/quarantine
report:
  path: \${out_dir}/reports
${extra}`;

describe("output paths", () => {
  it("a parameter that brings '..' into a sink path is a spec error at file:line with the YAML path", async () => {
    const err = await specErrorOf(() =>
      parsePipeline(spec(), "p.yaml", { set: { name: "../../victim" }, env: {} }),
    );
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({ file: "p.yaml", line: 11, path: "sinks.clean.path" });
    expect(err.message).toContain(
      'p.yaml:11:11 sinks.clean.path: an output path must not contain a ".." segment (after parameter substitution it is "/data/out/../../victim")',
    );
  });

  it("'..' in the quarantine and report paths too, and in s3a:// URLs", async () => {
    const err = await specErrorOf(() =>
      parsePipeline(spec(), "p.yaml", { set: { out_dir: "s3a://lake/out/.." }, env: {} }),
    );
    expect(err.issues.map((i) => i.path)).toEqual(["sinks.clean.path", "quarantine.path", "report.path"]);
  });

  it("with target_path, every output must resolve strictly inside it", async () => {
    const err = await specErrorOf(() =>
      parsePipeline(spec("target_path: /data/out/run\n"), "p.yaml", { env: {} }),
    );
    expect(err.issues.map((i) => i.path)).toEqual(["sinks.clean.path", "quarantine.path", "report.path"]);
    expect(err.issues[0]!.message).toBe(
      '"/data/out/orders" resolves to /data/out/orders, outside target_path /data/out/run: put it under target_path, or change target_path',
    );
    expect(() =>
      parsePipeline(spec("target_path: /data/out\n"), "p.yaml", { set: { name: "a/b" }, env: {} }),
    ).not.toThrow();
  });

  it("a name that only contains dots is fine", () => {
    expect(() => parsePipeline(spec(), "p.yaml", { set: { name: "v1..2" }, env: {} })).not.toThrow();
  });
});
