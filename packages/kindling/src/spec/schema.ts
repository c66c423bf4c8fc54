/**
 * The pipeline spec, defined once as zod schemas. Everything else (TypeScript types, the JSON Schema for
 * editors, the loader's structural checks and the builder's input types) derives from this file.
 * Objects are strict: an unknown key is an error, so a typo never silently does nothing.
 */
import { z } from "zod";

/** A name for a parameter, source, step or sink: letters, digits and `_`, not starting with a digit. */
export const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

const Name = z.string().regex(NAME_PATTERN, {
  error: "expected a name of letters, digits and _ that does not start with a digit",
});

const ColumnName = z.string().min(1).describe("A column name.");
const ColumnList = z.array(ColumnName).min(1);
const Scalar = z.union([z.string(), z.number(), z.boolean()]);
const Sql = (what: string) => z.string().min(1).describe(what);

/** `"<column> [asc|desc] [nulls first|last]"`, e.g. `"updated_at desc"`. */
export const ORDER_TERM_PATTERN = /^\s*(`[^`]+`|[^\s`]+)(\s+(asc|desc))?(\s+nulls\s+(first|last))?\s*$/i;
const OrderTerm = z
  .string()
  .regex(ORDER_TERM_PATTERN, { error: 'expected "<column> [asc|desc] [nulls first|last]"' })
  .describe('A sort term: "<column> [asc|desc] [nulls first|last]".');

/** Window frames Spark accepts, e.g. `rows between unbounded preceding and current row`. */
export const FRAME_PATTERN =
  /^\s*(rows|range)\s+between\s+(unbounded\s+preceding|current\s+row|\d+\s+(preceding|following))\s+and\s+(unbounded\s+following|current\s+row|\d+\s+(preceding|following))\s*$/i;

// ---------------------------------------------------------------------------------------------- enums

/** What happens to a row (or a run) that breaks a rule. */
export const SEVERITIES = ["quarantine", "drop", "fail", "warn"] as const;
/** File formats a source can be read from (`jsonl` is one JSON object per line; `json` is whole-file JSON). */
export const SOURCE_FORMATS = ["csv", "json", "jsonl", "parquet"] as const;
/** File formats a sink can be written as. */
export const SINK_FORMATS = ["parquet", "json", "csv"] as const;
/** Parts `date_parts` can extract from a date or timestamp column. */
export const DATE_PARTS = [
  "year",
  "quarter",
  "month",
  "week",
  "day",
  "dayofweek",
  "dayofyear",
  "hour",
  "minute",
  "second",
] as const;
/** Join types for `enrich.joins[].type`. */
export const JOIN_TYPES = ["left", "inner", "right", "full", "semi", "anti"] as const;
/** Report formats. */
export const REPORT_FORMATS = ["json", "md", "html"] as const;

const Severity = z.enum(SEVERITIES);

// ----------------------------------------------------------------------------------------- parameters

/** A declared parameter. Referenced as `${name}` in any string value outside `parameters`. */
export const ParameterSchema = z
  .strictObject({
    default: Scalar.optional().describe("Value used when neither --set nor KINDLING_PARAM_<NAME> gives one."),
    description: z.string().optional(),
  })
  .describe("A pipeline parameter. Precedence: default < KINDLING_PARAM_<NAME> < --set name=value.");

// -------------------------------------------------------------------------------------------- sources

/** One declared column: a name and a Spark SQL type such as `string`, `bigint` or `decimal(12,2)`. */
export const ColumnDeclSchema = z.strictObject({
  name: ColumnName,
  type: z.string().min(1).describe("Spark SQL type: string, int, bigint, double, decimal(p,s), date, ..."),
  description: z.string().optional(),
});

/** Where input data comes from and how to read it. */
export const SourceSchema = z.strictObject({
  format: z.enum(SOURCE_FORMATS),
  path: z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
    .describe("Local path, file:// or s3a:// URL; globs allowed; one path or a list."),
  schema: z
    .union([z.array(ColumnDeclSchema).min(1), z.string().min(1)])
    .optional()
    .describe('Declared columns: a list of {name, type} or a DDL string like "id STRING, qty INT".'),
  options: z
    .record(z.string(), Scalar)
    .optional()
    .describe("Spark reader options, e.g. header, delimiter, quote, escape, multiLine, dateFormat."),
  malformed: z
    .enum(["quarantine", "drop", "fail"])
    .default("quarantine")
    .describe("What to do with records the reader cannot parse."),
  drift: z
    .enum(["fail", "accept"])
    .default("fail")
    .describe("What to do when the data's columns differ from the declared schema."),
  invalid_encoding: z
    .enum(["quarantine", "fail", "replace"])
    .default("quarantine")
    .describe(
      "Text read as UTF-8 with invalid byte sequences: quarantine the record as malformed (raw bytes hex-escaped), fail naming file and line, or replace them with U+FFFD.",
    ),
  description: z.string().optional(),
});

