/**
 * Turns zod issues into spec issues that say what was expected, what was found, and what was probably
 * meant. Zod knows the path and the failed check; the schema (walked here) knows the allowed keys and values.
 */
import type { z } from "zod";
import type { SpecPath } from "./errors.js";
import { describeFound, type IssueDraft, listChoices, suggestSuffix } from "./issues.js";
import { didYouMean } from "./suggest.js";

type ZodIssue = z.core.$ZodIssue;

/** The parts of a zod schema definition this module reads. */
interface SchemaDef {
  type: string;
  shape?: Record<string, SchemaNode>;
  element?: SchemaNode;
  innerType?: SchemaNode;
  valueType?: SchemaNode;
  options?: readonly SchemaNode[];
  discriminator?: string;
  entries?: Record<string, string | number>;
  values?: readonly unknown[];
}
interface SchemaNode {
  _zod: { def: SchemaDef };
}

/** Why a value that is valid elsewhere is refused at this place (a sentence, or ""). */
function whyNot(path: SpecPath, input: unknown): string {
  if (path.at(-1) === "severity" && (input === "quarantine" || input === "drop"))
    return ". A dataset rule is judged on the whole output after the writes, so it can fail the run or warn but not act on rows: quarantine rows with unknown keys with an enrich join (unmatched: quarantine), remove duplicate keys with dedupe";
  return "";
}

const WRAPPERS = new Set(["optional", "default", "nullable", "readonly", "prefault", "nonoptional"]);

function unwrap(node: SchemaNode): SchemaNode {
  let current = node;
  while (WRAPPERS.has(current._zod.def.type) && current._zod.def.innerType)
    current = current._zod.def.innerType;
  return current;
}

function valueAt(root: unknown, path: SpecPath): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/** Picks the union member that fits `value` (by discriminator, else by shape). */
function pickOption(node: SchemaNode, value: unknown): SchemaNode | undefined {
  const def = node._zod.def;
  const options = def.options ?? [];
  if (def.discriminator !== undefined && value !== null && typeof value === "object") {
    const tag = (value as Record<string, unknown>)[def.discriminator];
    return options.find((o) =>
      unwrap(o)._zod.def.shape?.[def.discriminator!]?._zod.def.values?.includes(tag),
    );
  }
  const wanted = Array.isArray(value)
    ? "array"
    : value !== null && typeof value === "object"
      ? "object"
      : undefined;
  return options.find((o) => unwrap(o)._zod.def.type === wanted);
}

/** The schema node that validates the value at `path`, or undefined when the path leaves the schema. */
export function schemaAt(root: SchemaNode, path: SpecPath, rootValue: unknown): SchemaNode | undefined {
  let node: SchemaNode | undefined = unwrap(root);
  for (let i = 0; i <= path.length && node; i++) {
    const def: SchemaDef = node._zod.def;
    if (def.type === "union") {
      node = pickOption(node, valueAt(rootValue, path.slice(0, i)));
      node = node && unwrap(node);
      i--;
      continue;
    }
    if (i === path.length) break;
    const segment = path[i]!;
    if (def.type === "object") node = def.shape?.[String(segment)];
    else if (def.type === "array") node = def.element;
    else if (def.type === "record") node = def.valueType;
    else node = undefined;
    node = node && unwrap(node);
  }
  return node;
}

/** The allowed values of an enum or literal schema, else undefined. */
function choicesOf(node: SchemaNode | undefined): readonly unknown[] | undefined {
  if (!node) return undefined;
  const def = unwrap(node)._zod.def;
  if (def.type === "enum" && def.entries) return Object.values(def.entries);
  if (def.type === "literal") return def.values;
  return undefined;
}

const TYPE_WORDS: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  array: "a list",
  object: "a map",
  record: "a map",
  null: "null",
};

/** What a failing union branch wanted, from its top-level issue. */
function branchExpectation(issues: readonly ZodIssue[]): string | undefined {
  const top = issues.find((i) => i.path.length === 0);
  if (!top) return undefined;
  if (top.code === "invalid_type") return TYPE_WORDS[top.expected] ?? top.expected;
  if (top.code === "invalid_value") return top.values.map((v) => JSON.stringify(v)).join(" or ");
  if (top.code === "too_small" && top.origin === "array") return "a non-empty list";
  if (top.code === "too_small" && top.origin === "string") return "a non-empty string";
  return undefined;
}

function toPath(prefix: SpecPath, path: readonly PropertyKey[]): SpecPath {
  return [...prefix, ...path.map((p) => (typeof p === "number" ? p : String(p)))];
}

