/**
 * Parameters: `${name}` in any string value outside `parameters` is replaced by the parameter's value.
 * Precedence, lowest first: the declared default, the environment variable KINDLING_PARAM_<NAME>, then
 * `--set name=value`. `$${` writes a literal `${`.
 */
import type { SpecPath } from "./errors.js";
import { type IssueDraft, unknownName } from "./issues.js";

/** The environment variable that sets parameter `name`. */
export function parameterEnvName(name: string): string {
  return `KINDLING_PARAM_${name.toUpperCase()}`;
}

/** Where parameter values come from, besides the declared defaults. */
export interface ParameterOverrides {
  /** `--set name=value` pairs; they win over everything else. */
  set?: Record<string, string>;
  /** The environment to read KINDLING_PARAM_<NAME> from (default: none). */
  env?: NodeJS.ProcessEnv;
}

/** Declared parameters as the resolver needs them: name → default (undefined when none). */
export type DeclaredParameters = ReadonlyMap<string, string | undefined>;

/**
 * Each declared parameter's value after defaults, environment and `--set` (undefined when it has none),
 * plus issues for `--set` names that are not declared.
 */
export function resolveParameterValues(
  declared: DeclaredParameters,
  overrides: ParameterOverrides,
): { values: Map<string, string | undefined>; issues: IssueDraft[] } {
  const values = new Map<string, string | undefined>();
  for (const [name, fallback] of declared) {
    values.set(name, overrides.set?.[name] ?? overrides.env?.[parameterEnvName(name)] ?? fallback);
  }
  const issues: IssueDraft[] = [];
  for (const name of Object.keys(overrides.set ?? {})) {
    if (!declared.has(name)) {
      const issue = unknownName(
        "unknown_parameter",
        ["parameters", name],
        "--set names a parameter the pipeline does not declare:",
        name,
        declared.keys(),
      );
      issues.push({ ...issue, path: ["parameters"], at: "key" });
    }
  }
  return { values, issues };
}

const REFERENCE = /\$\$\{|\$\{([^}]*)\}/g;

/**
 * Replaces `${name}` references in one string. Unknown or value-less references are left as written and
 * reported at `path`, pointing at the reference inside the string.
 */
export function interpolate(
  text: string,
  values: ReadonlyMap<string, string | undefined>,
  path: SpecPath,
  issues: IssueDraft[],
): string {
  if (!text.includes("${")) return text;
  return text.replace(REFERENCE, (match, name: string | undefined, offset: number) => {
    if (name === undefined) return "${";
    const token = { text: match, offset };
    const trimmed = name.trim();
    if (!values.has(trimmed)) {
      issues.push(
        unknownName("unknown_parameter", path, "unknown parameter", trimmed, values.keys(), { token }),
      );
      return match;
    }
    const value = values.get(trimmed);
    if (value === undefined) {
      issues.push({
        code: "missing_parameter",
        path,
        token,
        message: `parameter ${JSON.stringify(trimmed)} has no value: give it a default, pass --set ${trimmed}=..., or set ${parameterEnvName(trimmed)}`,
      });
      return match;
    }
    return value;
  });
}

/** True when the whole string is one parameter reference, like `${limit}`. */
export function isWholeReference(text: string): boolean {
  return /^\$\{[^}]*\}$/.test(text);
}

/**
 * Substitutes parameters in every string of a plain JS value (a spec built in TypeScript), skipping the
 * `parameters` section itself.
 */
export function interpolateValue(
  value: unknown,
  values: ReadonlyMap<string, string | undefined>,
  issues: IssueDraft[],
  path: SpecPath = [],
): unknown {
  if (typeof value === "string") return interpolate(value, values, path, issues);
  if (Array.isArray(value))
    return value.map((item, i) => interpolateValue(item, values, issues, [...path, i]));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] =
        path.length === 0 && key === "parameters"
          ? item
          : interpolateValue(item, values, issues, [...path, key]);
    }
    return out;
  }
  return value;
}

/** The declared parameters of a raw spec value: name → default as text. Malformed entries are skipped. */
export function declaredParameters(raw: unknown): Map<string, string | undefined> {
  const declared = new Map<string, string | undefined>();
  const params =
    raw !== null && typeof raw === "object" ? (raw as Record<string, unknown>).parameters : undefined;
  if (params === null || typeof params !== "object" || Array.isArray(params)) return declared;
  for (const [name, spec] of Object.entries(params)) {
    const fallback =
      spec !== null && typeof spec === "object" ? (spec as Record<string, unknown>).default : undefined;
    declared.set(name, fallback === undefined || fallback === null ? undefined : String(fallback));
  }
  return declared;
}
