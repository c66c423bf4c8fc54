import { type Column, functions as F } from "@kindling/spark-connect";
import { ACTION, CORRUPT, REASON } from "../hidden.js";
import { countWhere, sourceCounts } from "../metrics.js";
import type { CleanContext } from "./context.js";
import { MALFORMED } from "./rules.js";

/** The metrics of a clean step's observation (`step__<name>`), computed in the same pass. */
export interface StepObservation {
  metrics: Column[];
  /** Metric aliases → rule names (observed metric columns are positional names). */
  ruleAliases: Record<string, string>;
  warnAliases: Record<string, string>;
}

/**
 * `rows_in`, `quarantined`, `dropped`, `failed`, one count per acting rule name (`r<i>`) and per
 * warning (`w<i>`). When the step also judges its source's malformed rows, its own counts are over
 * the rows that parsed, and the source's counts ride along (`source_rows`, `source_malformed`).
 */
export function stepObservation(ctx: CleanContext): StepObservation {
  const countsSource = ctx.judgesMalformed;
  const parsed = F.col(CORRUPT).isNull();
  const ofParsed = (c: Column) => (countsSource ? parsed.and(c) : c);
  const action = F.col(ACTION);
  const metrics: Column[] = [
    countsSource ? countWhere(parsed).alias("rows_in") : F.count(F.lit(1)).alias("rows_in"),
    countWhere(ofParsed(action.eqNullSafe("quarantine"))).alias("quarantined"),
    countWhere(action.eqNullSafe("drop")).alias("dropped"),
    countWhere(action.eqNullSafe("fail")).alias("failed"),
  ];
  const ruleAliases: Record<string, string> = {};
  const warnAliases: Record<string, string> = {};
  [...new Set(ctx.verdicts.acting.map((v) => v.name))].forEach((name, i) => {
    ruleAliases[`r${i}`] = name;
    const broke = F.col(REASON).eqNullSafe(name);
    metrics.push(countWhere(name === MALFORMED ? ofParsed(broke) : broke).alias(`r${i}`));
  });
  ctx.verdicts.warns.forEach((w, i) => {
    warnAliases[`w${i}`] = w.name;
    metrics.push(countWhere(ofParsed(w.broken)).alias(`w${i}`));
  });
  if (countsSource) metrics.push(...sourceCounts("source_"));
  return { metrics, ruleAliases, warnAliases };
}
