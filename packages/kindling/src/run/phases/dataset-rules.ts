import { functions as F } from "@kindling/spark-connect";
import type { DatasetCheck } from "../../compile/clean.js";
import { q } from "../../compile/hidden.js";
import { KindlingError } from "../../errors.js";
import { jobNameTag } from "../../job-names.js";
import type { RuleSpec } from "../../spec/index.js";
import type { RuleResult } from "../result.js";
import type { ReconciledRun } from "./state.js";

type Rule<C extends RuleSpec["check"]> = Extract<RuleSpec, { check: C }>;

/**
 * Judges the dataset rules (unique, references, row_count) with small queries of their own: they
 * need whole-dataset views, so they cannot be observed during the writes. Each result goes to
 * `result.rules`. Throws KindlingError naming every rule with severity fail that broke beyond its
 * threshold.
 */
export async function judgeDatasetRules(run: ReconciledRun): Promise<ReconciledRun> {
  for (const check of run.compiled.datasetChecks) run.result.rules.push(await judge(run, check));
  const failed = run.result.rules.filter((r) => r.outcome === "failed");
  if (failed.length) {
    throw new KindlingError(
      `Dataset rule(s) failed: ${failed.map((r) => `${r.step}.${r.rule} (${r.violations} violation(s))`).join(", ")}.`,
    );
  }
  return run;
}

/** One rule's violations, out of how many rows, and its outcome after threshold and severity. */
async function judge(run: ReconciledRun, check: DatasetCheck): Promise<RuleResult> {
  const rule = check.rule;
  let total = run.counts.steps.find((s) => s.name === check.step)?.rowsOut ?? 0;
  let violations = 0;
  // The rule's query jobs are named for it: `orders_clean: rule unique_order_id`.
  const tags = [run.runTag, jobNameTag(`${check.step}: rule ${check.name}`)];
  if (rule.check === "unique") violations = await uniqueViolations(run, check.step, rule, tags);
  else if (rule.check === "references") violations = await referenceViolations(run, check.step, rule, tags);
  else if (rule.check === "row_count") {
    violations = rowCountViolation(run, total, rule);
    total = 1;
  }
  const t = "threshold" in rule ? rule.threshold : undefined;
  const allowed =
    t?.max_count !== undefined
      ? violations <= t.max_count
      : t?.max_fraction !== undefined
        ? violations <= t.max_fraction * Math.max(total, 1)
        : violations === 0;
  const severity = rule.severity;
  return {
    step: check.step,
    rule: check.name,
    check: rule.check,
    severity,
    violations,
    threshold: t ? JSON.stringify(t) : undefined,
    outcome:
      violations === 0 ? "passed" : allowed ? "within_threshold" : severity === "fail" ? "failed" : "warned",
  };
}

/** Rows whose key is shared by another row; 0 without a query when the step dedupes on those keys. */
async function uniqueViolations(
  run: ReconciledRun,
  step: string,
  rule: Rule<"unique">,
  tags: string[],
): Promise<number> {
  const spec = run.compiled.graph.step(step);
  const sameAsDedupe =
    spec?.kind === "clean" &&
    spec.dedupe &&
    [...spec.dedupe.keys].sort().join() === [...rule.columns].sort().join();
  if (sameAsDedupe) return 0;
  // A row with a null key column duplicates no other row (as for dedupe and join keys).
  const known = rule.columns.map((c) => `${q(c)} IS NOT NULL`).join(" AND ");
  const rows = await run.compiled.nodes
    .get(step)!
    .df.filter(known)
    .groupBy(...rule.columns.map((c) => F.col(q(c))))
    .count()
    .filter(F.col("count").gt(1))
    .agg(F.sum("count").alias("v"))
    .collect({ tags });
  return Number((rows[0]?.v as bigint | null) ?? 0n);
}

/** Rows whose (non-null) key is not among the referenced keys. */
async function referenceViolations(
  run: ReconciledRun,
  step: string,
  rule: Rule<"references">,
  tags: string[],
): Promise<number> {
  const ref = run.compiled.nodes.get(rule.references.source)!;
  const keys = ref.df.select(F.col(q(rule.references.column)).alias("_k_ref")).distinct();
  return run.compiled.nodes
    .get(step)!
    .df.filter(F.col(q(rule.column)).isNotNull())
    .join(keys, F.col(q(rule.column)).equalTo(F.col("_k_ref")), "left_anti")
    .count({ tags });
}

/** 1 when the step's rows out of `total` fall outside the ratio to the other step's (or source's). */
function rowCountViolation(run: ReconciledRun, total: number, rule: Rule<"row_count">): number {
  const { counts } = run;
  const other =
    counts.steps.find((s) => s.name === rule.compare_to)?.rowsOut ??
    counts.sources[rule.compare_to]?.rows ??
    0;
  const ratio = other === 0 ? Number.POSITIVE_INFINITY : total / other;
  const below = rule.min_ratio !== undefined && ratio < rule.min_ratio;
  const above = rule.max_ratio !== undefined && ratio > rule.max_ratio;
  return below || above ? 1 : 0;
}
