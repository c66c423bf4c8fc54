// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${name} is the pipeline spec's parameter syntax, not a mistake.
import { describe, expect, it } from "vitest";
import { parsePipeline, validatePipeline } from "../../src/spec/index.js";
import { specErrorOf } from "./support.js";

const yaml = (path: string, extra = "") => `
name: params
parameters:
  data_dir: { default: data }
  min_qty: { default: 1 }
sources:
  orders:
    format: parquet
    path: ${path}
    malformed: fail
sinks:
  out: { input: orders, path: out }
${extra}`;

describe("parameters", () => {
  it("uses the default when nothing else is given", () => {
    const { spec, parameters } = parsePipeline(yaml("${data_dir}/orders"), "p.yaml", { env: {} });
    expect(spec.sources.orders?.path).toBe("data/orders");
    expect(parameters).toEqual({ data_dir: "data", min_qty: "1" });
  });

  it("lets KINDLING_PARAM_<NAME> override the default", () => {
    const { spec } = parsePipeline(yaml("${data_dir}/orders"), "p.yaml", {
      env: { KINDLING_PARAM_DATA_DIR: "/env" },
    });
    expect(spec.sources.orders?.path).toBe("/env/orders");
  });

  it("lets --set override the environment", () => {
    const { spec } = parsePipeline(yaml("${data_dir}/orders"), "p.yaml", {
      env: { KINDLING_PARAM_DATA_DIR: "/env" },
      set: { data_dir: "s3a://bucket/raw" },
    });
    expect(spec.sources.orders?.path).toBe("s3a://bucket/raw/orders");
  });

  it("changes the spec hash when a parameter value changes", () => {
    const a = parsePipeline(yaml("${data_dir}/orders"), "p.yaml", { env: {} });
    const b = parsePipeline(yaml("${data_dir}/orders"), "p.yaml", { env: {}, set: { data_dir: "other" } });
    expect(a.specHash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.specHash).not.toBe(b.specHash);
  });

  it("reads $${ as a literal ${", () => {
    const { spec } = parsePipeline(yaml("'$${data_dir}/x'"), "p.yaml", { env: {} });
    expect(spec.sources.orders?.path).toBe("${data_dir}/x");
  });

  it("gives an unquoted whole reference the type YAML would, and keeps a quoted one a string", () => {
    const extra = `steps:
  - name: c
    kind: clean
    input: orders
    rules:
      - check: range
        column: qty
        min: \${min_qty}
        severity: drop
      - { check: range, column: qty, max: "\${min_qty}", severity: drop }`;
    const { spec } = parsePipeline(yaml("${data_dir}", extra), "p.yaml", { env: {}, set: { min_qty: "5" } });
    const clean = spec.steps[0]!;
    expect(
      clean.kind === "clean" && clean.rules?.map((r) => (r.check === "range" ? [r.min, r.max] : [])),
    ).toEqual([
      [5, undefined],
      [undefined, "5"],
    ]);
  });

  it("explains that an unquoted reference inside { } is a YAML error", async () => {
    const extra = "report: { path: ${data_dir}/report }";
    const error = await specErrorOf(() => parsePipeline(yaml("x", extra), "p.yaml", { env: {} }));
    expect(error.issues.map((i) => `${i.line}:${i.column} ${i.message}`)).toEqual([
      "13:18 YAML syntax error: Unexpected flow-map-start at node end (in { } or [ ], quote values that use ${...})",
    ]);
  });

  it("rejects --set for a parameter the pipeline does not declare", async () => {
    const error = await specErrorOf(() =>
      parsePipeline(yaml("${data_dir}"), "p.yaml", { env: {}, set: { data_dri: "x" } }),
    );
    expect(error.issues.map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`)).toEqual([
      '3:1 parameters: --set names a parameter the pipeline does not declare: "data_dri" — did you mean "data_dir"?',
    ]);
  });

  it("ignores KINDLING_PARAM_ variables for parameters that are not declared", () => {
    expect(() =>
      parsePipeline(yaml("${data_dir}"), "p.yaml", { env: { KINDLING_PARAM_OTHER: "x" } }),
    ).not.toThrow();
  });

  it("substitutes parameters in specs built in TypeScript with the same precedence", () => {
    const spec = {
      name: "ts",
      parameters: { root: { default: "data" } },
      sources: { orders: { format: "parquet", path: "${root}/orders", malformed: "fail" } },
      sinks: { out: { input: "orders", path: "${root}/out" } },
    };
    expect(validatePipeline(spec, { env: {} }).sources.orders?.path).toBe("data/orders");
    expect(validatePipeline(spec, { env: { KINDLING_PARAM_ROOT: "e" } }).sources.orders?.path).toBe(
      "e/orders",
    );
    expect(
      validatePipeline(spec, { env: { KINDLING_PARAM_ROOT: "e" }, set: { root: "s" } }).sinks.out?.path,
    ).toBe("s/out");
  });
});
