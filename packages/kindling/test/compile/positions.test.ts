import { describe, expect, it } from "vitest";
import { loadPipeline, type PipelineSpec, pipelineGraph } from "../../src/spec/index.js";

describe("position columns (file, block, sequence) are kept only where a later step reads them", () => {
  it("example pipeline: kept for the steps feeding a dedupe or a quarantine, dropped after them", async () => {
    const { spec } = await loadPipeline("pipelines/example.yaml", { set: {}, env: {} });
    // orders → validate_orders (quarantines) → clean_orders (dedupes) → enrich_orders → …;
    // customers → clean_customers (dedupes); products is only a lookup.
    expect([...pipelineGraph(spec).positionReaders()].sort()).toEqual([
      "customers",
      "orders",
      "validate_orders",
    ]);
  });

  it("an enrich step that quarantines unmatched rows keeps them on its input chain", async () => {
    const { spec } = await loadPipeline("pipelines/example.yaml", { set: {}, env: {} });
    const changed: PipelineSpec = {
      ...spec,
      steps: spec.steps.map((s) =>
        s.kind === "enrich"
          ? {
              ...s,
              joins: s.joins?.map((j, i) => (i === 0 ? { ...j, unmatched: "quarantine" as const } : j)),
            }
          : s,
      ),
    };
    expect([...pipelineGraph(changed).positionReaders()].sort()).toEqual([
      "clean_orders",
      "customers",
      "orders",
      "validate_orders",
    ]);
  });
});
