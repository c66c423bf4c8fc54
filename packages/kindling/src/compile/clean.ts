import {
  type Column,
  type DataFrame,
  functions as F,
  type StructField,
  simpleString,
  Window,
} from "@kindling/spark-connect";
import { KindlingError } from "../errors.js";
import { ruleArgumentIssues } from "../spec/check/rule-arguments.js";
import { formatPath } from "../spec/errors.js";
import type { CleanStepSpec, RuleSpec } from "../spec/index.js";
import { parseSparkType } from "../spec/spark-types.js";
import { ACTION, BLOCK, CORRUPT, FILE, isHidden, q, REASON, SEQ, sqlLiteral, sqlString } from "./hidden.js";
import { countWhere, dedupeMetric, sourceCounts, stepMetric } from "./metrics.js";
import { stepToQuarantine } from "./quarantine.js";

const ORIGINAL = "_k_orig_";
const RN = "_k_rn";
const CAST_PRE = "_k_castpre";

/** A row-level verdict of a clean step: a condition that is true when the row breaks the rule. */
interface Verdict {
  name: string;
  broken: Column;
  severity: "quarantine" | "drop" | "fail" | "warn";
}

/** A dataset-level rule, judged after the run's writes by a small query of its own. */
export interface DatasetCheck {
  step: string;
  rule: RuleSpec;
  name: string;
}

export interface CompiledClean {
  output: DataFrame;
  quarantine: DataFrame | undefined;
  /** Metric aliases → rule names (observed metric columns are positional names). */
  ruleAliases: Record<string, string>;
  warnAliases: Record<string, string>;
  datasetChecks: DatasetCheck[];
  hasDedupe: boolean;
}

const PART = (i: number) => `r${i}`;

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
 * Compiles a clean step in the documented order: trim → nulls → case → standardize → casts → row
 * rules → dedupe. Each row gets one verdict (the first rule it breaks); rows to quarantine keep
 * their raw record; the step's counts are observed in the same pass. With `malformed`, the
 * step's quarantine also holds the source's malformed rows (rule `malformed`), read by the same
 * scan.
 */
