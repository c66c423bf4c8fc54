/**
 * The rules stage: each row's verdict, `_k_reason` (the first rule it breaks, null when none)
 * and `_k_action` (that rule's severity), after the rewrites. Judged once per row: the reason is
 * a CASE over the conditions, and the action follows from the reason (each rule name has one
 * severity), so the conditions (regexes included) are not evaluated a second time.
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

/** `CASE WHEN b0.when THEN value(b0) WHEN … END` (null when no branch holds). */
function firstOf<T>(list: readonly T[], when: (b: T) => Column, value: (b: T) => string): Column {
  if (!list.length) return F.lit(null).cast("string");
  return list.reduce<Column | undefined>(
    (acc, b) => (acc ? acc.when(when(b), value(b)) : F.when(when(b), value(b))),
    undefined,
  )!;
}

/** Adds `_k_reason` and `_k_action` (see the module comment). */
export const rulesStage: CleanTransform = (df, ctx) => {
  const all = branches(ctx);
  const reason = firstOf(
    all,
    (b) => b.when,
    (b) => b.name,
  );
  const actions = new Map<string, Severity>([
    ...(ctx.judgesMalformed ? ([[MALFORMED, "quarantine"]] as const) : []),
    ...ctx.verdicts.severityOf,
  ]);
  const reasonIs = (name: string) => F.col(REASON).equalTo(name);
  const action = ctx.verdicts.ambiguous
    ? firstOf(
        all,
        (b) => b.when,
        (b) => b.severity,
      )
    : firstOf(
        [...actions],
        ([name]) => reasonIs(name),
        ([, severity]) => severity,
      );
  return df.withColumn(REASON, reason).withColumn(ACTION, action);
};
