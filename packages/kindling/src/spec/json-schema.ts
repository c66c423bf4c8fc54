/** The JSON Schema editors use to complete and check pipeline YAML, generated from the zod schemas. */
import { z } from "zod";
import { PipelineSchema } from "./schema.js";

/**
 * The JSON Schema (draft-07, the draft YAML editors support best) for pipeline files, describing the spec
 * as written (defaults are optional). Returns a fresh object each call.
 */
export function pipelineJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(PipelineSchema, { io: "input", target: "draft-7" }) as Record<
    string,
    unknown
  >;
  return {
    ...schema,
    title: "Kindling pipeline",
    $comment:
      "Generated from packages/kindling/src/spec/schema.ts by `npm run -w @kindling/kindling schema`; do not edit.",
  };
}

/** {@link pipelineJsonSchema} as the text committed in pipelines/pipeline.schema.json. */
export function pipelineJsonSchemaText(): string {
  return `${JSON.stringify(pipelineJsonSchema(), null, 2)}\n`;
}
