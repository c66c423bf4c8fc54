/**
 * Checks that need more than one field at a time: paths and their schemes, declared types, reader options,
 * options that only make sense together, and that a quarantine exists when rows are sent to it.
 */
import { checkDeltaSink, checkDeltaSource, checkIncremental, checkIncrementalAggregates } from "../delta.js";
import type { SpecPath } from "../errors.js";
import { describeFound, type IssueDraft, suggestSuffix, unknownName } from "../issues.js";
import type { RuleSpec, SourceSpec, StepSpec } from "../schema.js";
import { parseDdl, parseSparkType } from "../spark-types.js";
import { didYouMean } from "../suggest.js";
import { checkOutputPaths } from "./output-paths.js";
import type { PipelineParts } from "./parts.js";
import { POLICY_OPTIONS, readerOptions } from "./reader-options.js";

/** "a" or "an" before a word. */
function article(word: string): string {
  return /^[aeiou]/i.test(word) ? "an" : "a";
}

const SCHEMES = ["file", "s3a"];

/** Checks one path or URL: a local path, `file://` or `s3a://`. */
export function checkStoragePath(value: string, path: SpecPath): IssueDraft[] {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(value)?.[1];
  if (scheme === undefined || SCHEMES.includes(scheme)) return [];
  const suggestion = /^s3n?$/i.test(scheme) ? "s3a" : didYouMean(scheme, SCHEMES);
  const fixed = suggestion === undefined ? undefined : `${suggestion}${value.slice(scheme.length)}`;
  return [
    {
      code: "invalid_value",
      path,
      message: `expected a local path, a file:// URL or an s3a:// URL, found ${describeFound(value)}${suggestSuffix(fixed)}`,
      ...(fixed === undefined ? {} : { suggestion: fixed }),
    },
  ];
}

/** Checks a type name; `path` points at where it is written. */
export function checkTypeName(
  type: string,
  path: SpecPath,
  token?: { text: string; offset: number },
): IssueDraft[] {
  const result = parseSparkType(type);
  if (result.ok) return [];
  return [
    {
      code: "invalid_spark_type",
      path,
      message: `expected a Spark SQL type (string, int, bigint, double, decimal(p,s), date, timestamp, boolean, ...): ${result.message}${suggestSuffix(result.suggestion)}`,
      ...(result.suggestion === undefined ? {} : { suggestion: result.suggestion }),
      ...(token ? { token } : {}),
    },
  ];
}

function checkSource(name: string, source: SourceSpec): IssueDraft[] {
  const issues: IssueDraft[] = [];
  const base: SpecPath = ["sources", name];
  const paths = Array.isArray(source.path) ? source.path : [source.path];
  paths.forEach((p, i) => {
    issues.push(
      ...checkStoragePath(p, Array.isArray(source.path) ? [...base, "path", i] : [...base, "path"]),
    );
  });
  if (Array.isArray(source.schema)) {
    const seen = new Set<string>();
    source.schema.forEach((column, i) => {
      issues.push(...checkTypeName(column.type, [...base, "schema", i, "type"]));
      if (seen.has(column.name.toLowerCase()))
        issues.push({
          code: "duplicate_name",
          path: [...base, "schema", i, "name"],
          message: `duplicate column ${JSON.stringify(column.name)}`,
        });
      seen.add(column.name.toLowerCase());
    });
  } else if (typeof source.schema === "string") {
    const ddl = parseDdl(source.schema);
    if (!ddl.ok) issues.push({ code: "invalid_value", path: [...base, "schema"], message: ddl.message });
    else {
      const seen = new Set<string>();
      for (const column of ddl.columns) {
        const offset = source.schema.indexOf(column.type);
        issues.push(...checkTypeName(column.type, [...base, "schema"], { text: column.type, offset }));
        if (seen.has(column.name.toLowerCase()))
          issues.push({
            code: "duplicate_name",
            path: [...base, "schema"],
            message: `duplicate column ${JSON.stringify(column.name)}`,
          });
        seen.add(column.name.toLowerCase());
      }
    }
  }
  const allowed = readerOptions(source.format);
  const allowedLower = new Set(allowed.map((o) => o.toLowerCase()));
  for (const option of Object.keys(source.options ?? {})) {
    const path: SpecPath = [...base, "options", option];
    if (POLICY_OPTIONS.some((p) => p.toLowerCase() === option.toLowerCase())) {
      issues.push({
        code: "conflict",
        path,
        at: "key",
        message: `reader option ${JSON.stringify(option)} is set by the source's "malformed" policy; remove it`,
      });
    } else if (!allowedLower.has(option.toLowerCase())) {
      issues.push(
        unknownName("unknown_key", path, `unknown ${source.format} reader option`, option, allowed, {
          at: "key",
        }),
      );
    }
  }
  return issues;
}