export async function compileClean(
  input: DataFrame,
  step: CleanStepSpec,
  source: string,
  malformed?: MalformedInput,
): Promise<CompiledClean> {
  const schema = await input.schema();
  const visible = schema.fields.filter((f) => !isHidden(f.name));
  checkRuleArguments(step, visible);
  const stringCols = visible.filter((f) => f.dataType.typeName === "string").map((f) => f.name);
  // The raw record of a quarantined row is the row as this step received it. Columns the step
  // rewrites keep their original value under a hidden name; the JSON is built only for the rows
  // that end in quarantine (after the filter), and the copies are pruned from the main path.
  const modified = new Set<string>([
    ...(step.trim === "all" ? stringCols : (step.trim ?? [])),
    ...(step.nulls ? (step.nulls.columns === "all" ? stringCols : step.nulls.columns) : []),
    ...Object.keys(step.nulls?.defaults ?? {}),
    ...Object.keys(step.case ?? {}),
    ...(step.standardize ?? []).map((x) => x.column),
    ...Object.keys(step.casts ?? {}),
  ]);
  const original = (c: string) => (modified.has(c) ? `${ORIGINAL}${c}` : c);
  const raw = F.toJson(F.struct(...visible.map((f) => F.col(q(original(f.name))).alias(f.name))));
  const casts = Object.entries(step.casts ?? {});

  // Verdicts: a row breaks a rule when its condition is true (checked after the rewrites below).
  const verdicts: Verdict[] = [];
  casts.forEach(([c], i) => {
    const severity =
      step.on_cast_error === "null"
        ? "warn"
        : step.on_cast_error === "fail"
          ? "fail"
          : step.on_cast_error === "drop"
            ? "drop"
            : "quarantine";
    verdicts.push({ name: `cast_${c}`, broken: F.col(`_k_castfail${i}`), severity });
  });
  const datasetChecks: DatasetCheck[] = [];
  (step.rules ?? []).forEach((rule, i) => {
    const name = rule.name ?? defaultRuleName(rule, i);
    const broken = rowRuleBroken(rule);
    if (broken) verdicts.push({ name, broken, severity: rule.severity as Verdict["severity"] });
    else datasetChecks.push({ step: step.name, rule, name });
  });
  // A row whose dedupe key is unknown is a duplicate of no other row (docs/pipeline-spec.md, "Null
  // keys"); with null_keys quarantine or fail it gets a verdict of its own, judged after the rules.
  if (step.dedupe && step.dedupe.null_keys !== "keep")
    verdicts.push({
      name: NULL_KEY,
      broken: anyNull(step.dedupe.keys),
      severity: step.dedupe.null_keys as Verdict["severity"],
    });
  const acting = verdicts.filter((v) => v.severity !== "warn");
  const warns = verdicts.filter((v) => v.severity === "warn");
  // The action follows from the reason (each rule name has one severity), so the rule conditions,
  // regexes included, are evaluated once per row; a name reused with two severities falls back to
  // evaluating the conditions again.
  const severityOf = new Map<string, string>();
  const ambiguous = acting.some((v) => severityOf.has(v.name) && severityOf.get(v.name) !== v.severity);
  for (const v of acting) severityOf.set(v.name, v.severity);

  /** The step's rewrites and each row's verdict (REASON, ACTION), from `base`'s rows. */
  const judge = (base: DataFrame, withMalformed: boolean): DataFrame => {
    let df = modified.size
      ? base.withColumns(Object.fromEntries([...modified].map((c) => [`${ORIGINAL}${c}`, F.col(q(c))])))
      : base;
    // 1. trim
    const trimCols = step.trim === "all" ? stringCols : (step.trim ?? []);
    if (trimCols.length)
      df = df.withColumns(Object.fromEntries(trimCols.map((c) => [c, F.expr(`trim(${q(c)})`)])));
    // 2. null-like values, then defaults
    if (step.nulls) {
      const cols = step.nulls.columns === "all" ? stringCols : step.nulls.columns;
      const values = step.nulls.values.map((v) => sqlString(v.toLowerCase())).join(", ");
      // Null-like values match case-insensitively; lower() is skipped when none has a letter
      // (e.g. just ""), as it copies every value of the column.
      const caseless = step.nulls.values.every((v) => v.toLowerCase() === v.toUpperCase());
      const probe = (c: string) => (caseless ? q(c) : `lower(${q(c)})`);
      if (cols.length && step.nulls.values.length) {
        df = df.withColumns(
          Object.fromEntries(
            cols.map((c) => [c, F.expr(`CASE WHEN ${probe(c)} IN (${values}) THEN NULL ELSE ${q(c)} END`)]),
          ),
        );
      }
      const defaults = Object.entries(step.nulls.defaults ?? {});
      if (defaults.length) {
        df = df.withColumns(
          Object.fromEntries(defaults.map(([c, v]) => [c, F.expr(`coalesce(${q(c)}, ${sqlLiteral(v)})`)])),
        );
      }
    }
    // 3. case
    const caseEntries = Object.entries(step.case ?? {});
    if (caseEntries.length) {
      const fn = { upper: "upper", lower: "lower", title: "initcap" } as const;
      df = df.withColumns(
        Object.fromEntries(caseEntries.map(([c, how]) => [c, F.expr(`${fn[how]}(${q(c)})`)])),
      );
    }
    // 4. standardize
    for (const s of step.standardize ?? []) {
      let e = q(s.column);
      for (const r of s.replace ?? [])
        e = `regexp_replace(${e}, ${sqlString(r.pattern)}, ${sqlString(r.with)})`;
      const map = Object.entries(s.map ?? {});
      if (map.length) {
        e = `CASE ${map.map(([from, to]) => `WHEN ${e} = ${sqlString(from)} THEN ${to === null ? "NULL" : sqlString(to)}`).join(" ")} ELSE ${e} END`;
      }
      df = df.withColumn(s.column, F.expr(e));
    }
    // 5. casts: never fail the job; a non-null value that does not cast gets a verdict
    if (casts.length) {
      const castExpr = (c: string, spec: (typeof casts)[number][1]) => {
        const type = typeof spec === "string" ? spec : spec.type;
        const format = typeof spec === "string" ? undefined : spec.format;
        if (format && /^(timestamp|timestamp_ntz)$/i.test(type))
          return `try_to_timestamp(${q(c)}, ${sqlString(format)})`;
        if (format && /^date$/i.test(type))
          return `CAST(try_to_timestamp(${q(c)}, ${sqlString(format)}) AS DATE)`;
        return `try_cast(${q(c)} AS ${type})`;
      };
      // The value before the cast is kept aside, so each cast is evaluated once: the failure
      // flag compares the two (written as one expression, the cast would run twice per row).
      df = df.withColumns(Object.fromEntries(casts.map(([c], i) => [`${CAST_PRE}${i}`, F.col(q(c))])));
      df = df.withColumns(
        Object.fromEntries(casts.map(([c, spec], i) => [c, F.expr(castExpr(`${CAST_PRE}${i}`, spec))])),
      );
      df = df.withColumns(
        Object.fromEntries(
          casts.map(([c], i) => [
            `_k_castfail${i}`,
            F.col(`${CAST_PRE}${i}`)
              .isNotNull()
              .and(F.col(q(c)).isNull()),
          ]),
        ),
      );
    }
    // 6. row rules: the first rule broken is the row's reason (a malformed row's reason is
    // `malformed`, and its rules are not evaluated: CASE branches run only when reached)
    const rules: { when: Column; name: string }[] = [
      ...(withMalformed ? [{ when: F.col(CORRUPT).isNotNull(), name: "malformed" }] : []),
      ...acting.map((v) => ({ when: v.broken, name: v.name })),
    ];
    const reason = rules.length
      ? rules.reduce<Column | undefined>(
          (acc, r) => (acc ? acc.when(r.when, r.name) : F.when(r.when, r.name)),
          undefined,
        )!
      : F.lit(null).cast("string");
    const actions = withMalformed ? new Map([["malformed", "quarantine"], ...severityOf]) : severityOf;
    const action = !rules.length
      ? F.lit(null).cast("string")
      : ambiguous
        ? rules.reduce<Column | undefined>((acc, r, i) => {
            const sev = withMalformed && i === 0 ? "quarantine" : acting[withMalformed ? i - 1 : i]!.severity;
            return acc ? acc.when(r.when, sev) : F.when(r.when, sev);
          }, undefined)!
        : F.expr(
            `CASE ${REASON} ${[...actions].map(([n, sev]) => `WHEN ${sqlString(n)} THEN ${sqlString(sev)}`).join(" ")} END`,
          );
    return df.withColumn(REASON, reason).withColumn(ACTION, action);
  };

  const ruleNames = [...new Set(acting.map((v) => v.name))];
  const ruleAliases: Record<string, string> = {};
  const warnAliases: Record<string, string> = {};
  // Counting the source as well, the step sees its malformed rows (reason `malformed`, action
  // quarantine): the step's own counts are over the rows that parsed.
  const countsSource = Boolean(malformed?.countsSource);
  const parsed = F.col(CORRUPT).isNull();
  const ofParsed = (c: Column) => (countsSource ? parsed.and(c) : c);
  const metrics: Column[] = [
    countsSource ? countWhere(parsed).alias("rows_in") : F.count(F.lit(1)).alias("rows_in"),
    countWhere(ofParsed(F.col(ACTION).eqNullSafe("quarantine"))).alias("quarantined"),
    countWhere(F.col(ACTION).eqNullSafe("drop")).alias("dropped"),
    countWhere(F.col(ACTION).eqNullSafe("fail")).alias("failed"),
  ];
  ruleNames.forEach((n, i) => {
    ruleAliases[PART(i)] = n;
    const broke = F.col(REASON).eqNullSafe(n);
    metrics.push(countWhere(n === "malformed" ? ofParsed(broke) : broke).alias(PART(i)));
  });
  warns.forEach((w, i) => {
    warnAliases[`w${i}`] = w.name;
    metrics.push(countWhere(ofParsed(w.broken)).alias(`w${i}`));
  });
  if (countsSource) metrics.push(...sourceCounts("source_"));
  const tagged = judge(input, countsSource).observe(stepMetric(step.name), ...metrics);

  const helperCols = [
    ...[...modified].map((c) => `${ORIGINAL}${c}`),
    REASON,
    ACTION,
    ...casts.map((_, i) => `_k_castfail${i}`),
    ...casts.map((_, i) => `${CAST_PRE}${i}`),
    ...(countsSource ? [CORRUPT] : []),
  ];
  let passed = tagged.filter(F.col(ACTION).isNull()).drop(...helperCols);
  const quarantines = acting.some((v) => v.severity === "quarantine");
  let quarantine: DataFrame | undefined;
  if (malformed) {
    // Not observed (`all` is not either): the counts come from the main path.
    const judged = judge(malformed.all, true).filter(F.col(ACTION).eqNullSafe("quarantine"));
    const isMalformed = F.col(CORRUPT).isNotNull();
    quarantine = judged.select(
      F.lit(source).alias("source"),
      F.when(isMalformed, `source:${source}`).otherwise(step.name).alias("step"),
      F.col(REASON).cast("string").alias("rule"),
      F.when(isMalformed, F.coalesce(F.col(CORRUPT), F.col(q(malformed.anyDataColumn)).cast("string")))
        .otherwise(raw)
        .alias("record"),
      F.col(FILE).alias("file"),
    );
  } else if (quarantines) {
    quarantine = stepToQuarantine(
      tagged.filter(F.col(ACTION).eqNullSafe("quarantine")),
      source,
      step.name,
      F.col(REASON),
      raw,
    );
  }

  // 7. dedupe: the first row in order_by order wins; ties go to the row read last. Rows with a
  // null key share a window partition but are not duplicates: all of them are kept.
  if (step.dedupe) {
    const known = anyNull(step.dedupe.keys).not();
    const order = [
      ...(step.dedupe.order_by ?? []).map(orderTerm),
      F.col(FILE).desc(),
      F.col(BLOCK).desc(),
      F.col(SEQ).desc(),
    ];
    const w = Window.partitionBy(...step.dedupe.keys.map((k) => F.col(q(k)))).orderBy(...order);
    passed = passed
      .withColumn(RN, F.rowNumber().over(w))
      .observe(
        dedupeMetric(step.name),
        F.count(F.lit(1)).alias("rows_in"),
        countWhere(known.and(F.col(RN).gt(1))).alias("duplicates"),
      )
      .filter(F.col(RN).equalTo(1).or(known.not()))
      .drop(RN);
  }
  return {
    output: passed,
    quarantine,
    ruleAliases,
    warnAliases,
    datasetChecks,
    hasDedupe: Boolean(step.dedupe),
  };
}

