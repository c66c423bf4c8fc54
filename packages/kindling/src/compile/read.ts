import { isAbsolute, resolve } from "node:path";
import { type DataFrame, functions as F, type SparkSession } from "@kindling/spark-connect";
import { compileDeltaSource } from "../delta/source.js";
import { KindlingError } from "../errors.js";
import type { SourceSpec } from "../spec/index.js";
import {
  csvHeaderGroups,
  type FileGroupDrift,
  hasDrift,
  jsonlFieldGroups,
  parquetColumnGroups,
} from "./drift.js";
import { BLOCK, CORRUPT, FILE, isHidden, SEQ } from "./hidden.js";
import { sourceCounts, sourceMetric } from "./metrics.js";

/** How the columns found in the data differ from the declared schema (only drifting files listed). */
export interface SchemaDrift {
  policy: "fail" | "accept";
  groups: { files: string[]; added: string[]; missing: string[]; reordered: boolean }[];
}

/** A source compiled to DataFrames: every row read, and the split into valid and malformed rows. */
export interface CompiledSource {
  name: string;
  spec: SourceSpec;
  paths: string[];
  /**
   * Every row read, with the hidden position columns and the corrupt-record column, not observed:
   * what a step that counts the source in its own observation, or a quarantine branch, reads.
   */
  all: DataFrame;
  /** Rows that parsed, counted as the source's observation; what steps read. */
  valid: DataFrame;
  /** Rows the reader could not parse (csv/json with a declared schema), raw text in `_k_corrupt`. */
  malformed: DataFrame | undefined;
  /** A declared column read from the files, when `malformed` is set (see malformedToQuarantine). */
  firstDataColumn: string | undefined;
  drift: SchemaDrift | undefined;
  /** The input files, when compiling already had to list them (CSV header checks). */
  files?: string[];
}

/** Resolves a spec path: URLs (s3a://, file://) stay as they are; local paths become absolute. */
export function resolvePath(p: string, baseDir = process.cwd()): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p)) return p;
  return isAbsolute(p) ? p : resolve(baseDir, p);
}

function declaredDDL(
  spec: SourceSpec,
): { ddl: string; names: string[]; types: Map<string, string> } | undefined {
  if (!spec.schema) return undefined;
  if (typeof spec.schema === "string") {
    const cols = splitTopLevel(spec.schema).map((c) => {
      const m = c.trim().match(/^(`[^`]+`|\S+)\s+(.+)$/);
      return [(m?.[1] ?? c.trim()).replace(/`/g, ""), m?.[2]?.trim() ?? "string"] as const;
    });
    return { ddl: spec.schema, names: cols.map((c) => c[0]), types: new Map(cols) };
  }
  return {
    ddl: spec.schema.map((c) => `\`${c.name}\` ${c.type}`).join(", "),
    names: spec.schema.map((c) => c.name),
    types: new Map(spec.schema.map((c) => [c.name, c.type])),
  };
}

/** Splits a DDL column list on the commas that are not inside <>, () or quotes. */
function splitTopLevel(ddl: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  let quote = "";
  for (const ch of ddl) {
    if (quote) {
      if (ch === quote) quote = "";
    } else if (ch === "`" || ch === "'" || ch === '"') quote = ch;
    else if (ch === "<" || ch === "(") depth++;
    else if (ch === ">" || ch === ")") depth--;
    else if (ch === "," && depth === 0) {
      out.push(cur);
      cur = "";
      continue;
    }
    cur += ch;
  }
  if (cur.trim()) out.push(cur);
  return out;
}

/**
 * Compiles a source. CSV and JSON with a declared schema are read PERMISSIVE with a hidden
 * corrupt-record column, so malformed rows are counted and routed by the `malformed` policy
 * instead of vanishing; `malformed: fail` reads FAILFAST. Schema drift (see drift.ts) follows the
 * source's `drift` policy: `fail` stops before reading data and names the files; `accept` reads each
 * group of files with its own columns, adds missing ones as nulls, keeps added ones, and lists the
 * changes in the report. Throws KindlingError for drift under `fail`.
 */
