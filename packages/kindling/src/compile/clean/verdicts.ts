/**
 * What a clean step judges each row by: a condition per cast, per row rule and for unknown
 * dedupe keys, true when the row breaks it. Dataset rules (unique, references, row_count) are
 * judged after the run's writes by a query of their own (DatasetCheck).
 */
import { type Column, functions as F } from "@kindling/spark-connect";
import type { CleanStepSpec, RuleSpec } from "../../spec/index.js";
import { q } from "../hidden.js";
import { specLiteral } from "../literals.js";
import type { CastSpec } from "./context.js";
import { castFailed } from "./names.js";

export type Severity = "quarantine" | "drop" | "fail" | "warn";

/** A row-level verdict of a clean step: a condition that is true when the row breaks the rule. */
export interface Verdict {
  name: string;
  broken: Column;
  severity: Severity;
}

/** A dataset-level rule, judged after the run's writes by a small query of its own. */
export interface DatasetCheck {
  step: string;
  rule: RuleSpec;
  name: string;
}

export interface StepVerdicts {
  /** Verdicts that act on a row (quarantine, drop, fail), in the order they are judged. */
  acting: Verdict[];
  /** Verdicts that only count (`warn`, and casts with `on_cast_error: null`). */
  warns: Verdict[];
  /** Each acting rule name's severity (the last one given when a name is reused). */
  severityOf: Map<string, Severity>;
  /** A rule name is used with two severities: the action is judged from the conditions again. */
  ambiguous: boolean;
  datasetChecks: DatasetCheck[];
}

/** The reason of a row quarantined (or failed) by `dedupe.null_keys` for a null key. */
export const NULL_KEY = "null_key";

const CAST_ERROR_SEVERITY = { null: "warn", fail: "fail", drop: "drop", quarantine: "quarantine" } as const;

/**
 * The step's verdicts in the order they are judged: casts, then row rules, then null dedupe keys
 * (a row whose dedupe key is unknown is a duplicate of no other row, docs/pipeline-spec.md "Null
 * keys"; with `null_keys: quarantine` or `fail` it gets a verdict of its own).
 */
export function stepVerdicts(
  step: CleanStepSpec,
  casts: readonly (readonly [string, CastSpec])[],
): StepVerdicts {
  const verdicts: Verdict[] = casts.map(([c], i) => ({
    name: `cast_${c}`,
    broken: F.col(castFailed(i)),
    severity: CAST_ERROR_SEVERITY[step.on_cast_error ?? "quarantine"],
  }));
  const datasetChecks: DatasetCheck[] = [];
  (step.rules ?? []).forEach((rule, i) => {
    const name = rule.name ?? defaultRuleName(rule, i);
    const broken = rowRuleBroken(rule);
    if (broken) verdicts.push({ name, broken, severity: rule.severity as Severity });
    else datasetChecks.push({ step: step.name, rule, name });
  });
  if (step.dedupe && step.dedupe.null_keys !== "keep")
    verdicts.push({ name: NULL_KEY, broken: anyNull(step.dedupe.keys), severity: step.dedupe.null_keys });
  const acting = verdicts.filter((v) => v.severity !== "warn");
  const severityOf = new Map<string, Severity>();
  let ambiguous = false;
  for (const v of acting) {
    ambiguous ||= severityOf.has(v.name) && severityOf.get(v.name) !== v.severity;
    severityOf.set(v.name, v.severity);
  }
  return {
    acting,
    warns: verdicts.filter((v) => v.severity === "warn"),
    severityOf,
    ambiguous,
    datasetChecks,
  };
}

/** True when any of `columns` is null. */
export function anyNull(columns: readonly string[]): Column {
  return columns.map((c) => F.col(q(c)).isNull()).reduce((a, b) => a.or(b));
}

/**
 * The "rule is broken" condition of a row rule (a null value passes every rule but not_null);
 * undefined for a dataset rule. A numeric `range` reads the value as DECIMAL(38,10): a value that
 * is not a number breaks it. An `expression` is the user's Spark SQL; false or null breaks it.
 */
export function rowRuleBroken(rule: RuleSpec): Column | undefined {
  switch (rule.check) {
    case "not_null":
      return anyNull(rule.columns);
    case "range": {
      const value = F.col(q(rule.column));
      const numeric = typeof rule.min === "number" || typeof rule.max === "number";
      const v = numeric ? value.tryCast("DECIMAL(38,10)") : value;
      const bound = (b: string | number) => (typeof b === "number" ? specLiteral(b) : F.lit(String(b)));
      const conditions = [
        ...(rule.min !== undefined ? [v.geq(bound(rule.min))] : []),
        ...(rule.max !== undefined ? [v.leq(bound(rule.max))] : []),
      ];
      const ok = conditions.length ? conditions.reduce((a, b) => a.and(b)) : F.lit(true);
      return value.isNotNull().and(F.coalesce(ok, F.lit(false)).not());
    }
    case "regex": {
      const value = F.col(q(rule.column));
      return value.isNotNull().and(value.rlike(`^(?:${rule.pattern})$`).not());
    }
    case "accepted_values": {
      const value = F.col(q(rule.column));
      return value.isNotNull().and(value.isin(...rule.values.map(specLiteral)).not());
    }
    case "expression":
      return F.coalesce(F.expr(rule.condition), F.lit(false)).not();
    default:
      return undefined;
  }
}

/** The name a rule gets in the report and the quarantine when the spec gives none. */
export function defaultRuleName(rule: RuleSpec, i: number): string {
  switch (rule.check) {
    case "not_null":
      return `not_null_${rule.columns.join("_")}`;
    case "range":
    case "regex":
    case "accepted_values":
      return `${rule.check}_${rule.column}`;
    case "unique":
      return `unique_${rule.columns.join("_")}`;
    case "references":
      return `references_${rule.column}`;
    case "row_count":
      return `row_count_vs_${rule.compare_to}`;
    default:
      return `rule_${i + 1}`;
  }
}
