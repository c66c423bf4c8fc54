import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { pipelineJsonSchema } from "../../src/spec/index.js";
import { PIPELINE_SCHEMA_FILE } from "../../src/spec/write-json-schema.js";

describe("the JSON Schema for editors", () => {
  it("matches the committed pipelines/pipeline.schema.json (run `npm run -w @kindling/kindling schema`)", () => {
    const committed = JSON.parse(readFileSync(PIPELINE_SCHEMA_FILE, "utf8"));
    expect(committed).toEqual(pipelineJsonSchema());
  });

  it("is generated from the zod source: strict objects, step kinds and defaults", () => {
    const schema = pipelineJsonSchema() as {
      additionalProperties: boolean;
      required: string[];
      properties: Record<string, { items?: { oneOf?: { properties: { kind: { const: string } } }[] } }>;
    };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(["name", "sources", "sinks"]);
    const kinds = schema.properties.steps?.items?.oneOf?.map((o) => o.properties.kind.const);
    expect(kinds).toEqual(["clean", "enrich", "aggregate", "filter", "select"]);
  });
});
