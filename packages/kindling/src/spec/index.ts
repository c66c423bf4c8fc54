/** The pipeline spec: its format (zod schemas and types), loading, validation, and the TypeScript builder. */
export {
  aggregate,
  clean,
  csv,
  enrich,
  filter,
  json,
  jsonl,
  PipelineBuilder,
  parquet,
  pipeline,
  type SinkInput,
  type SourceInput,
  type StepInput,
  select,
} from "./builder.js";
export type { DatasetColumns, InferredColumn } from "./check/columns.js";
export {
  formatIssue,
  formatPath,
  SpecError,
  type SpecIssue,
  type SpecIssueCode,
  type SpecPath,
} from "./errors.js";
export { type NodeKind, PipelineGraph } from "./graph.js";
export { pipelineJsonSchema, pipelineJsonSchemaText } from "./json-schema.js";
export { type LoadedPipeline, loadPipeline, parsePipeline } from "./loader.js";
export { type ParameterOverrides, parameterEnvName } from "./parameters.js";
export * from "./schema.js";
export { parseSparkType } from "./spark-types.js";
export { pipelineGraph, pipelineSpecHash, validatePipeline } from "./validate.js";