// ---------------------------------------------------------------------------------------------- rules

const RowRuleBase = {
  name: Name.optional().describe("Name shown in the report; defaults to one made from the check."),
  severity: Severity.default("quarantine"),
  description: z.string().optional(),
};

/** Violations allowed before a dataset rule's severity applies: a count or a fraction of rows. */
export const ThresholdSchema = z.strictObject({
  max_count: z.number().int().min(0).optional(),
  max_fraction: z.number().min(0).max(1).optional(),
});

// A dataset rule is judged on the whole output after the writes, so it can stop the run or warn
// but not act on rows: rows with unknown keys are quarantined by an enrich join
// (`unmatched: quarantine`), duplicate keys are removed by `dedupe`.
const DatasetSeverity = z
  .enum(["fail", "warn"])
  .describe("fail stops the run before publishing; warn records a warning.");

const DatasetRuleBase = {
  name: Name.optional().describe("Name shown in the report; defaults to one made from the check."),
  severity: DatasetSeverity.default("fail"),
  threshold: ThresholdSchema.optional().describe(
    "Violations allowed before the severity applies (default none).",
  ),
  description: z.string().optional(),
};

const NotNullRule = z.strictObject({ check: z.literal("not_null"), columns: ColumnList, ...RowRuleBase });
const RangeRule = z.strictObject({
  check: z.literal("range"),
  column: ColumnName,
  min: z
    .union([z.number(), z.string()])
    .optional()
    .describe("Inclusive lower bound. On a string column, numeric bounds read the value as a number."),
  max: z.union([z.number(), z.string()]).optional().describe("Inclusive upper bound."),
  ...RowRuleBase,
});
const RegexRule = z.strictObject({
  check: z.literal("regex"),
  column: ColumnName,
  pattern: z.string().min(1).describe("Java regular expression the whole value must match."),
  ...RowRuleBase,
});
const AcceptedValuesRule = z.strictObject({
  check: z.literal("accepted_values"),
  column: ColumnName,
  values: z.array(Scalar).min(1),
  ...RowRuleBase,
});
const ExpressionRule = z.strictObject({
  check: z.literal("expression"),
  condition: Sql("Spark SQL condition every row must satisfy (false or null is a violation)."),
  ...RowRuleBase,
});
const UniqueRule = z.strictObject({ check: z.literal("unique"), columns: ColumnList, ...DatasetRuleBase });
const ReferencesRule = z.strictObject({
  check: z.literal("references"),
  column: ColumnName,
  references: z.strictObject({
    source: Name.describe("A source or step holding the referenced keys."),
    column: ColumnName,
  }),
  ...DatasetRuleBase,
});
const RowCountRule = z.strictObject({
  check: z.literal("row_count"),
  compare_to: Name.describe("A source or step whose row count this step's output is compared to."),
  min_ratio: z.number().min(0).optional(),
  max_ratio: z.number().min(0).optional(),
  name: DatasetRuleBase.name,
  severity: DatasetSeverity.default("fail"),
  description: z.string().optional(),
});

/** A validity rule in a `clean` step, discriminated on `check`. */
export const RuleSchema = z.discriminatedUnion("check", [
  NotNullRule,
  RangeRule,
  RegexRule,
  AcceptedValuesRule,
  ExpressionRule,
  UniqueRule,
  ReferencesRule,
  RowCountRule,
]);

/** Rule checks judged one row at a time; the others are judged over the whole dataset. */
export const ROW_CHECKS = ["not_null", "range", "regex", "accepted_values", "expression"] as const;

// ---------------------------------------------------------------------------------------------- steps

const StepBase = {
  name: Name,
  input: Name.optional().describe("A source or step; defaults to the previous step."),
  description: z.string().optional(),
};

const CastSchema = z.union([
  z.string().min(1),
  z.strictObject({
    type: z.string().min(1),
    format: z.string().optional().describe("Date/timestamp pattern, e.g. yyyy-MM-dd HH:mm:ss."),
  }),
]);

/** Replace values of one column by regex replacements, then by an exact-value mapping table. */
export const StandardizeSchema = z.strictObject({
  column: ColumnName,
  replace: z
    .array(z.strictObject({ pattern: z.string().min(1), with: z.string() }))
    .optional()
    .describe("Java regex replacements, applied in order."),
  map: z
    .record(z.string(), z.string().nullable())
    .optional()
    .describe("Exact value → replacement (null to blank it out)."),
});

