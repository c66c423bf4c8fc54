/**
 * Name checks: duplicate names, references to sources and steps that do not exist, and cycles. Also
 * computes the order steps can run in (every step after the datasets it reads).
 */
import type { SpecPath } from "../errors.js";
import { type IssueDraft, unknownName } from "../issues.js";
import type { StepSpec } from "../schema.js";
import type { PipelineParts, StepPart } from "./parts.js";

/** A reference from a step to another dataset, and where it is written. */
interface Edge {
  to: string;
  path: SpecPath;
  what: string;
}

/** Every dataset a step reads besides its input: join lookups and rule references. */
export function stepReferences(step: StepSpec, index: number): Edge[] {
  const edges: Edge[] = [];
  const base: SpecPath = ["steps", index];
  if (step.kind === "enrich") {
    step.joins?.forEach((join, j) => {
      edges.push({ to: join.with, path: [...base, "joins", j, "with"], what: "join" });
    });
  }
  if (step.kind === "clean") {
    step.rules?.forEach((rule, r) => {
      if (rule.check === "references")
        edges.push({
          to: rule.references.source,
          path: [...base, "rules", r, "references", "source"],
          what: "reference",
        });
      if (rule.check === "row_count")
        edges.push({
          to: rule.compare_to,
          path: [...base, "rules", r, "compare_to"],
          what: "row count comparison",
        });
    });
  }
  return edges;
}

function stepEdges(step: StepPart): Edge[] {
  const edges: Edge[] = [];
  if (step.input !== undefined)
    edges.push({
      to: step.input,
      path: ["steps", step.index, ...(step.explicitInput ? ["input"] : [])],
      what: "input",
    });
  if (step.spec) edges.push(...stepReferences(step.spec, step.index));
  return edges;
}

/** Checks names and references; returns the issues and the step names in an order they can run in. */
export function checkNames(parts: PipelineParts): { issues: IssueDraft[]; order: string[] } {
  const sourceNames = new Set(parts.sources.map((s) => s.name));
  const { issues, stepIndex } = uniqueNames(parts, sourceNames);
  issues.push(...referenceIssues(parts, sourceNames, stepIndex));
  const { order, cycles } = runOrder(parts, stepIndex);
  issues.push(...cycles);
  return { issues, order };
}

/** Duplicate step names (or a step named like a source); the first index of each step name kept. */
function uniqueNames(
  parts: PipelineParts,
  sourceNames: Set<string>,
): { issues: IssueDraft[]; stepIndex: Map<string, number> } {
  const issues: IssueDraft[] = [];
  const stepIndex = new Map<string, number>();
  if (parts.sources.length === 0) {
    issues.push({
      code: "missing_key",
      path: ["sources"],
      message: "expected at least one source, found none",
    });
  }
  for (const step of parts.steps) {
    if (step.name === undefined) continue;
    const first = stepIndex.get(step.name);
    if (first !== undefined) {
      issues.push({
        code: "duplicate_name",
        path: ["steps", step.index, "name"],
        message: `duplicate step name ${JSON.stringify(step.name)} (first used by steps[${first}])`,
      });
    } else if (sourceNames.has(step.name)) {
      issues.push({
        code: "duplicate_name",
        path: ["steps", step.index, "name"],
        message: `step name ${JSON.stringify(step.name)} is already the name of a source; inputs would be ambiguous`,
      });
    } else {
      stepIndex.set(step.name, step.index);
    }
  }
  return { issues, stepIndex };
}

/** Inputs, joins, rule references and sink inputs that name no source or step. */
function referenceIssues(
  parts: PipelineParts,
  sourceNames: Set<string>,
  stepIndex: Map<string, number>,
): IssueDraft[] {
  const issues: IssueDraft[] = [];
  const known = [...sourceNames, ...stepIndex.keys()];
  const isKnown = (name: string) => sourceNames.has(name) || stepIndex.has(name);
  for (const step of parts.steps) {
    if (step.index === 0 && step.input === undefined) {
      issues.push({
        code: "missing_key",
        path: ["steps", 0, "input"],
        message:
          'missing required key "input" (expected a source name: only later steps default to the previous step)',
      });
    }
    for (const edge of stepEdges(step)) {
      if (!isKnown(edge.to))
        issues.push(unknownName("missing_reference", edge.path, `unknown ${edge.what}`, edge.to, known));
    }
  }
  for (const sink of parts.sinks) {
    const input = sink.spec?.input;
    if (input !== undefined && !isKnown(input))
      issues.push(
        unknownName("missing_reference", ["sinks", sink.name, "input"], "unknown input", input, known),
      );
  }
  return issues;
}

/**
 * The steps in an order they can run in (depth-first over step → step edges; sources have no
 * inputs), and one issue per cycle, pointing at the edge that closes it from the step written first.
 */
function runOrder(
  parts: PipelineParts,
  stepIndex: Map<string, number>,
): { order: string[]; cycles: IssueDraft[] } {
  const byName = new Map(
    parts.steps
      .filter((s) => s.name !== undefined && stepIndex.get(s.name) === s.index)
      .map((s) => [s.name!, s]),
  );
  const state = new Map<string, "visiting" | "done">();
  const order: string[] = [];
  const cycles: IssueDraft[] = [];
  const reported = new Set<string>();
  const visit = (name: string, trail: string[]): void => {
    const status = state.get(name);
    if (status === "done") return;
    if (status === "visiting") {
      const cycle = [...trail.slice(trail.indexOf(name)), name];
      const key = [...cycle.slice(0, -1)].sort().join(",");
      if (!reported.has(key)) {
        reported.add(key);
        cycles.push(cycleIssue(cycle, byName));
      }
      return;
    }
    state.set(name, "visiting");
    const step = byName.get(name)!;
    for (const edge of stepEdges(step)) if (byName.has(edge.to)) visit(edge.to, [...trail, name]);
    state.set(name, "done");
    order.push(name);
  };
  for (const name of byName.keys()) visit(name, []);
  return { order, cycles };
}

/** `cycle` is a path of step names whose last equals its first. */
function cycleIssue(cycle: string[], byName: Map<string, StepPart>): IssueDraft {
  const members = cycle.slice(0, -1).map((n) => byName.get(n)!);
  const firstStep = members.reduce((a, b) => (a.index <= b.index ? a : b));
  const at = cycle.indexOf(firstStep.name!);
  const next = cycle[at + 1] ?? cycle[1]!;
  const edge = stepEdges(firstStep).find((e) => e.to === next);
  const rotated = [...cycle.slice(at, -1), ...cycle.slice(0, at), firstStep.name!];
  return {
    code: "cycle",
    path: edge?.path ?? ["steps", firstStep.index],
    message: `steps form a cycle: ${rotated.join(" → ")}`,
  };
}
