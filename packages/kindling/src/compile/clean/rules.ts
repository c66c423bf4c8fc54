/**
 * The rules stage: each row's verdict, `_k_reason` (the first rule it breaks, null when none)
 * and `_k_action` (that rule's severity), after the rewrites. Judged once per row: the reason is
 * a CASE over the conditions, and the action follows from the reason, so the conditions (regexes
 * included) are not evaluated a second time. Only when the step gives one rule name two
 * severities is the action judged from the conditions again.
 */
import { type Column, functions as F } from "@kindling/spark-connect";
import { ACTION, CORRUPT, REASON } from "../hidden.js";
import type { CleanContext, CleanTransform } from "./context.js";
import type { Severity } from "./verdicts.js";

/** A malformed row's reason; its other rules are not evaluated (CASE branches run only when reached). */
export const MALFORMED = "malformed";

interface Branch {
  when: Column;
  name: string;
  severity: Severity;
}

/** The conditions in the order they are judged. */
function branches(ctx: CleanContext): Branch[] {
  const malformed: Branch = { when: F.col(CORRUPT).isNotNull(), name: MALFORMED, severity: "quarantine" };
  return [
    ...(ctx.judgesMalformed ? [malformed] : []),
    ...ctx.verdicts.acting.map((v) => ({ when: v.broken, name: v.name, severity: v.severity })),
  ];
}

/** `CASE WHEN c0 THEN v0 WHEN c1 THEN v1 … END`: null when no condition holds. */
function firstOf(cases: readonly (readonly [Column, string])[]): Column {
  if (!cases.length) return F.lit(null).cast("string");
  return cases.reduce<Column | undefined>(
    (acc, [when, value]) => (acc ? acc.when(when, value) : F.when(when, value)),
    undefined,
  )!;
}

/** Adds `_k_reason` and `_k_action` (see the module comment). */
export const rulesStage: CleanTransform = (df, ctx) => {
  const all = branches(ctx);
  const reason = firstOf(all.map((b) => [b.when, b.name] as const));
  const actions = new Map<string, Severity>([
    ...(ctx.judgesMalformed ? ([[MALFORMED, "quarantine"]] as const) : []),
    ...ctx.verdicts.severityOf,
  ]);
  const action = ctx.verdicts.ambiguous
    ? firstOf(all.map((b) => [b.when, b.severity] as const))
    : firstOf([...actions].map(([name, severity]) => [F.col(REASON).equalTo(name), severity] as const));
  return df.withColumn(REASON, reason).withColumn(ACTION, action);
};
