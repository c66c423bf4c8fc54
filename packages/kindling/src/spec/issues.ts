/** Internal helpers for building issues before they are placed in a file. */

import type { SpecIssueCode, SpecPath } from "./errors.js";
import { didYouMean } from "./suggest.js";

/** An issue before it has a file position. */
export interface IssueDraft {
  code: SpecIssueCode;
  path: SpecPath;
  message: string;
  suggestion?: string;
  /** Point at the key of the last path segment rather than its value (unknown keys, bad map keys). */
  at?: "key";
  /** A piece of the string value to point at precisely (a parameter reference, a column in SQL). */
  token?: { text: string; offset: number };
}

/** How a found value reads in a message: `"text"`, `42`, `a list`, `a map`, `null`. */
export function describeFound(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a map";
  return String(value);
}

/** Lists choices as `a, b, c`. */
export function listChoices(choices: readonly unknown[]): string {
  return choices.map((c) => String(c)).join(", ");
}

/** Builds an issue for a name that should be one of `known`, with a did-you-mean when one is close. */
export function unknownName(
  code: SpecIssueCode,
  path: SpecPath,
  what: string,
  found: string,
  known: Iterable<string>,
  extra: Partial<IssueDraft> = {},
): IssueDraft {
  const suggestion = didYouMean(found, known);
  const message = `${what} ${JSON.stringify(found)}${suggestion === undefined ? "" : ` — did you mean ${JSON.stringify(suggestion)}?`}`;
  return { code, path, message, ...(suggestion === undefined ? {} : { suggestion }), ...extra };
}

/** Appends ` — did you mean "x"?` when a suggestion exists. */
export function suggestSuffix(suggestion: string | undefined): string {
  return suggestion === undefined ? "" : ` — did you mean ${JSON.stringify(suggestion)}?`;
}