/** Remove duplicate rows by key, keeping the first row in `order_by` order. */
export const DedupeSchema = z.strictObject({
  keys: ColumnList,
  order_by: z
    .array(OrderTerm)
    .min(1)
    .optional()
    .describe('Tie-break: the first row wins, e.g. ["updated_at desc"].'),
});

/** Null-like strings that become null, and per-column defaults for nulls. */
export const NullsSchema = z.strictObject({
  values: z
    .array(z.string())
    .default(["", "null", "n/a"])
    .describe("Null-like strings, matched whole and ignoring case (trim runs first)."),
  columns: z
    .union([z.literal("all"), ColumnList])
    .default("all")
    .describe("String columns to scan."),
  defaults: z.record(ColumnName, Scalar).optional().describe("Value to put in place of null, per column."),
});

/** `clean`: trim, null-like values, case, standardise, cast, de-duplicate, then validity rules. */
export const CleanStepSchema = z.strictObject({
  kind: z.literal("clean"),
  ...StepBase,
  trim: z
    .union([z.literal("all"), ColumnList])
    .optional()
    .describe('"all" string columns or a list.'),
  nulls: NullsSchema.optional(),
  case: z.record(ColumnName, z.enum(["upper", "lower", "title"])).optional(),
  standardize: z.array(StandardizeSchema).min(1).optional(),
  casts: z.record(ColumnName, CastSchema).optional().describe("Column → Spark SQL type (or {type, format})."),
  on_cast_error: z
    .enum(["quarantine", "drop", "null", "fail"])
    .default("quarantine")
    .describe("What to do with a row whose non-null value does not cast."),
  dedupe: DedupeSchema.optional(),
  rules: z.array(RuleSchema).min(1).optional(),
});

/** A lookup join in an `enrich` step. */
export const JoinSchema = z.strictObject({
  with: Name.describe("The source or step to join with."),
  on: z
    .union([ColumnList, Sql("Join condition using l.<col> (this step's input) and r.<col> (the lookup).")])
    .describe("Key columns present on both sides, or a condition using l. and r."),
  type: z.enum(JOIN_TYPES).default("left"),
  select: ColumnList.optional().describe("Lookup columns to add (default: all except the keys)."),
  prefix: z.string().optional().describe("Prefix for added columns, e.g. customer_."),
  unmatched: z
    .enum(["keep", "quarantine"])
    .default("keep")
    .describe("Left joins: keep rows without a match (nulls) or quarantine them."),
});

/** Extract date parts of a date/timestamp column as `<prefix><part>` int columns. */
export const DatePartsSchema = z.strictObject({
  column: ColumnName,
  parts: z.array(z.enum(DATE_PARTS)).min(1),
  prefix: z.string().optional().describe('Name prefix for the new columns (default "<column>_").'),
});

/** `enrich`: joins, then derived columns (in order), then date parts. */
export const EnrichStepSchema = z.strictObject({
  kind: z.literal("enrich"),
  ...StepBase,
  joins: z.array(JoinSchema).min(1).optional(),
  derive: z
    .record(ColumnName, Sql("Spark SQL expression."))
    .optional()
    .describe("New or replaced columns, applied in order; each may use the ones before it."),
  date_parts: z.array(DatePartsSchema).min(1).optional(),
});

/** A window column computed in an `aggregate` step. */
export const WindowSchema = z.strictObject({
  expression: Sql("Aggregate or window function, e.g. sum(revenue) or row_number()."),
  partition_by: ColumnList.optional(),
  order_by: z.array(OrderTerm).min(1).optional(),
  frame: z
    .string()
    .regex(FRAME_PATTERN, { error: 'expected "rows|range between <start> and <end>"' })
    .optional()
    .describe("e.g. rows between unbounded preceding and current row."),
});

/** `aggregate`: group by columns and compute named metrics; optional window columns over the result. */
export const AggregateStepSchema = z.strictObject({
  kind: z.literal("aggregate"),
  ...StepBase,
  group_by: ColumnList.optional(),
  metrics: z.record(ColumnName, Sql("Spark SQL aggregate expression, e.g. sum(amount).")).optional(),
  windows: z.record(ColumnName, WindowSchema).optional().describe("Window columns over the grouped rows."),
});

/** `filter`: keep rows where the condition is true. */
export const FilterStepSchema = z.strictObject({
  kind: z.literal("filter"),
  ...StepBase,
  where: Sql("Spark SQL condition."),
});

