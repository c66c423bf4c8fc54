/**
 * Validation shared by YAML files and specs built in TypeScript: structure (zod), names and references,
 * cross-field consistency and columns. Every check runs, so one error never hides another.
 */
import { createHash } from "node:crypto";
import { type DatasetColumns, propagateColumns } from "./check/columns.js";
import { checkConsistency } from "./check/consistency.js";
import { checkNames } from "./check/names.js";
import { splitPipeline } from "./check/parts.js";
import { formatPath, SpecError, type SpecIssue } from "./errors.js";
import { PipelineGraph } from "./graph.js";
import type { IssueDraft } from "./issues.js";
import {
  declaredParameters,
  interpolateValue,
  type ParameterOverrides,
  resolveParameterValues,
} from "./parameters.js";
import { PipelineSchema, type PipelineSpec } from "./schema.js";
import { draftsFromZod, mergeMisspelledKeys } from "./zod-issues.js";

/** The outcome of checking a parameter-substituted spec value. */
export interface CheckedPipeline {
  /** The spec with defaults applied and every step's `input` filled in; undefined when there are issues. */
  spec: PipelineSpec | undefined;
  issues: IssueDraft[];
  /** Columns by dataset (sources, then steps in run order); undefined where only Spark can tell. */
  columns: Map<string, DatasetColumns>;
  /** Step names in an order they can run in. */
  order: string[];
}

function uniqueDrafts(drafts: IssueDraft[]): IssueDraft[] {
  const seen = new Set<string>();
  return drafts.filter((d) => {
    const key = `${formatPath(d.path)}\u0000${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Runs every check over a raw spec value (parameters already substituted). */
export function checkPipelineValue(raw: unknown): CheckedPipeline {
  const parsed = PipelineSchema.safeParse(raw, { reportInput: true });
  const structural = parsed.success
    ? []
    : mergeMisspelledKeys(draftsFromZod(parsed.error.issues, PipelineSchema, raw));
  const parts = splitPipeline(raw);
  const names = checkNames(parts);
  const hasQuarantine =
    raw !== null && typeof raw === "object" && (raw as Record<string, unknown>).quarantine !== undefined;
  const consistency = checkConsistency(parts, hasQuarantine);
  const columns = propagateColumns(parts, names.order);
  const issues = uniqueDrafts([...structural, ...names.issues, ...consistency, ...columns.issues]);
  let spec: PipelineSpec | undefined;
  if (parsed.success && issues.length === 0) {
    const steps = parsed.data.steps.map((step, i) => ({ ...step, input: parts.steps[i]!.input }));
    spec = { ...parsed.data, steps };
  }
  return { spec, issues, columns: columns.columns, order: names.order };
}

/** Turns drafts into issues without file positions (specs built in TypeScript). */
function unplaced(drafts: IssueDraft[]): SpecIssue[] {
  return drafts.map((d) => ({
    code: d.code,
    path: formatPath(d.path),
    segments: d.path,
    message: d.message,
    ...(d.suggestion === undefined ? {} : { suggestion: d.suggestion }),
  }));
}

function subjectOf(spec: unknown): string {
  const name = spec !== null && typeof spec === "object" ? (spec as Record<string, unknown>).name : undefined;
  return typeof name === "string" ? `pipeline "${name}"` : "pipeline";
}

/**
 * Validates a spec built in TypeScript (or any plain value): substitutes `${name}` parameters (defaults <
 * `env` KINDLING_PARAM_<NAME> < `set`; `env` defaults to process.env), then runs every check.
 * Returns the spec with defaults applied and every step's `input` filled in.
 * @throws SpecError listing every problem, with paths (no line numbers: there is no file).
 */
export function validatePipeline(spec: unknown, options: ParameterOverrides = {}): PipelineSpec {
  const overrides = { set: options.set ?? {}, env: options.env ?? process.env };
  const { values, issues } = resolveParameterValues(declaredParameters(spec), overrides);
  const raw = interpolateValue(spec, values, issues);
  const checked = checkPipelineValue(raw);
  const all = uniqueDrafts([...issues, ...checked.issues]);
  if (all.length > 0 || !checked.spec) throw new SpecError(unplaced(all), subjectOf(spec));
  return checked.spec;
}

/**
 * The graph of a valid spec (order, inputs and consumers, lineage, shared steps, the columns of each
 * node as far as they are known without Spark). Runs the checks once to get them; a spec loaded from
 * a file carries its graph already ({@link LoadedPipeline.graph}).
 */
export function pipelineGraph(spec: PipelineSpec): PipelineGraph {
  const checked = checkPipelineValue(spec);
  return new PipelineGraph(spec, checked.order, checked.columns);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * A stable hash of a validated spec (sha256, hex): the same pipeline with the same parameter values gives
 * the same hash however its YAML was laid out or its keys ordered.
 */
export function pipelineSpecHash(spec: PipelineSpec): string {
  return createHash("sha256").update(canonicalJson(spec)).digest("hex");
}
