/**
 * A clean step as a list of named stages, each a `(df, ctx) => df` transform built from column
 * functions (compile/clean/*). Only compileClean talks to Spark (one AnalyzePlan for the input's
 * schema); planClean builds the same plans from a schema the caller knows.
 */
import { type DataFrame, functions as F, type StructType } from "@kindling/spark-connect";
import type { CleanStepSpec } from "../spec/index.js";
import { type CleanContext, type CleanTransform, cleanContext, helperColumns } from "./clean/context.js";
import { dedupeStage } from "./clean/dedupe.js";
import { originalOf } from "./clean/names.js";
import { stepObservation } from "./clean/observation.js";
import { stepAndMalformedQuarantine, stepQuarantine } from "./clean/quarantine.js";
import {
  caseStage,
  castsStage,
  compactOriginals,
  keepOriginals,
  nullsStage,
  restoreOriginals,
  standardizeStage,
  trimStage,
} from "./clean/rewrites.js";
import { rulesStage } from "./clean/rules.js";
import type { DatasetCheck } from "./clean/verdicts.js";
import { ACTION, q } from "./hidden.js";
import { stepMetric } from "./metrics.js";

export type { CleanContext, CleanTransform } from "./clean/context.js";
export type { DatasetCheck } from "./clean/verdicts.js";

export interface CompiledClean {
  output: DataFrame;
  quarantine: DataFrame | undefined;
  /** Metric aliases → rule names (observed metric columns are positional names). */
  ruleAliases: Record<string, string>;
  warnAliases: Record<string, string>;
  datasetChecks: DatasetCheck[];
  hasDedupe: boolean;
  /**
   * With a `countsSource` malformed input: the step's judge of every row of its source (the
   * rewrites, the verdict columns and the originals, see JUDGE_STAGES), to run once in the
   * source's scan and be given back as {@link Prejudged}, and the columns of `all` recovered from
   * such judged rows (each rewritten column from the original kept aside).
   */
  scanJudge?: ScanJudge;
}

/** A clean step's judge of its source's every row, run in the source's scan (see CompiledClean.scanJudge). */
export interface ScanJudge {
  /**
   * Every row of the source (`MalformedInput.all`'s columns) → the judged rows to stage: an
   * original the rewrites left unchanged is not stored again (compactOriginals).
   */
  judge: (all: DataFrame) => DataFrame;
  /** Staged judged rows → the judged rows as the step's own judge makes them (each original whole). */
  restore: (staged: DataFrame) => DataFrame;
  /** Staged judged rows → the source's `columns` as the step received them. */
  unjudged: (staged: DataFrame, columns: string[]) => DataFrame;
}

/**
 * Rows judged already by the step's `scanJudge` (read from the source's staged copy): the step
 * filters and observes them instead of judging again, and so does its quarantine.
 */
export interface Prejudged {
  /** Every judged row of the source, with the positions (the quarantine's input). */
  all: DataFrame;
  /** The same rows as the step's main input (positions dropped where no consumer needs them). */
  main: DataFrame;
}

/**
 * The malformed rows of the step's source, to quarantine in the same pass as the step's own
 * rejects: `all` is every row the source read (the step's input before malformed rows were
 * filtered out), so the raw input is scanned once for both.
 */
export interface MalformedInput {
  /** Every row the source read, not observed. */
  all: DataFrame;
  /** A data column to reference (see malformedToQuarantine). */
  anyDataColumn: string;
  /**
   * The step counts the source too: its input is then the source's every row (`all`, with the
   * positions the pipeline keeps), malformed rows are judged on the main path as well, and the
   * step's observation carries the source's counts (`source_rows`, `source_malformed`). One
   * observation in the scan instead of two: each CollectMetrics ends a generated-code stage, so
   * every row is materialised once more per observation.
   */
  countsSource?: boolean;
}

/**
 * The stages that judge each row, in the documented order (docs/pipeline-spec.md): the values
 * the step received are kept aside, then trim → nulls → case → standardize → casts rewrite, then
 * the rules give each row its verdict (`_k_reason`, `_k_action`). Dedupe runs after, on the rows
 * that passed.
 */
export const JUDGE_STAGES: readonly CleanTransform[] = [
  keepOriginals,
  trimStage,
  nullsStage,
  caseStage,
  standardizeStage,
  castsStage,
  rulesStage,
];

/**
 * Compiles a clean step (see planClean) over `input`'s schema, resolved by Spark.
 * @throws KindlingError (code spec) when a rule's arguments do not fit the resolved column types
 * @throws SparkConnectError when Spark cannot resolve the input's schema
 */
export async function compileClean(
  input: DataFrame,
  step: CleanStepSpec,
  source: string,
  malformed?: MalformedInput,
  prejudged?: Prejudged,
): Promise<CompiledClean> {
  return planClean(input, await input.schema(), step, source, malformed, prejudged);
}

/**
 * A clean step's plans over an input of the given schema: each row gets one verdict (the first
 * rule it breaks); rows to quarantine keep their raw record; the step's counts are observed in the
 * same pass. With `malformed`, the step's quarantine also holds the source's malformed rows (rule
 * `malformed`), read by the same scan. Nothing is sent to Spark.
 * @throws KindlingError (code spec) when a rule's arguments do not fit the column types
 */
export function planClean(
  input: DataFrame,
  schema: StructType,
  step: CleanStepSpec,
  source: string,
  malformed?: MalformedInput,
  prejudged?: Prejudged,
): CompiledClean {
  const ctx = cleanContext(step, schema, Boolean(malformed?.countsSource));
  const judge = (df: DataFrame, judgesMalformed: boolean) =>
    JUDGE_STAGES.reduce((out, stage) => stage(out, { ...ctx, judgesMalformed }), df);
  const { metrics, ruleAliases, warnAliases } = stepObservation(ctx);
  const judged = (prejudged?.main ?? judge(input, ctx.judgesMalformed)).observe(
    stepMetric(step.name),
    ...metrics,
  );
  const passed = judged.filter(F.col(ACTION).isNull()).drop(...helperColumns(ctx));
  // The malformed rows' quarantine reads every row of the source (not observed: `all` is not
  // either; the counts come from the main path).
  const quarantine = malformed
    ? stepAndMalformedQuarantine(
        prejudged?.all ?? judge(malformed.all, true),
        ctx,
        source,
        malformed.anyDataColumn,
      )
    : ctx.verdicts.acting.some((v) => v.severity === "quarantine")
      ? stepQuarantine(judged, ctx, source)
      : undefined;
  return {
    output: dedupeStage(passed, ctx),
    quarantine,
    ruleAliases,
    warnAliases,
    datasetChecks: ctx.verdicts.datasetChecks,
    hasDedupe: Boolean(step.dedupe),
    ...(malformed?.countsSource
      ? {
          scanJudge: {
            judge: (all: DataFrame) => compactOriginals(judge(all, true), ctx),
            restore: (staged: DataFrame) => restoreOriginals(staged, ctx),
            unjudged: (staged: DataFrame, columns: string[]) =>
              unjudged(restoreOriginals(staged, ctx), columns, ctx),
          },
        }
      : {}),
  };
}

/** `columns` of judged rows as the step received them: a rewritten column from its original. */
function unjudged(judged: DataFrame, columns: string[], ctx: CleanContext): DataFrame {
  return judged.select(
    ...columns.map((c) => (ctx.rewritten.has(c) ? F.col(q(originalOf(c))).alias(c) : F.col(q(c)))),
  );
}