function boundText(
  kind: "too_small" | "too_big",
  origin: string,
  bound: number | bigint,
  inclusive: boolean,
): string {
  const n = Number(bound);
  if (origin === "array")
    return kind === "too_small" ? `at least ${n} item${n === 1 ? "" : "s"}` : `at most ${n} items`;
  if (origin === "string")
    return kind === "too_small"
      ? n === 1
        ? "a non-empty string"
        : `at least ${n} characters`
      : `at most ${n} characters`;
  const op = kind === "too_small" ? (inclusive ? ">=" : ">") : inclusive ? "<=" : "<";
  return `a number ${op} ${n}`;
}

function foundForBound(origin: string, input: unknown): string {
  if (origin === "array" && Array.isArray(input))
    return input.length === 0 ? "an empty list" : `${input.length} items`;
  return describeFound(input);
}

/**
 * Drops a "missing required key" issue when an unknown key next to it is a likely misspelling of it:
 * `formt: csv` is one mistake, reported once as `unknown key "formt" — did you mean "format"?`.
 */
export function mergeMisspelledKeys(drafts: IssueDraft[]): IssueDraft[] {
  const misspelled = new Set(
    drafts
      .filter((d) => d.code === "unknown_key" && d.suggestion !== undefined)
      .map((d) => JSON.stringify([...d.path.slice(0, -1), d.suggestion])),
  );
  return drafts.filter((d) => d.code !== "missing_key" || !misspelled.has(JSON.stringify(d.path)));
}

/**
 * Converts zod issues for `rootValue` (validated by `root`) into drafts. `prefix` is prepended to every
 * path (used for nested union branches and per-element parsing).
 */
export function draftsFromZod(
  issues: readonly ZodIssue[],
  root: SchemaNode,
  rootValue: unknown,
  prefix: SpecPath = [],
): IssueDraft[] {
  return issues.flatMap((issue) =>
    draftsFromIssue(issue, {
      path: toPath(prefix, issue.path),
      input: (issue as { input?: unknown }).input,
      root,
      rootValue,
    }),
  );
}

/** Where an issue sits: its spec path, the value found there, and the schema and value it is part of. */
interface IssueSite {
  path: SpecPath;
  input: unknown;
  root: SchemaNode;
  rootValue: unknown;
}

type IssueOf<Code extends ZodIssue["code"]> = Extract<ZodIssue, { code: Code }>;

function draftsFromIssue(issue: ZodIssue, site: IssueSite): IssueDraft[] {
  const { path, input } = site;
  switch (issue.code) {
    case "invalid_type":
      return [invalidTypeDraft(issue, site)];
    case "invalid_value":
      return [invalidValueDraft(issue, site)];
    case "unrecognized_keys":
      return unknownKeyDrafts(issue, site);
    case "invalid_union": {
      const discriminator = (issue as { discriminator?: string }).discriminator;
      return discriminator === undefined
        ? unionDrafts(issue, site)
        : [discriminatorDraft(issue, discriminator, site)];
    }
    case "too_small":
    case "too_big": {
      const bound = issue.code === "too_small" ? issue.minimum : issue.maximum;
      const inclusive = issue.inclusive ?? true;
      return [
        {
          code: "invalid_value",
          path,
          message: `expected ${boundText(issue.code, issue.origin, bound, inclusive)}, found ${foundForBound(issue.origin, input)}`,
        },
      ];
    }
    case "invalid_key": {
      const inner = issue.issues[0];
      const reason = inner?.message.startsWith("expected") ? inner.message : "expected a valid key";
      return [
        { code: "invalid_value", path, at: "key", message: `${reason}, found ${describeFound(input)}` },
      ];
    }
    case "invalid_format":
    case "custom": {
      const message = issue.message.startsWith("expected")
        ? `${issue.message}, found ${describeFound(input)}`
        : issue.message;
      return [{ code: "invalid_value", path, message }];
    }
    default:
      return [{ code: "invalid_value", path, message: `${issue.message}, found ${describeFound(input)}` }];
  }
}

/** A missing key (no input: the choices the schema allows there) or a value of the wrong type. */
function invalidTypeDraft(
  issue: IssueOf<"invalid_type">,
  { path, input, root, rootValue }: IssueSite,
): IssueDraft {
  const expected = TYPE_WORDS[issue.expected] ?? issue.expected;
  if (input !== undefined)
    return { code: "invalid_type", path, message: `expected ${expected}, found ${describeFound(input)}` };
  const choices = choicesOf(schemaAt(root, path, rootValue));
  const wanted = choices ? `one of ${listChoices(choices)}` : expected;
  return {
    code: "missing_key",
    path,
    message: `missing required key ${JSON.stringify(String(path.at(-1)))} (expected ${wanted})`,
  };
}