export async function compileSource(
  spark: SparkSession,
  name: string,
  spec: SourceSpec,
  baseDir?: string,
): Promise<CompiledSource> {
  const paths = (Array.isArray(spec.path) ? spec.path : [spec.path]).map((p) => resolvePath(p, baseDir));
  if (spec.format === "delta") return compileDeltaSource(spark, name, spec, paths);
  const options: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec.options ?? {})) options[k] = String(v);
  const format = spec.format === "jsonl" ? "json" : spec.format;
  if (spec.format === "json" && options.multiLine === undefined) options.multiLine = "true";
  const declared = declaredDDL(spec);
  const textual = format === "csv" || format === "json";
  const typeOfDeclared = (c: string) => declared?.types.get(c) ?? "string";
  let drift: SchemaDrift | undefined;
  let files: string[] | undefined;
  let parts: { paths: string[]; ddl: string | undefined; missing: string[] }[] = [
    { paths, ddl: declared?.ddl, missing: [] },
  ];

  // Drift: `fail` throws naming the files; `accept` records every drifting group.
  const judge = (groups: FileGroupDrift[]) => {
    files = groups.flatMap((g) => g.files).sort();
    const drifting = groups.filter(hasDrift);
    if (drifting.length && spec.drift === "fail") throw driftError(name, drifting);
    if (drifting.length)
      drift = {
        policy: "accept",
        groups: drifting.map(({ files, added, missing, reordered }) => ({
          files,
          added,
          missing,
          reordered,
        })),
      };
    return drifting;
  };
  if (declared && format === "csv" && String(options.header ?? "false") === "true") {
    const groups = await csvHeaderGroups(spark, paths, declared.names, options);
    judge(groups);
    parts = groups.map((g) => ({
      paths: g.files,
      ddl: g.columns.map((c) => `\`${c}\` ${typeOfDeclared(c)}`).join(", "),
      missing: g.missing,
    }));
    // Spark checks each file's header against the columns it is read with.
    options.enforceSchema = "false";
  } else if (declared && format === "parquet") {
    const groups = await parquetColumnGroups(spark, paths, declared.names);
    const drifting = judge(groups) as typeof groups;
    // Added columns are read with the files' own types, so no value is dropped; files without
    // a column read it as null (Parquet matches columns by name).
    const added = new Map(drifting.flatMap((g) => g.added.map((c) => [c, g.types[c]!] as const)));
    if (added.size)
      parts = [
        {
          paths,
          ddl: [declared.ddl, ...[...added].map(([c, t]) => `\`${c}\` ${t}`)].join(", "),
          missing: [],
        },
      ];
  } else if (declared && spec.format === "jsonl") {
    // Added fields are read as text (objects keep their JSON), so no value is dropped.
    const added = [
      ...new Set(judge(await jsonlFieldGroups(spark, paths, declared.names)).flatMap((g) => g.added)),
    ];
    if (added.length)
      parts = [
        { paths, ddl: [declared.ddl, ...added.map((a) => `\`${a}\` STRING`)].join(", "), missing: [] },
      ];
  }

  const withCorrupt = Boolean(declared) && textual && spec.malformed !== "fail";
  const frames: DataFrame[] = [];
  for (const part of parts) {
    let reader = spark.read.format(format).options(options);
    if (part.ddl) reader = reader.schema(withCorrupt ? `${part.ddl}, \`${CORRUPT}\` STRING` : part.ddl);
    if (textual) {
      reader = withCorrupt
        ? reader.mode("PERMISSIVE", CORRUPT)
        : reader.mode(spec.malformed === "fail" ? "FAILFAST" : "PERMISSIVE");
    }
    let df = reader.load(part.paths);
    for (const m of part.missing) df = df.withColumn(m, F.lit(null).cast(typeOfDeclared(m)));
    // input_file_name()/input_file_block_start() rather than the _metadata struct: same values,
    // but building the struct for every row cost ~0.7 s per 100 MB of CSV (bench/README.md).
    df = df.withColumns({
      [FILE]: F.expr("input_file_name()"),
      [BLOCK]: F.expr("input_file_block_start()"),
      [SEQ]: F.monotonicallyIncreasingId(),
    });
    if (!withCorrupt) df = df.withColumn(CORRUPT, F.lit(null).cast("string"));
    frames.push(df);
  }
  let all = frames.reduce((a, b) => a.unionByName(b, true));
  if (parts.length > 1 && declared) {
    // Declared columns first, in declared order; columns added by drift after them.
    const cols = await all.columns();
    const extra = cols.filter((c) => !declared.names.includes(c) && !isHidden(c) && c !== CORRUPT);
    all = all.select(
      ...[...declared.names, ...extra, FILE, BLOCK, SEQ, CORRUPT].map((c) => F.col(`\`${c}\``)),
    );
  }
  const isBad = F.col(CORRUPT).isNotNull();
  const observed = all.observe(sourceMetric(name), ...sourceCounts());
  return {
    name,
    spec,
    paths,
    all,
    valid: observed.filter(isBad.not()),
    malformed: withCorrupt ? observed.filter(isBad) : undefined,
    // A declared column every file has (drift may have filled some in as null literals).
    firstDataColumn: withCorrupt
      ? (declared?.names.find((n) => parts.every((p) => !p.missing.includes(n))) ?? declared?.names[0])
      : undefined,
    drift,
    ...(files ? { files } : {}),
  };
}

function driftError(
  source: string,
  groups: { files: string[]; added: string[]; missing: string[]; reordered: boolean }[],
): KindlingError {
  const what = groups
    .map((g) => {
      const changes = [
        g.added.length ? `added ${g.added.join(", ")}` : "",
        g.missing.length ? `missing ${g.missing.join(", ")}` : "",
        g.reordered ? "columns reordered" : "",
      ].filter(Boolean);
      const files =
        g.files.length > 3
          ? `${g.files.slice(0, 3).join(", ")} and ${g.files.length - 3} more`
          : g.files.join(", ");
      return `${files}: ${changes.join("; ")}`;
    })
    .join(" | ");
  return new KindlingError(
    `source ${source}: the data's columns differ from the declared schema (${what}). Fix the files or the schema, or set \`drift: accept\` on the source to read them anyway with the changes listed in the report.`,
    1,
  );
}