/** `select`: keep `columns` (in that order), then `rename`, then `drop`. */
export const SelectStepSchema = z.strictObject({
  kind: z.literal("select"),
  ...StepBase,
  columns: ColumnList.optional(),
  rename: z.record(ColumnName, ColumnName).optional(),
  drop: ColumnList.optional(),
});

/** One step of the pipeline, discriminated on `kind`. */
export const StepSchema = z.discriminatedUnion("kind", [
  CleanStepSchema,
  EnrichStepSchema,
  AggregateStepSchema,
  FilterStepSchema,
  SelectStepSchema,
]);

// ---------------------------------------------------------------------------------------------- sinks

/** Where a step's (or source's) rows are written. */
export const SinkSchema = z.strictObject({
  input: Name.describe("The step or source to write."),
  format: z.enum(SINK_FORMATS).default("parquet"),
  path: z.string().min(1).describe("Local path, file:// or s3a:// URL."),
  mode: z.enum(["overwrite", "append"]).default("overwrite"),
  partition_by: ColumnList.optional(),
  compression: z.enum(["snappy", "zstd", "gzip", "none"]).default("snappy"),
  dynamic_partition_overwrite: z
    .boolean()
    .default(false)
    .describe("With mode overwrite and partition_by: replace only the partitions this run writes."),
  description: z.string().optional(),
});

/** Where rejected rows go, each with its reason and raw record. */
export const QuarantineSchema = z.strictObject({
  path: z.string().min(1),
  format: z.enum(["parquet", "json"]).default("parquet"),
});

/** Where the run report is written. */
export const ReportSchema = z.strictObject({
  path: z.string().min(1),
  formats: z.array(z.enum(REPORT_FORMATS)).min(1).default(["json", "md", "html"]),
});

// ------------------------------------------------------------------------------------------- pipeline

/** A whole pipeline: parameters, sources, ordered steps and sinks. */
export const PipelineSchema = z
  .strictObject({
    version: z.literal(1).default(1).describe("Spec format version."),
    name: Name,
    description: z.string().optional(),
    parameters: z.record(Name, ParameterSchema).optional(),
    sources: z.record(Name, SourceSchema),
    steps: z.array(StepSchema).default([]),
    sinks: z.record(Name, SinkSchema),
    quarantine: QuarantineSchema.optional(),
    report: ReportSchema.optional(),
  })
  .describe("A Kindling pipeline spec.");

/** A validated pipeline spec (defaults applied). */
export type PipelineSpec = z.output<typeof PipelineSchema>;
/** A pipeline spec as written, before defaults (what the TS builder accepts). */
export type PipelineSpecInput = z.input<typeof PipelineSchema>;
/** A declared parameter. */
export type ParameterSpec = z.output<typeof ParameterSchema>;
/** A source. */
export type SourceSpec = z.output<typeof SourceSchema>;
/** A declared column of a source. */
export type ColumnDecl = z.output<typeof ColumnDeclSchema>;
/** Any step, discriminated on `kind`. */
export type StepSpec = z.output<typeof StepSchema>;
/** The kind of a step. */
export type StepKind = StepSpec["kind"];
export type CleanStepSpec = z.output<typeof CleanStepSchema>;
export type EnrichStepSpec = z.output<typeof EnrichStepSchema>;
export type AggregateStepSpec = z.output<typeof AggregateStepSchema>;
export type FilterStepSpec = z.output<typeof FilterStepSchema>;
export type SelectStepSpec = z.output<typeof SelectStepSchema>;
export type JoinSpec = z.output<typeof JoinSchema>;
export type DatePartsSpec = z.output<typeof DatePartsSchema>;
export type WindowSpec = z.output<typeof WindowSchema>;
export type StandardizeSpec = z.output<typeof StandardizeSchema>;
/** Any validity rule, discriminated on `check`. */
export type RuleSpec = z.output<typeof RuleSchema>;
/** A rule judged row by row. */
export type RowRuleSpec = Extract<RuleSpec, { check: (typeof ROW_CHECKS)[number] }>;
/** A rule judged over the whole dataset (unique, references, row_count). */
export type DatasetRuleSpec = Exclude<RuleSpec, RowRuleSpec>;
export type ThresholdSpec = z.output<typeof ThresholdSchema>;
export type Severity = (typeof SEVERITIES)[number];
/** A sink. */
export type SinkSpec = z.output<typeof SinkSchema>;
export type QuarantineSpec = z.output<typeof QuarantineSchema>;
export type ReportSpec = z.output<typeof ReportSchema>;