/** A missing key or a value outside the allowed ones, with the closest allowed value as a suggestion. */
function invalidValueDraft(issue: IssueOf<"invalid_value">, { path, input }: IssueSite): IssueDraft {
  if (input === undefined)
    return {
      code: "missing_key",
      path,
      message: `missing required key ${JSON.stringify(String(path.at(-1)))} (expected one of ${listChoices(issue.values)})`,
    };
  const suggestion = typeof input === "string" ? didYouMean(input, issue.values.map(String)) : undefined;
  const expected =
    issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${listChoices(issue.values)}`;
  return {
    code: "invalid_value",
    path,
    message: `expected ${expected}, found ${describeFound(input)}${suggestSuffix(suggestion)}${whyNot(path, input)}`,
    ...(suggestion === undefined ? {} : { suggestion }),
  };
}

/** One draft per unknown key, each with a likely misspelling or the allowed keys. */
function unknownKeyDrafts(
  issue: IssueOf<"unrecognized_keys">,
  { path, root, rootValue }: IssueSite,
): IssueDraft[] {
  const node = schemaAt(root, path, rootValue);
  const allowed = Object.keys((node && unwrap(node)._zod.def.shape) ?? {});
  return issue.keys.map((key) => {
    const suggestion = didYouMean(key, allowed);
    // `{type: decimal(10,2)}` in a flow map splits at the comma, leaving a key like "2)".
    const splitValue = /^[^(]*\)$/.test(key)
      ? ' — a comma inside { } ends a value; quote it, e.g. "decimal(10,2)"'
      : undefined;
    const hint =
      splitValue ??
      (suggestion === undefined ? ` (allowed: ${listChoices(allowed)})` : suggestSuffix(suggestion));
    return {
      code: "unknown_key",
      path: [...path, key],
      at: "key",
      message: `unknown key ${JSON.stringify(key)}${hint}`,
      ...(suggestion === undefined ? {} : { suggestion }),
    };
  });
}

/** A discriminated union's failure: the value is not a map, lacks the tag, or has an unknown tag. */
function discriminatorDraft(
  issue: IssueOf<"invalid_union">,
  discriminator: string,
  { path, input }: IssueSite,
): IssueDraft {
  // Zod already put the discriminator key at the end of the path; `input` is the parent object.
  const options = ((issue as { options?: unknown[] }).options ?? []).map(String);
  if (input === null || typeof input !== "object" || Array.isArray(input))
    return {
      code: "invalid_type",
      path: path.slice(0, -1),
      message: `expected a map, found ${describeFound(input)}`,
    };
  const tag = (input as Record<string, unknown>)[discriminator];
  if (tag === undefined)
    return {
      code: "missing_key",
      path,
      message: `missing required key ${JSON.stringify(discriminator)} (expected one of ${listChoices(options)})`,
    };
  const suggestion = typeof tag === "string" ? didYouMean(tag, options) : undefined;
  return {
    code: "invalid_value",
    path,
    message: `expected one of ${listChoices(options)}, found ${describeFound(tag)}${suggestSuffix(suggestion)}`,
    ...(suggestion === undefined ? {} : { suggestion }),
  };
}

/** A plain union's failure: the one branch that accepted the value's shape, or every branch's expectation. */
function unionDrafts(
  issue: IssueOf<"invalid_union">,
  { path, input, root, rootValue }: IssueSite,
): IssueDraft[] {
  // If exactly one branch accepted the value's shape, its deeper issues are the real ones.
  const deeper = issue.errors.filter((branch) => branchExpectation(branch) === undefined);
  if (deeper.length === 1 && input !== undefined) return draftsFromZod(deeper[0]!, root, rootValue, path);
  const expected = issue.errors
    .map(branchExpectation)
    .filter((e): e is string => e !== undefined)
    .join(" or ");
  if (input === undefined)
    return [
      {
        code: "missing_key",
        path,
        message: `missing required key ${JSON.stringify(String(path.at(-1)))} (expected ${expected})`,
      },
    ];
  const literals = issue.errors.flatMap((b) =>
    b.flatMap((i) => (i.code === "invalid_value" ? i.values.map(String) : [])),
  );
  const suggestion = typeof input === "string" ? didYouMean(input, literals) : undefined;
  return [
    {
      code: "invalid_type",
      path,
      message: `expected ${expected}, found ${describeFound(input)}${suggestSuffix(suggestion)}${whyNot(path, input)}`,
      ...(suggestion === undefined ? {} : { suggestion }),
    },
  ];
}
