/**
 * The Delta Lake parts of the spec: the sink fields of `format: delta` (merge, replace_where,
 * schema_evolution) and a Delta source's time travel (`version`, `timestamp`), with the checks that
 * span several fields. schema.ts spreads these into the sink and source schemas.
 */
import { z } from "zod";
import type { SpecPath } from "./errors.js";
import type { IssueDraft } from "./issues.js";
import type { StepSpec } from "./schema.js";

const ColumnList = z.array(z.string().min(1)).min(1);

/** `merge`: MERGE INTO the Delta table on `keys` (Delta's merge; dbt's unique_key). */
export const DeltaMergeSchema = z.strictObject({
  keys: ColumnList.describe(
    "Columns that identify a row; a run's row with the same keys as a table row matches it.",
  ),
  when_matched: z
    .enum(["update", "ignore"])
    .default("update")
    .describe("update: the run's row replaces the matched table row; ignore: the table row stays."),
  when_not_matched: z.enum(["insert"]).default("insert").describe("Rows with new keys are inserted."),
});

/** Fields a sink takes only with `format: delta`. */
export const deltaSinkFields = {
  merge: DeltaMergeSchema.optional().describe("With mode merge: the keys and what matched rows do."),
  replace_where: z
    .string()
    .min(1)
    .optional()
    .describe(
      "With mode replace_where: a Spark SQL predicate; the table rows it selects are replaced by this run's rows (all of which must satisfy it).",
    ),
  schema_evolution: z
    .enum(["none", "add_columns"])
    .default("none")
    .describe(
      "none: a run whose columns differ from the table's fails; add_columns: new columns are added to the table.",
    ),
};

/** Fields of a source: Delta time travel (`format: delta`) and incremental reading (file formats). */
export const deltaSourceFields = {
  incremental: z
    .boolean()
    .default(false)
    .describe(
      "Read only the files no earlier successful run processed (the record is kept in the Delta sinks' commits; needs a Delta sink).",
    ),
  version: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe("Delta time travel: read the table as of this version."),
  timestamp: z
    .string()
    .min(1)
    .optional()
    .describe("Delta time travel: read the table as of this timestamp (e.g. 2026-11-30 04:00:00)."),
};

/** Sink modes; merge and replace_where need `format: delta`. */
export const SINK_MODES = ["overwrite", "append", "merge", "replace_where"] as const;

interface SinkFields {
  format: string;
  mode: (typeof SINK_MODES)[number];
  merge?: unknown;
  replace_where?: string | undefined;
  schema_evolution: string;
  partition_by?: string[] | undefined;
  dynamic_partition_overwrite: boolean;
}

/** Cross-field checks of a sink's Delta fields; `base` is the sink's YAML path. */
export function checkDeltaSink(spec: SinkFields, base: SpecPath): IssueDraft[] {
  const issues: IssueDraft[] = [];
  const delta = spec.format === "delta";
  const needsDelta = (field: string, why: string) => {
    issues.push({
      code: "conflict",
      path: [...base, field],
      message: `${why} needs format: delta (found format: ${spec.format})`,
    });
  };
  if (!delta) {
    if (spec.mode === "merge" || spec.mode === "replace_where") needsDelta("mode", `mode ${spec.mode}`);
    if (spec.merge !== undefined) needsDelta("merge", "merge");
    if (spec.replace_where !== undefined) needsDelta("replace_where", "replace_where");
    if (spec.schema_evolution !== "none") needsDelta("schema_evolution", "schema_evolution");
    return issues;
  }
  if (spec.mode === "merge" && spec.merge === undefined)
    issues.push({
      code: "missing_key",
      path: [...base, "merge"],
      message: "mode merge needs merge: {keys: [...]}",
    });
  if (spec.mode !== "merge" && spec.merge !== undefined)
    issues.push({
      code: "conflict",
      path: [...base, "merge"],
      message: `merge is used only with mode: merge (found mode: ${spec.mode})`,
    });
  if (spec.mode === "replace_where" && spec.replace_where === undefined)
    issues.push({
      code: "missing_key",
      path: [...base, "replace_where"],
      message: 'mode replace_where needs replace_where: "<predicate>", e.g. "order_date >= \'2026-11-01\'"',
    });
  if (spec.mode !== "replace_where" && spec.replace_where !== undefined)
    issues.push({
      code: "conflict",
      path: [...base, "replace_where"],
      message: `replace_where is used only with mode: replace_where (found mode: ${spec.mode})`,
    });
  if (spec.dynamic_partition_overwrite)
    issues.push({
      code: "conflict",
      path: [...base, "dynamic_partition_overwrite"],
      message: "a Delta sink replaces partitions with mode: replace_where, not dynamic_partition_overwrite",
    });
  return issues;
}

interface SourceFields {
  format: string;
  incremental: boolean;
  version?: number | undefined;
  timestamp?: string | undefined;
  schema?: unknown;
  options?: Record<string, unknown> | undefined;
}