function checkRule(rule: RuleSpec, path: SpecPath): IssueDraft[] {
  const issues: IssueDraft[] = [];
  if (rule.check === "range") {
    if (rule.min === undefined && rule.max === undefined)
      issues.push({ code: "missing_key", path, message: 'a range rule needs "min", "max" or both' });
    if (typeof rule.min === "number" && typeof rule.max === "number" && rule.min > rule.max)
      issues.push({
        code: "invalid_value",
        path: [...path, "max"],
        message: `expected max >= min (${rule.min}), found ${rule.max}`,
      });
  }
  if (rule.check === "row_count") {
    if (rule.min_ratio === undefined && rule.max_ratio === undefined)
      issues.push({
        code: "missing_key",
        path,
        message: 'a row_count rule needs "min_ratio", "max_ratio" or both',
      });
    if (rule.min_ratio !== undefined && rule.max_ratio !== undefined && rule.min_ratio > rule.max_ratio)
      issues.push({
        code: "invalid_value",
        path: [...path, "max_ratio"],
        message: `expected max_ratio >= min_ratio (${rule.min_ratio}), found ${rule.max_ratio}`,
      });
  }
  if ((rule.check === "unique" || rule.check === "references") && rule.threshold) {
    const { max_count, max_fraction } = rule.threshold;
    if ((max_count === undefined) === (max_fraction === undefined))
      issues.push({
        code: "invalid_value",
        path: [...path, "threshold"],
        message: 'expected exactly one of "max_count" or "max_fraction"',
      });
  }
  return issues;
}

const CLEAN_OPERATIONS = ["trim", "nulls", "case", "standardize", "casts", "dedupe", "rules"] as const;

function atLeastOne(
  step: Record<string, unknown>,
  keys: readonly string[],
  path: SpecPath,
  kind: string,
): IssueDraft[] {
  if (keys.some((k) => step[k] !== undefined)) return [];
  return [
    {
      code: "missing_key",
      path,
      message: `${article(kind)} ${kind} step needs at least one of ${keys.join(", ")}`,
    },
  ];
}

function checkStep(step: StepSpec, index: number): IssueDraft[] {
  const issues: IssueDraft[] = [];
  const base: SpecPath = ["steps", index];
  switch (step.kind) {
    case "clean":
      issues.push(...atLeastOne(step, CLEAN_OPERATIONS, base, "clean"));
      for (const [column, cast] of Object.entries(step.casts ?? {})) {
        const type = typeof cast === "string" ? cast : cast.type;
        issues.push(
          ...checkTypeName(
            type,
            typeof cast === "string" ? [...base, "casts", column] : [...base, "casts", column, "type"],
          ),
        );
      }
      step.standardize?.forEach((s, i) => {
        if (s.replace === undefined && s.map === undefined)
          issues.push({
            code: "missing_key",
            path: [...base, "standardize", i],
            message: 'expected "replace", "map" or both',
          });
      });
      step.rules?.forEach((rule, r) => {
        issues.push(...checkRule(rule, [...base, "rules", r]));
      });
      break;
    case "enrich":
      issues.push(...atLeastOne(step, ["joins", "derive", "date_parts"], base, "enrich"));
      step.joins?.forEach((join, j) => {
        const path: SpecPath = [...base, "joins", j];
        if (join.unmatched === "quarantine" && join.type !== "left")
          issues.push({
            code: "conflict",
            path: [...path, "unmatched"],
            message: `unmatched: quarantine needs type: left (${article(join.type)} ${join.type} join does not keep unmatched rows to quarantine)`,
          });
        if ((join.type === "semi" || join.type === "anti") && (join.select || join.prefix !== undefined))
          issues.push({
            code: "conflict",
            path: [...path, join.select ? "select" : "prefix"],
            message: `${article(join.type)} ${join.type} join adds no columns; remove select and prefix`,
          });
      });
      break;
    case "aggregate":
      issues.push(...atLeastOne(step, ["metrics", "windows"], base, "aggregate"));
      break;
    case "select":
      issues.push(...atLeastOne(step, ["columns", "rename", "drop"], base, "select"));
      break;
    case "filter":
      break;
  }
  return issues;
}

