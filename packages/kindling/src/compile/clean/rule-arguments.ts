import { type StructField, simpleString } from "@kindling/spark-connect";
import { KindlingError } from "../../errors.js";
import { ruleArgumentIssues } from "../../spec/check/rule-arguments.js";
import { formatPath } from "../../spec/errors.js";
import type { CleanStepSpec } from "../../spec/index.js";
import { parseSparkType } from "../../spec/spark-types.js";

/**
 * The rule arguments checked against Spark's resolved column types (after the step's casts), for
 * columns `validate` could not know (no declared schema). Same checks as validate.
 * @throws KindlingError (code spec) naming the step, the rule's YAML path and the expected value
 */
export function checkRuleArguments(step: CleanStepSpec, fields: readonly StructField[]): void {
  const typeOf = (column: string): string | undefined => {
    const lower = column.toLowerCase();
    const cast = Object.entries(step.casts ?? {}).find(([c]) => c.toLowerCase() === lower)?.[1];
    if (cast !== undefined) {
      const parsed = parseSparkType(typeof cast === "string" ? cast : cast.type);
      return parsed.ok ? parsed.type : undefined;
    }
    const field = fields.find((f) => f.name.toLowerCase() === lower);
    return field && simpleString(field.dataType);
  };
  const issues = (step.rules ?? []).flatMap((rule, i) =>
    rule.check === "range" || rule.check === "accepted_values"
      ? ruleArgumentIssues(rule, ["rules", i], typeOf(rule.column))
      : [],
  );
  if (issues.length)
    throw new KindlingError(
      issues.map((x) => `step "${step.name}" ${formatPath(x.path)}: ${x.message}`).join("\n"),
      "spec",
    );
}
