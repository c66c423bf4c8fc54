/**
 * A partitioned sink's repartition moved below its enrich step's joins (issue 19 item 3: "share
 * partitioning where they can"). A sink with `partition_by` repartitions its rows by those
 * columns so each partition folder gets one file (sink-writer.ts). Done at the sink, that shuffle
 * carries every enriched row at its widest: the lookups' columns, the derived columns, the date
 * parts. When the partition columns can be computed on the enrich step's input, and every join of
 * the step is a broadcast hash join (which keeps its streamed side's partitions), the same
 * repartition is done on the step's input instead: the same rows land in the same tasks, and the
 * shuffle moves the narrower input rows (bench/README.md has the measurement).
 *
 * Only the file layout depends on this: the rows written, their values and every count are the
 * same either way, since the write itself takes each row's partition from its own column values.
 */
import { type Column, type DataFrame, functions as F } from "@kindling/spark-connect";
import type { DatePartsSpec, EnrichStepSpec, PipelineSpec } from "../spec/index.js";
import { sqlColumnReferences } from "../spec/sql.js";
import { q } from "./hidden.js";
import { DATE_PART_FUNCTIONS } from "./transform.js";

/** How one partition column is computed on an enrich step's input. */
export type InputPartitionTerm =
  | { kind: "column"; name: string }
  | { kind: "derive"; sql: string }
  | { kind: "date_part"; column: string; part: DatePartsSpec["parts"][number] };

/**
 * The `partition_by` columns of the sinks writing `step`: the one list they all use, or undefined
 * when no sink writing it is partitioned or two of them partition differently.
 */
export function sinkPartitionColumns(spec: PipelineSpec, step: string): string[] | undefined {
  const lists = Object.values(spec.sinks)
    .filter((s) => s.input === step)
    .map((s) => s.partition_by ?? []);
  const first = lists[0];
  if (!first?.length || lists.some((l) => l.join("\u0000") !== first.join("\u0000"))) return undefined;
  return first;
}

/**
 * Each of `by` (columns of the enrich step's output) as a term over the step's input columns
 * (`inputColumns`, hidden ones included), or undefined when one of them is not: it comes from a
 * join, or from a derived column or date part that reads a join's, or an earlier derived, column.
 * A step that quarantines unmatched rows is never moved over (its quarantine reads the joined
 * rows, which would then be shuffled for it too).
 */
export function partitionTermsOnInput(
  step: EnrichStepSpec,
  inputColumns: readonly string[],
  by: readonly string[],
): InputPartitionTerm[] | undefined {
  const joins = step.joins ?? [];
  if (joins.some((j) => j.unmatched === "quarantine")) return undefined;
  // A join without `select` adds every lookup column: which ones is not known without Spark.
  if (joins.some((j) => j.select === undefined && j.type !== "semi" && j.type !== "anti")) return undefined;
  const lower = (s: string) => s.toLowerCase();
  const derived = new Set(Object.keys(step.derive ?? {}).map(lower));
  const parts = new Map<string, { column: string; part: InputPartitionTerm & { kind: "date_part" } }>();
  for (const dp of step.date_parts ?? [])
    for (const p of dp.parts)
      parts.set(lower(`${dp.prefix ?? `${dp.column}_`}${p}`), {
        column: dp.column,
        part: { kind: "date_part", column: dp.column, part: p },
      });
  const joined = new Set(joins.flatMap((j) => (j.select ?? []).map((c) => lower(`${j.prefix ?? ""}${c}`))));
  const input = new Set(inputColumns.map(lower));
  // An input column no join, derive or date part replaces: its value is the input's own.
  const untouched = (c: string) =>
    input.has(lower(c)) && !derived.has(lower(c)) && !parts.has(lower(c)) && !joined.has(lower(c));
  const terms: InputPartitionTerm[] = [];
  for (const c of by) {
    const key = lower(c);
    const part = parts.get(key);
    const sql = Object.entries(step.derive ?? {}).find(([n]) => lower(n) === key)?.[1];
    if (part && untouched(part.column)) terms.push(part.part);
    else if (!part && sql !== undefined && readsOnlyInput(sql, untouched))
      terms.push({ kind: "derive", sql });
    else if (!part && sql === undefined && untouched(c)) terms.push({ kind: "column", name: c });
    else return undefined;
  }
  return terms;
}

function readsOnlyInput(sql: string, untouched: (c: string) => boolean): boolean {
  const { refs, error } = sqlColumnReferences(sql);
  return error === undefined && refs.every((r) => !r.qualifier && untouched(r.name));
}

/** The Spark columns of {@link partitionTermsOnInput}'s terms. */
export function partitionColumnsOf(terms: readonly InputPartitionTerm[]): [Column, ...Column[]] {
  return terms.map((t) =>
    t.kind === "column"
      ? F.col(q(t.name))
      : t.kind === "derive"
        ? F.expr(t.sql)
        : DATE_PART_FUNCTIONS[t.part](F.col(q(t.column))),
  ) as [Column, ...Column[]];
}

/**
 * True when, in Spark's text of a physical plan (`explain`, simple mode), the first shuffle from
 * the top is a repartition the user asked for (`REPARTITION_BY_COL`): nothing between the plan's
 * output and that repartition (a sort-merge or shuffled hash join) shuffles its rows again.
 * Broadcast exchanges do not count: they move a lookup, not these rows.
 */
export function firstShuffleIsRepartition(physicalPlan: string): boolean {
  const line = physicalPlan.split("\n").find((l) => /(?<![A-Za-z])Exchange\s/.test(l));
  return line?.includes("REPARTITION_BY_COL") === true;
}

/**
 * `compile(input)` over the step's input repartitioned by `terms`, kept when Spark plans no other
 * shuffle above that repartition (one AnalyzePlan `explain`); else `compile(input)` as it is.
 * Returns the compiled value and whether its rows come out partitioned for the sink.
 */
export async function withInputPartitioned<T extends { output: DataFrame }>(
  input: DataFrame,
  terms: readonly InputPartitionTerm[] | undefined,
  compile: (input: DataFrame) => Promise<T>,
): Promise<{ compiled: T; partitioned: boolean }> {
  if (terms?.length) {
    const compiled = await compile(input.repartition(...partitionColumnsOf(terms)));
    if (firstShuffleIsRepartition(await compiled.output.explainString()))
      return { compiled, partitioned: true };
  }
  return { compiled: await compile(input), partitioned: false };
}
