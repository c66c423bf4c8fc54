/**
 * A thin typed API for writing pipelines in TypeScript. It builds the same plain spec a YAML file holds
 * and validates it with the same checks:
 *
 *   pipeline("orders").param("data_dir", "data")
 *     .source("orders", csv({ path: "${data_dir}/raw/orders/*.csv" }))
 *     .step(clean({ name: "clean_orders", input: "orders", trim: "all" }))
 *     .sink("orders", { input: "clean_orders", path: "out/orders" })
 *     .build();
 */
import type { z } from "zod";
import type { ParameterOverrides } from "./parameters.js";
import type {
  AggregateStepSchema,
  CleanStepSchema,
  EnrichStepSchema,
  FilterStepSchema,
  PipelineSpec,
  PipelineSpecInput,
  QuarantineSchema,
  ReportSchema,
  SelectStepSchema,
  SinkSchema,
  SourceSchema,
  StepSchema,
} from "./schema.js";
import { validatePipeline } from "./validate.js";

/** A source as written (defaults optional). */
export type SourceInput = z.input<typeof SourceSchema>;
/** A step as written. */
export type StepInput = z.input<typeof StepSchema>;
/** A sink as written. */
export type SinkInput = z.input<typeof SinkSchema>;
type Without<T, K extends keyof T> = Omit<T, K>;

/** A CSV source. */
export const csv = (source: Without<SourceInput, "format">): SourceInput => ({ format: "csv", ...source });
/** A whole-file JSON source. */
export const json = (source: Without<SourceInput, "format">): SourceInput => ({ format: "json", ...source });
/** A JSON Lines source (one object per line). */
export const jsonl = (source: Without<SourceInput, "format">): SourceInput => ({
  format: "jsonl",
  ...source,
});
/** A Parquet source. */
export const parquet = (source: Without<SourceInput, "format">): SourceInput => ({
  format: "parquet",
  ...source,
});

/** A `clean` step. */
export const clean = (step: Without<z.input<typeof CleanStepSchema>, "kind">): StepInput => ({
  kind: "clean",
  ...step,
});
/** An `enrich` step. */
export const enrich = (step: Without<z.input<typeof EnrichStepSchema>, "kind">): StepInput => ({
  kind: "enrich",
  ...step,
});
/** An `aggregate` step. */
export const aggregate = (step: Without<z.input<typeof AggregateStepSchema>, "kind">): StepInput => ({
  kind: "aggregate",
  ...step,
});
/** A `filter` step. */
export const filter = (step: Without<z.input<typeof FilterStepSchema>, "kind">): StepInput => ({
  kind: "filter",
  ...step,
});
/** A `select` step. */
export const select = (step: Without<z.input<typeof SelectStepSchema>, "kind">): StepInput => ({
  kind: "select",
  ...step,
});

/** An immutable pipeline under construction: every method returns a new builder. */
export class PipelineBuilder {
  private constructor(private readonly draft: PipelineSpecInput) {}

  /** A builder for an empty pipeline called `name`. */
  static named(name: string): PipelineBuilder {
    return new PipelineBuilder({ name, sources: {}, steps: [], sinks: {} });
  }

  private with(change: Partial<PipelineSpecInput>): PipelineBuilder {
    return new PipelineBuilder({ ...this.draft, ...change });
  }

  /** Sets the description. */
  describe(description: string): PipelineBuilder {
    return this.with({ description });
  }

  /** Declares parameter `name` (referenced as `${name}`), with an optional default. */
  param(name: string, defaultValue?: string | number | boolean, description?: string): PipelineBuilder {
    const spec = {
      ...(defaultValue === undefined ? {} : { default: defaultValue }),
      ...(description === undefined ? {} : { description }),
    };
    return this.with({ parameters: { ...this.draft.parameters, [name]: spec } });
  }

  /** Adds a source (see {@link csv}, {@link jsonl}, ...). */
  source(name: string, source: SourceInput): PipelineBuilder {
    return this.with({ sources: { ...this.draft.sources, [name]: source } });
  }

  /** Appends a step (see {@link clean}, {@link enrich}, ...). */
  step(step: StepInput): PipelineBuilder {
    return this.with({ steps: [...(this.draft.steps ?? []), step] });
  }

  /** Adds a sink. */
  sink(name: string, sink: SinkInput): PipelineBuilder {
    return this.with({ sinks: { ...this.draft.sinks, [name]: sink } });
  }

  /** Sets where quarantined rows go. */
  quarantine(quarantine: z.input<typeof QuarantineSchema>): PipelineBuilder {
    return this.with({ quarantine });
  }

  /** Sets where the run report goes. */
  report(report: z.input<typeof ReportSchema>): PipelineBuilder {
    return this.with({ report });
  }

  /** The spec as written so far, unvalidated. */
  toInput(): PipelineSpecInput {
    return structuredClone(this.draft);
  }

  /**
   * Validates and returns the spec (parameters substituted, defaults applied).
   * @throws SpecError listing every problem, with YAML-style paths.
   */
  build(options: ParameterOverrides = {}): PipelineSpec {
    return validatePipeline(this.toInput(), options);
  }
}

/** Starts a pipeline called `name`. */
export function pipeline(name: string): PipelineBuilder {
  return PipelineBuilder.named(name);
}
