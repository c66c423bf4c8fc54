import { KindlingError } from "../errors.js";

/** A path into a spec, as keys and list indexes: `["steps", 2, "rules", 0, "severity"]`. */
export type SpecPath = readonly (string | number)[];

/** What kind of problem an issue is; stable, for programs and tests. */
export type SpecIssueCode =
  | "yaml_syntax"
  | "unreadable_file"
  | "unknown_key"
  | "missing_key"
  | "invalid_type"
  | "invalid_value"
  | "duplicate_name"
  | "missing_reference"
  | "cycle"
  | "unknown_column"
  | "unknown_parameter"
  | "missing_parameter"
  | "invalid_sql"
  | "invalid_spark_type"
  | "conflict";

/** One problem in a pipeline spec, pointing at where it is. */
export interface SpecIssue {
  code: SpecIssueCode;
  /** The spec file, as it was given to the loader; absent for specs built in TypeScript. */
  file?: string;
  /** 1-based line and column in `file`; absent when the spec has no file or the place has no position. */
  line?: number;
  column?: number;
  /** The path as text, e.g. `steps[2].rules[0].severity` (empty for the whole document). */
  path: string;
  /** The same path as keys and indexes. */
  segments: SpecPath;
  /** What is wrong: expected vs found, and a suggestion where one is likely. */
  message: string;
  /** A close name the author probably meant, if any. */
  suggestion?: string;
}

/** Formats a path as `steps[2].rules[0].severity`; keys that are not plain words are quoted. */
export function formatPath(path: SpecPath): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) text += text === "" ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/** One line for an issue: `file:line:col path: message` (or `file:line:col: message` without a path). */
export function formatIssue(issue: SpecIssue): string {
  const where =
    issue.file === undefined
      ? ""
      : issue.line === undefined
        ? issue.file
        : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  if (issue.path === "") return where === "" ? issue.message : `${where}: ${issue.message}`;
  return where === "" ? `${issue.path}: ${issue.message}` : `${where} ${issue.path}: ${issue.message}`;
}

/**
 * A pipeline spec that cannot be used. Carries every problem found, not just the first; the message is a
 * readable report with one line per issue. Exit code 2 (a spec error) when it reaches the CLI.
 */
export class SpecError extends KindlingError {
  readonly issues: readonly SpecIssue[];
  constructor(issues: readonly SpecIssue[], subject: string) {
    const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
    super(
      `${subject} is not a valid pipeline (${count}):\n${issues.map((i) => `  ${formatIssue(i)}`).join("\n")}`,
      "spec",
    );
    this.name = "SpecError";
    this.issues = issues;
  }
}
