/**
 * What every stage of a clean step reads: the step's spec, its input's visible columns (Spark's
 * resolved schema), the step's verdicts, and the names of the hidden helper columns the stages
 * add. A stage is a `(df, ctx) => df` transform (see ../clean.ts for their order).
 */
import type { DataFrame, StructField, StructType } from "@kindling/spark-connect";
import type { CleanStepSpec } from "../../spec/index.js";
import { ACTION, CORRUPT, isHidden, REASON } from "../hidden.js";
import { castFailed, castInput, originalOf } from "./names.js";
import { checkRuleArguments } from "./rule-arguments.js";
import { type StepVerdicts, stepVerdicts } from "./verdicts.js";

/** One cast of `casts:`: a Spark SQL type, or a type with a date/timestamp pattern. */
export type CastSpec = NonNullable<CleanStepSpec["casts"]>[string];

export interface CleanContext {
  readonly step: CleanStepSpec;
  /** The input's visible (not hidden) columns, with the types Spark resolved. */
  readonly fields: readonly StructField[];
  /** The visible string columns: what `trim: all` and `nulls.columns: all` mean. */
  readonly stringColumns: readonly string[];
  /** Columns some stage rewrites; each keeps the value the step received under `originalOf(c)` (names.ts). */
  readonly rewritten: ReadonlySet<string>;
  /** The step's casts in spec order; cast i uses the helpers `castInput(i)` and `castFailed(i)`. */
  readonly casts: readonly (readonly [column: string, spec: CastSpec])[];
  readonly verdicts: StepVerdicts;
  /**
   * The judged rows include the source's malformed rows (`_k_corrupt` set): their reason is
   * `malformed`, judged before any rule of the step.
   */
  readonly judgesMalformed: boolean;
}

/** A stage of a clean step: a new plan from the previous one; nothing runs on the server. */
export type CleanTransform = (df: DataFrame, ctx: CleanContext) => DataFrame;

/**
 * The context of `step` over an input of `schema` (pure: the caller resolves the schema).
 * @throws KindlingError (code spec) when a rule's arguments do not fit the resolved column types
 */
export function cleanContext(
  step: CleanStepSpec,
  schema: StructType,
  judgesMalformed: boolean,
): CleanContext {
  const fields = schema.fields.filter((f) => !isHidden(f.name));
  checkRuleArguments(step, fields);
  const stringColumns = fields.filter((f) => f.dataType.typeName === "string").map((f) => f.name);
  const casts = Object.entries(step.casts ?? {});
  return {
    step,
    fields,
    stringColumns,
    rewritten: rewrittenColumns(step, stringColumns),
    casts,
    verdicts: stepVerdicts(step, casts),
    judgesMalformed,
  };
}

/** Every column a stage of `step` rewrites, in stage order. */
function rewrittenColumns(step: CleanStepSpec, stringColumns: readonly string[]): Set<string> {
  const nulls = step.nulls;
  return new Set<string>([
    ...(step.trim === "all" ? stringColumns : (step.trim ?? [])),
    ...(nulls ? (nulls.columns === "all" ? stringColumns : nulls.columns) : []),
    ...Object.keys(nulls?.defaults ?? {}),
    ...Object.keys(step.case ?? {}),
    ...(step.standardize ?? []).map((x) => x.column),
    ...Object.keys(step.casts ?? {}),
  ]);
}

/** The helper columns the stages add, dropped from the step's output. */
export function helperColumns(ctx: CleanContext): string[] {
  return [
    ...[...ctx.rewritten].map(originalOf),
    REASON,
    ACTION,
    ...ctx.casts.map((_, i) => castFailed(i)),
    ...ctx.casts.map((_, i) => castInput(i)),
    ...(ctx.judgesMalformed ? [CORRUPT] : []),
  ];
}
