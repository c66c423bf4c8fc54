import { describe, expect, it } from "vitest";
import { loadPipeline, pipelineGraph } from "../../src/spec/index.js";

const example = () => loadPipeline("pipelines/example.yaml", { set: {}, env: {} });

describe("PipelineGraph: one object answers the pipeline's graph questions", () => {
  it("carries the run order, inputs (input + lookups) and consumers of the example", async () => {
    const { graph } = await example();
    expect(graph.order).toEqual([
      "validate_orders",
      "clean_orders",
      "clean_customers",
      "enrich_orders",
      "daily_revenue",
      "daily_summary",
    ]);
    expect(graph.inputsOf("enrich_orders")).toEqual(["clean_orders", "clean_customers", "products"]);
    expect(graph.consumersOf("clean_orders")).toEqual(["enrich_orders"]);
    expect(graph.consumersOf("enrich_orders")).toEqual(["daily_revenue"]);
    expect(graph.consumersOf("orders_clean")).toEqual([]);
    expect(graph.kind("products")).toBe("source");
    expect(graph.kind("daily_revenue")).toBe("aggregate");
    expect(graph.kind("nope")).toBeUndefined();
  });

  it("answers lineage, row sources and the shared step to cache", async () => {
    const { graph } = await example();
    expect([...graph.lineage(["clean_customers"])].sort()).toEqual(["clean_customers", "customers"]);
    expect(graph.rowSource("enrich_orders")).toBe("orders");
    expect(graph.rowSource("daily_summary")).toBeUndefined();
    // Both sinks (orders_clean, daily_revenue) read enrich_orders; caching its ancestors too
    // would hold the same rows twice.
    expect(graph.sharedSteps()).toEqual(["enrich_orders"]);
    expect([...graph.written()].sort()).toEqual([
      "clean_customers",
      "clean_orders",
      "customers",
      "daily_revenue",
      "daily_summary",
      "enrich_orders",
      "orders",
      "products",
      "validate_orders",
    ]);
  });

  it("is the same graph whether loaded from a file or built from a spec value", async () => {
    const loaded = await example();
    const built = pipelineGraph(loaded.spec);
    expect(built.order).toEqual(loaded.graph.order);
    expect(built.sharedSteps()).toEqual(loaded.graph.sharedSteps());
    expect([...built.positionReaders()].sort()).toEqual([...loaded.graph.positionReaders()].sort());
    expect(built.columns("clean_orders")).toEqual(loaded.graph.columns("clean_orders"));
  });
});
