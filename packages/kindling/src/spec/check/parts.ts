/**
 * A pipeline split into its sources, steps and sinks, each parsed on its own. A part that does not parse
 * is kept by name (its structural issues are reported elsewhere) so that one broken step does not hide
 * the problems in the others, nor make every reference to it look missing.
 */
import {
  QuarantineSchema,
  type QuarantineSpec,
  ReportSchema,
  type ReportSpec,
  SinkSchema,
  type SinkSpec,
  SourceSchema,
  type SourceSpec,
  StepSchema,
  type StepSpec,
} from "../schema.js";

/** A source by name; `spec` is undefined when it did not parse. */
export interface SourcePart {
  name: string;
  spec: SourceSpec | undefined;
}

/** A step by position; `input` is the explicit input or the previous step's name. */
export interface StepPart {
  index: number;
  name: string | undefined;
  input: string | undefined;
  /** True when `input` was written, false when it defaults to the previous step. */
  explicitInput: boolean;
  spec: StepSpec | undefined;
}

/** A sink by name. */
export interface SinkPart {
  name: string;
  spec: SinkSpec | undefined;
}

/** The parsed parts of a pipeline. */
export interface PipelineParts {
  sources: SourcePart[];
  steps: StepPart[];
  sinks: SinkPart[];
  quarantine: QuarantineSpec | undefined;
  report: ReportSpec | undefined;
  /** The declared run root (`target_path`), when it is a string. */
  targetPath: string | undefined;
}

function entries(value: unknown): [string, unknown][] {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? Object.entries(value) : [];
}

function stringField(value: unknown, key: string): string | undefined {
  const field =
    value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  return typeof field === "string" ? field : undefined;
}

/** Splits a raw (already parameter-substituted) spec value into separately parsed parts. */
export function splitPipeline(raw: unknown): PipelineParts {
  const root = raw !== null && typeof raw === "object" ? (raw as Record<string, unknown>) : {};
  const sources = entries(root.sources).map(([name, value]) => {
    const parsed = SourceSchema.safeParse(value);
    return { name, spec: parsed.success ? parsed.data : undefined };
  });
  const rawSteps = Array.isArray(root.steps) ? root.steps : [];
  const steps: StepPart[] = [];
  rawSteps.forEach((value, index) => {
    const parsed = StepSchema.safeParse(value);
    const explicit = stringField(value, "input");
    steps.push({
      index,
      name: stringField(value, "name"),
      input: explicit ?? steps[index - 1]?.name,
      explicitInput: explicit !== undefined,
      spec: parsed.success ? parsed.data : undefined,
    });
  });
  const sinks = entries(root.sinks).map(([name, value]) => {
    const parsed = SinkSchema.safeParse(value);
    return { name, spec: parsed.success ? parsed.data : undefined };
  });
  const quarantine = QuarantineSchema.safeParse(root.quarantine);
  const report = ReportSchema.safeParse(root.report);
  return {
    sources,
    steps,
    sinks,
    quarantine: quarantine.success ? quarantine.data : undefined,
    report: report.success ? report.data : undefined,
    targetPath: stringField(root, "target_path"),
  };
}