/** Where the spec sends rows to quarantine (first place found), for the "needs a quarantine" check. */
function firstQuarantineUse(parts: PipelineParts): SpecPath | undefined {
  for (const source of parts.sources) {
    // A Delta table has no malformed records to quarantine.
    if (source.spec?.malformed === "quarantine" && source.spec.format !== "delta")
      return ["sources", source.name, "malformed"];
  }
  for (const step of parts.steps) {
    const spec = step.spec;
    const base: SpecPath = ["steps", step.index];
    if (spec?.kind === "clean") {
      if (spec.casts && spec.on_cast_error === "quarantine") return [...base, "on_cast_error"];
      const r = spec.rules?.findIndex((rule) => rule.severity === "quarantine") ?? -1;
      if (r >= 0) return [...base, "rules", r, "severity"];
    }
    if (spec?.kind === "enrich") {
      const j = spec.joins?.findIndex((join) => join.unmatched === "quarantine") ?? -1;
      if (j >= 0) return [...base, "joins", j, "unmatched"];
    }
  }
  return undefined;
}

/** Runs the cross-field checks over every part that parsed. */
export function checkConsistency(parts: PipelineParts, hasQuarantineSection: boolean): IssueDraft[] {
  const issues: IssueDraft[] = [];
  for (const source of parts.sources) {
    if (!source.spec) continue;
    issues.push(...checkSource(source.name, source.spec));
    issues.push(...checkDeltaSource(source.spec, ["sources", source.name]));
  }
  for (const step of parts.steps) if (step.spec) issues.push(...checkStep(step.spec, step.index));
  for (const sink of parts.sinks) {
    const spec = sink.spec;
    if (!spec) continue;
    const base: SpecPath = ["sinks", sink.name];
    issues.push(...checkStoragePath(spec.path, [...base, "path"]));
    issues.push(...checkDeltaSink(spec, base));
    if (
      spec.format !== "delta" &&
      spec.dynamic_partition_overwrite &&
      (!spec.partition_by || spec.mode !== "overwrite")
    )
      issues.push({
        code: "conflict",
        path: [...base, "dynamic_partition_overwrite"],
        message: "dynamic_partition_overwrite needs mode: overwrite and partition_by",
      });
  }
  issues.push(...checkIncremental(parts.sources, parts.sinks));
  issues.push(...checkIncrementalAggregates(parts));
  if (parts.quarantine) issues.push(...checkStoragePath(parts.quarantine.path, ["quarantine", "path"]));
  if (parts.report) issues.push(...checkStoragePath(parts.report.path, ["report", "path"]));
  issues.push(...checkOutputPaths(parts));
  const use = firstQuarantineUse(parts);
  if (use && !hasQuarantineSection)
    issues.push({
      code: "missing_key",
      path: use,
      message:
        'rows are quarantined here (the default for malformed records, cast errors and row rules) but the pipeline has no "quarantine" section; add quarantine: {path: ...} or choose another policy',
    });
  return issues;
}