/** Cross-field checks of a source's Delta fields; `base` is the source's YAML path. */
export function checkDeltaSource(spec: SourceFields, base: SpecPath): IssueDraft[] {
  const issues: IssueDraft[] = [];
  if (spec.incremental && spec.format === "delta")
    issues.push({
      code: "conflict",
      path: [...base, "incremental"],
      message:
        "incremental reads new files of a file source (csv, json, jsonl, parquet); a Delta source is read whole or as of a version",
    });
  if (spec.format !== "delta") {
    for (const field of ["version", "timestamp"] as const)
      if (spec[field] !== undefined)
        issues.push({
          code: "conflict",
          path: [...base, field],
          message: `${field} (time travel) needs format: delta (found format: ${spec.format})`,
        });
    return issues;
  }
  if (spec.version !== undefined && spec.timestamp !== undefined)
    issues.push({
      code: "conflict",
      path: [...base, "timestamp"],
      message: "give version or timestamp, not both",
    });
  if (spec.schema !== undefined)
    issues.push({
      code: "conflict",
      path: [...base, "schema"],
      message: "a Delta table carries its own schema; remove schema (select or cast columns in a step)",
    });
  return issues;
}

/**
 * An incremental source keeps its record of processed files in the commits of the Delta sinks, so
 * a pipeline with one needs at least one Delta sink and no file sink (a file sink would be
 * rewritten from the new files only). Returns the issues, placed on the first incremental source.
 */
export function checkIncremental(
  sources: { name: string; spec: { incremental: boolean } | undefined }[],
  sinks: { name: string; spec: { format: string } | undefined }[],
): IssueDraft[] {
  const first = sources.find((s) => s.spec?.incremental);
  if (!first) return [];
  const path: SpecPath = ["sources", first.name, "incremental"];
  const fileSinks = sinks.filter((s) => s.spec && s.spec.format !== "delta").map((s) => s.name);
  if (!sinks.some((s) => s.spec?.format === "delta"))
    return [
      {
        code: "conflict",
        path,
        message: "incremental needs a sink with format: delta (its commits record the files processed)",
      },
    ];
  if (fileSinks.length)
    return [
      {
        code: "conflict",
        path,
        message: `incremental runs write only the new rows, which would replace file sinks ${fileSinks.join(", ")}; make them format: delta (merge or append)`,
      },
    ];
  return [];
}

interface AggregateParts {
  sources: { name: string; spec: { incremental: boolean } | undefined }[];
  steps: { index: number; name: string | undefined; input: string | undefined; spec: StepSpec | undefined }[];
  sinks: {
    name: string;
    spec: (SinkFields & { input: string; merge?: { keys: string[]; when_matched: string } }) | undefined;
  }[];
}

/**
 * An aggregate fed by an incremental source is recomputed per affected group (delta/regroup.ts),
 * which needs the whole rows and a table merged by group: its input step must be written by a
 * Delta sink with mode merge or append (the row table), it has no windows (they span groups), and
 * its only reader is a Delta sink with mode merge, when_matched update, on exactly its group_by.
 */
export function checkIncrementalAggregates(parts: AggregateParts): IssueDraft[] {
  const incremental = new Set(parts.sources.filter((s) => s.spec?.incremental).map((s) => s.name));
  if (!incremental.size) return [];
  const stepByName = new Map(parts.steps.filter((s) => s.name).map((s) => [s.name!, s]));
  const readsIncremental = (name: string | undefined, seen = new Set<string>()): boolean => {
    if (!name || seen.has(name)) return false;
    seen.add(name);
    if (incremental.has(name)) return true;
    const step = stepByName.get(name);
    const lookups = step?.spec?.kind === "enrich" ? (step.spec.joins ?? []).map((j) => j.with) : [];
    return [step?.input, ...lookups].some((n) => readsIncremental(n, seen));
  };
  const issues: IssueDraft[] = [];
  for (const step of parts.steps) {
    const spec = step.spec;
    if (spec?.kind !== "aggregate" || !step.name || !readsIncremental(step.input)) continue;
    const at: SpecPath = ["steps", step.index];
    const why = `aggregate ${step.name} reads an incremental source, so each run recomputes the groups its new rows touch`;
    if (spec.windows && Object.keys(spec.windows).length)
      issues.push({
        code: "conflict",
        path: [...at, "windows"],
        message: `${why}; window columns span groups and cannot be recomputed per group: compute them in a pipeline that reads the aggregate's Delta table`,
      });
    const rowSink = parts.sinks.find(({ spec: s }) =>
      s ? s.input === step.input && s.format === "delta" && ["merge", "append"].includes(s.mode) : false,
    );
    if (!rowSink)
      issues.push({
        code: "conflict",
        path: [...at, "input"],
        message: `${why} from all of their rows: write its input ${step.input} to a Delta sink with mode merge (or append), the table those rows are read from`,
      });
    const groups = [...(spec.group_by ?? [])].sort().join(",");
    const readers = parts.steps.filter((s) => s.input === step.name && s.name !== step.name);
    for (const r of readers)
      issues.push({
        code: "conflict",
        path: ["steps", r.index, "input"],
        message: `${why}; its rows go straight to a Delta sink merged on its group_by, not into step ${r.name ?? r.index}`,
      });
    for (const sink of parts.sinks.filter((s) => s.spec?.input === step.name)) {
      const s = sink.spec!;
      const keys = [...(s.merge?.keys ?? [])].sort().join(",");
      if (s.format !== "delta" || s.mode !== "merge" || keys !== groups || s.merge?.when_matched !== "update")
        issues.push({
          code: "conflict",
          path: ["sinks", sink.name],
          message: `${why}: sink ${sink.name} needs format: delta, mode: merge, merge: {keys: [${spec.group_by?.join(", ") ?? ""}]} (its group_by) and when_matched: update`,
        });
    }
  }
  return issues;
}
