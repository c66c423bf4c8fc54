/** Loading a pipeline from a YAML file: parse, substitute parameters, validate, and point at problems. */
import { readFile } from "node:fs/promises";
import { formatPath, SpecError, type SpecIssue } from "./errors.js";
import { PipelineGraph } from "./graph.js";
import type { IssueDraft } from "./issues.js";
import { declaredParameters, type ParameterOverrides, resolveParameterValues } from "./parameters.js";
import type { PipelineSpec } from "./schema.js";
import { checkPipelineValue, pipelineSpecHash } from "./validate.js";
import {
  checkDuplicateKeys,
  locate,
  type PlacedDraft,
  readYaml,
  type YamlSource,
  yamlToValue,
} from "./yaml-source.js";

/** A loaded, validated pipeline. */
export interface LoadedPipeline {
  /** The validated spec: parameters substituted, defaults applied, every step's `input` filled in. */
  spec: PipelineSpec;
  /** {@link pipelineSpecHash} of `spec`. */
  specHash: string;
  /** The file's text as read. */
  sourceText: string;
  /** The file, as given. */
  file: string;
  /** The value each parameter resolved to. */
  parameters: Record<string, string>;
  /** The spec's graph (order, lineage, shared steps, known columns), built once while validating. */
  graph: PipelineGraph;
}

function place(file: string, source: YamlSource | undefined, drafts: PlacedDraft[]): SpecIssue[] {
  const issues = drafts.map((d): SpecIssue => {
    const position = source && locate(source, d);
    return {
      code: d.code,
      file,
      ...(position ? { line: position.line, column: position.column } : {}),
      path: formatPath(d.path),
      segments: d.path,
      message: d.message,
      ...(d.suggestion === undefined ? {} : { suggestion: d.suggestion }),
    };
  });
  // Stable: by position, issues without one first.
  return issues
    .map((issue, i) => ({ issue, i }))
    .sort(
      (a, b) =>
        (a.issue.line ?? 0) - (b.issue.line ?? 0) ||
        (a.issue.column ?? 0) - (b.issue.column ?? 0) ||
        a.i - b.i,
    )
    .map(({ issue }) => issue);
}

/**
 * Parses and validates pipeline YAML held in memory; `file` is only used in messages.
 * Parameter values: declared default < `env` KINDLING_PARAM_<NAME> < `set` (`env` defaults to process.env).
 * @throws SpecError listing every problem with file:line:column, YAML path, expected vs found.
 */
export function parsePipeline(text: string, file: string, options: ParameterOverrides = {}): LoadedPipeline {
  const { source, syntaxIssues } = readYaml(text);
  if (syntaxIssues.length > 0) throw new SpecError(place(file, source, syntaxIssues), file);
  const drafts: PlacedDraft[] = checkDuplicateKeys(source);
  const overrides = { set: options.set ?? {}, env: options.env ?? process.env };
  const resolved = resolveParameterValues(declaredParameters(source.doc.toJS()), overrides);
  const paramIssues: IssueDraft[] = [...resolved.issues];
  const raw = yamlToValue(source, resolved.values, paramIssues);
  const checked = checkPipelineValue(raw);
  drafts.push(...paramIssues, ...checked.issues);
  if (drafts.length > 0 || !checked.spec) throw new SpecError(place(file, source, drafts), file);
  const parameters: Record<string, string> = {};
  for (const [name, value] of resolved.values) if (value !== undefined) parameters[name] = value;
  return {
    spec: checked.spec,
    specHash: pipelineSpecHash(checked.spec),
    sourceText: text,
    file,
    parameters,
    graph: new PipelineGraph(checked.spec, checked.order, checked.columns),
  };
}

/**
 * Reads, parses and validates a pipeline YAML file.
 * @throws SpecError listing every problem (or that the file cannot be read).
 */
export async function loadPipeline(file: string, options: ParameterOverrides = {}): Promise<LoadedPipeline> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new SpecError(
      [{ code: "unreadable_file", file, path: "", segments: [], message: `cannot read the file: ${reason}` }],
      file,
    );
  }
  return parsePipeline(text, file, options);
}
