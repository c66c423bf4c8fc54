import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { loadPipeline, parsePipeline, pipelineGraph } from "../../src/spec/index.js";
import { REPO_ROOT } from "./support.js";

describe("pipelines/example.yaml", () => {
  beforeAll(() => process.chdir(REPO_ROOT));

  it("parses, with defaults applied and every step's input filled in", async () => {
    const { spec, parameters } = await loadPipeline("pipelines/example.yaml", { env: {} });
    expect(parameters).toEqual({ data_dir: "data", out_dir: "out" });
    expect(spec.sources.orders?.path).toBe("data/raw/orders/*.csv");
    expect(spec.sinks.orders_clean).toMatchObject({
      format: "parquet",
      partition_by: ["order_date"],
      mode: "overwrite",
    });
    expect(spec.sinks.daily_revenue).toMatchObject({
      format: "parquet",
      mode: "overwrite",
      dynamic_partition_overwrite: false,
    });
    expect(spec.steps.map((s) => [s.name, s.kind, s.input])).toEqual([
      ["validate_orders", "clean", "orders"],
      ["clean_orders", "clean", "validate_orders"],
      ["clean_customers", "clean", "customers"],
      ["enrich_orders", "enrich", "clean_orders"],
      ["daily_revenue", "aggregate", "enrich_orders"],
      ["daily_summary", "select", "daily_revenue"],
    ]);
    expect(spec.quarantine).toEqual({ path: "out/quarantine", format: "parquet" });
    expect(spec.report).toEqual({ path: "out/reports", formats: ["json", "md", "html"] });
  });

  it("propagates declared columns and types through every step", async () => {
    const { spec } = await loadPipeline("pipelines/example.yaml", { env: {} });
    const graph = pipelineGraph(spec);
    const show = (name: string) => graph.columns(name)?.map((c) => `${c.name}:${c.type ?? "?"}`);
    expect(show("clean_orders")).toEqual([
      "order_id:string",
      "customer_id:string",
      "product_id:string",
      "order_ts:timestamp",
      "quantity:int",
      "unit_price:decimal(10,2)",
      "status:string",
      "country:string",
      "channel:string",
    ]);
    expect(show("enrich_orders")?.slice(9)).toEqual([
      "customer_segment:string",
      "customer_country:string",
      "product_name:string",
      "product_category:string",
      "revenue:?",
      "order_date:date",
      "order_year:int",
      "order_month:int",
      "order_day:int",
      "order_dayofweek:int",
      "order_hour:int",
    ]);
    expect(show("daily_summary")).toEqual([
      "order_date:date",
      "country:string",
      "category:string",
      "revenue:?",
      "orders:bigint",
      "units:?",
      "customers:bigint",
      "revenue_to_date:?",
    ]);
    expect(pipelineGraph(spec).order).toEqual([
      "validate_orders",
      "clean_orders",
      "clean_customers",
      "enrich_orders",
      "daily_revenue",
      "daily_summary",
    ]);
  });

  it("knows no columns downstream of a source without a declared schema", () => {
    const { spec } = parsePipeline(
      `name: x
sources:
  raw: { format: parquet, path: data/raw, malformed: fail }
steps:
  - { name: picked, kind: select, input: raw, columns: [anything_at_all] }
sinks:
  out: { input: picked, path: out, partition_by: [whatever] }
`,
      "x.yaml",
      { env: {} },
    );
    expect(pipelineGraph(spec).columns("picked")).toBeUndefined();
  });

  it("hashes the same pipeline the same way however its YAML is laid out", () => {
    const a = parsePipeline(
      "name: h\nsources:\n  s: { format: parquet, path: p, malformed: fail }\nsinks:\n  o: { input: s, path: out }\n",
      "a.yaml",
      { env: {} },
    );
    const b = parsePipeline(
      "sinks:\n  o:\n    path: out\n    input: s\n    format: parquet\nsources:\n  s:\n    malformed: fail\n    path: p\n    format: parquet\nname: h\n",
      "b.yaml",
      { env: {} },
    );
    expect(a.specHash).toBe(b.specHash);
    expect(a.sourceText).not.toBe(b.sourceText);
  });

  it("is quoted verbatim in docs/pipeline-spec.md", () => {
    const docs = readFileSync("docs/pipeline-spec.md", "utf8");
    expect(docs).toContain(`\`\`\`yaml\n${readFileSync("pipelines/example.yaml", "utf8")}\`\`\``);
  });
});
