/**
 * Rule arguments checked against the column's type before Spark runs: a `range` bound or an
 * `accepted_values` value that cannot compare with the column would make every row break the
 * rule (`min: zero` on an int column quarantined every row). Used by `validate` (declared types,
 * after the step's casts) and by the compiler (Spark's resolved types) where nothing was declared.
 */
import type { SpecPath } from "../errors.js";
import { describeFound, type IssueDraft, suggestSuffix } from "../issues.js";
import type { RuleSpec } from "../schema.js";

const NUMERIC = /^(tinyint|smallint|int|integer|bigint|float|double|decimal(\(.*\))?)$/;
const NUMBER_TEXT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];

type Kind = "number" | "date" | "timestamp" | "boolean";

function kindOf(type: string): Kind | undefined {
  const t = type.toLowerCase();
  if (NUMERIC.test(t)) return "number";
  if (t === "date") return "date";
  if (/^timestamp(_ntz|_ltz)?$/.test(t)) return "timestamp";
  if (t === "boolean") return "boolean";
  return undefined;
}

/** True for a real calendar date `yyyy-MM-dd` (2024-02-30 is not). */
function validDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(2000, m - 1, d));
  t.setUTCFullYear(y);
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T]([01]\d|2[0-3]):([0-5]\d)(:([0-5]\d)(\.\d{1,6})?)?$/;

/** Whether `value` compares with a column of this kind without a cast that fails. */
function fits(value: unknown, kind: Kind): boolean {
  if (kind === "number")
    return typeof value === "number" || (typeof value === "string" && NUMBER_TEXT.test(value.trim()));
  if (kind === "boolean") return typeof value === "boolean" || value === "true" || value === "false";
  if (typeof value !== "string") return false;
  const m =
    (kind === "date" ? DATE : TIMESTAMP).exec(value.trim()) ??
    (kind === "timestamp" ? DATE.exec(value.trim()) : null);
  return m !== null && validDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** A likely meant value: `zero` → 0, `1,000` → 1000, `2024/1/5` → 2024-01-05. */
function likely(value: unknown, kind: Kind): string | undefined {
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (kind === "number") {
    const word = WORDS.indexOf(text.toLowerCase());
    if (word >= 0) return String(word);
    const stripped = text.replace(/[,_\s]/g, "");
    return stripped !== text && NUMBER_TEXT.test(stripped) ? stripped : undefined;
  }
  if (kind === "date" || kind === "timestamp") {
    const m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(.*)$/.exec(text);
    if (!m) return undefined;
    const fixed = `${m[1]}-${m[2]!.padStart(2, "0")}-${m[3]!.padStart(2, "0")}${kind === "timestamp" ? m[4] : ""}`;
    return fixed !== text && fits(fixed, kind) ? fixed : undefined;
  }
  return undefined;
}

const EXPECTED: Record<Kind, string> = {
  number: "a number",
  date: "a date yyyy-MM-dd",
  timestamp: 'a timestamp "yyyy-MM-dd HH:mm:ss[.ffffff]" (or a date yyyy-MM-dd)',
  boolean: "true or false",
};

function issue(at: SpecPath, value: unknown, column: string, type: string, kind: Kind): IssueDraft {
  const suggestion = likely(value, kind);
  return {
    code: "invalid_type",
    path: at,
    message: `expected ${EXPECTED[kind]} (column ${JSON.stringify(column)} is ${type}), found ${describeFound(value)}${suggestSuffix(suggestion)}`,
    ...(suggestion === undefined ? {} : { suggestion }),
  };
}

/**
 * Issues for the arguments of one rule (`range` min/max, `accepted_values` values) against the
 * type of its column; `at` is the rule's path, `type` the column's Spark type in short form
 * (undefined: unknown, nothing is checked; text columns take any value).
 */
export function ruleArgumentIssues(rule: RuleSpec, at: SpecPath, type: string | undefined): IssueDraft[] {
  const kind = type === undefined ? undefined : kindOf(type);
  if (!kind || !type) return [];
  const issues: IssueDraft[] = [];
  if (rule.check === "range") {
    if (kind === "boolean") return [];
    for (const bound of ["min", "max"] as const) {
      const value = rule[bound];
      if (value !== undefined && !fits(value, kind))
        issues.push(issue([...at, bound], value, rule.column, type, kind));
    }
  } else if (rule.check === "accepted_values") {
    rule.values.forEach((value, i) => {
      if (!fits(value, kind)) issues.push(issue([...at, "values", i], value, rule.column, type, kind));
    });
  }
  return issues;
}