/**
 * The rule arguments checked against Spark's resolved column types (after the step's casts), for
 * columns `validate` could not know (no declared schema). Same checks as validate.
 * @throws KindlingError (code spec) naming the step, the rule's YAML path and the expected value
 */
function checkRuleArguments(step: CleanStepSpec, fields: readonly StructField[]): void {
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

/** The reason of a row quarantined (or failed) by `dedupe.null_keys` for a null key. */
export const NULL_KEY = "null_key";

/** True when any of `keys` is null: the row's key is unknown. */
function anyNull(keys: readonly string[]): Column {
  return F.expr(keys.map((c) => `${q(c)} IS NULL`).join(" OR "));
}

/** `"col [asc|desc] [nulls first|last]"` → a sort Column. */
export function orderTerm(term: string): Column {
  const m = term.trim().match(/^(`[^`]+`|\S+)(?:\s+(asc|desc))?(?:\s+nulls\s+(first|last))?$/i);
  const name = (m?.[1] ?? term).replace(/^`|`$/g, "");
  const c = F.col(q(name));
  const desc = m?.[2]?.toLowerCase() === "desc";
  const nulls = m?.[3]?.toLowerCase();
  if (desc) return nulls === "first" ? c.descNullsFirst() : c.descNullsLast();
  return nulls === "last" ? c.ascNullsLast() : c.ascNullsFirst();
}

function defaultRuleName(rule: RuleSpec, i: number): string {
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

const isNum = (v: unknown) => typeof v === "number";

/** The "rule is broken" condition for a row rule (null passes all but not_null); undefined for dataset rules. */
function rowRuleBroken(rule: RuleSpec): Column | undefined {
  switch (rule.check) {
    case "not_null":
      return F.expr(rule.columns.map((c) => `${q(c)} IS NULL`).join(" OR "));
    case "range": {
      const numeric = isNum(rule.min) || isNum(rule.max);
      const v = numeric ? `try_cast(${q(rule.column)} AS DECIMAL(38,10))` : q(rule.column);
      const lit = (b: unknown) => (isNum(b) ? String(b) : sqlString(String(b)));
      const conds: string[] = [];
      if (rule.min !== undefined) conds.push(`${v} >= ${lit(rule.min)}`);
      if (rule.max !== undefined) conds.push(`${v} <= ${lit(rule.max)}`);
      // A value that is not a number breaks a numeric range; null passes.
      const ok = conds.length ? conds.join(" AND ") : "true";
      return F.expr(`${q(rule.column)} IS NOT NULL AND NOT coalesce(${ok}, false)`);
    }
    case "regex":
      return F.expr(
        `${q(rule.column)} IS NOT NULL AND NOT (${q(rule.column)} RLIKE ${sqlString(`^(?:${rule.pattern})$`)})`,
      );
    case "accepted_values":
      return F.expr(
        `${q(rule.column)} IS NOT NULL AND ${q(rule.column)} NOT IN (${rule.values.map((v) => sqlLiteral(v)).join(", ")})`,
      );
    case "expression":
      return F.expr(`NOT coalesce(${rule.condition}, false)`);
    default:
      return undefined;
  }
}
