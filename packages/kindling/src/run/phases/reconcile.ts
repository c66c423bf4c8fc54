import { KindlingError } from "../../errors.js";
import { type RunCounts, reconcile } from "../reconcile.js";
import { recount, recountReason } from "../recount.js";
import { sparkRunStats } from "../spark-ui.js";
import { actionOptions, type ReconciledRun, type WrittenRun } from "./state.js";
import { actionRows } from "./write.js";

/**
 * Reconciles a written run: the counts from the writes' observations, taken again in a write-free
 * pass when they cannot be trusted (see recount.ts), then checked. Throws KindlingError `data`
 * when Spark reported no count even in that pass, and KindlingError when rows broke a rule with
 * severity fail or the counts do not add up (in = out + malformed + quarantined + ...).
 */
export async function reconcileRun(run: WrittenRun): Promise<ReconciledRun> {
  const { compiled, result } = run;
  result.counts = reconcile(compiled, run.observed);
  const unbalanced = result.counts.reconciliations.filter((r) => !r.holds);
  const why = recountReason(
    run.ui ? await sparkRunStats(run.ui, run.runTag, run.started) : undefined,
    !unbalanced.length,
    result.counts.missing,
  );
  if (why) await recountRun(run, why, unbalanced);
  const counts = result.counts;
  checkCounts(counts);
  return { ...run, counts };
}

/** Takes the counts again (recount.ts), replacing the run's counts and each action's rows. */
async function recountRun(
  run: WrittenRun,
  why: string,
  unbalanced: RunCounts["reconciliations"],
): Promise<void> {
  const { result, options } = run;
  const t0 = Date.now();
  const name = "recount";
  const total = result.actions.length + 1;
  options.onProgress?.({ type: "action", name, index: total, total });
  const again = await recount(run.compiled, result.cached, actionOptions(run, name));
  result.counts = reconcile(run.compiled, again);
  for (const a of result.actions) a.rows = actionRows(again, a);
  const first = unbalanced.map((r) => `${r.source} → ${r.sink}: in ${r.rowsIn}, out ${r.rowsOut}`);
  result.recount = {
    reason: `${why}; Spark may add a recomputed task's counts twice${first.length ? ` (the write pass said ${first.join("; ")})` : ""}`,
    ms: Date.now() - t0,
  };
  options.onProgress?.({ type: "done", action: name, ms: result.recount.ms });
}

/** Throws when a count is missing, rows broke a fail rule, or the counts do not add up. */
function checkCounts(counts: RunCounts): void {
  if (counts.missing.length) {
    throw new KindlingError(
      `Spark reported no count for ${counts.missing.join(", ")}, even in a second pass, so the run cannot prove no row was lost; nothing was published. Report this with the spec.`,
      "data",
    );
  }
  const failedRows = counts.steps.filter((s) => s.failed > 0);
  if (failedRows.length) {
    throw new KindlingError(
      failedRows
        .map(
          (s) =>
            `step ${s.name}: ${s.failed} row(s) broke a rule with severity fail (${describeRules(s.rules)})`,
        )
        .join("; "),
    );
  }
  const broken = counts.reconciliations.filter((r) => !r.holds);
  if (broken.length) {
    const more = broken.some(
      (r) => r.rowsOut + r.malformed + r.quarantined + r.duplicates + r.dropped + r.filtered > r.rowsIn,
    );
    throw new KindlingError(
      `Row counts do not add up, so rows may have been lost or multiplied: ${broken
        .map(
          (r) =>
            `${r.source} → ${r.sink}: in ${r.rowsIn} ≠ out ${r.rowsOut} + malformed ${r.malformed} + quarantined ${r.quarantined} + duplicates ${r.duplicates} + dropped ${r.dropped} + filtered ${r.filtered}`,
        )
        .join(
          "; ",
        )}.${more ? " More rows came out than went in: check enrich joins for lookups with duplicate keys." : ""}`,
    );
  }
}

/** `not_null_id: 2, positive_amount: 1`: the rules that rows broke, with their counts. */
function describeRules(rules: Record<string, number>): string {
  return Object.entries(rules)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k}: ${v}`)
    .join(", ");
}
