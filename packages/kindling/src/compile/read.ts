import { isAbsolute, resolve } from "node:path";
import { type DataFrame, functions as F, type SparkSession } from "@kindling/spark-connect";
import type { SourceSpec } from "../spec/index.js";
import { BLOCK, CORRUPT, FILE, SEQ } from "./hidden.js";
import { sourceMetric } from "./metrics.js";

/** How the columns found in the data differ from the declared schema. */
export interface SchemaDrift {
  added: string[];
  missing: string[];
  reordered: boolean;
}

/** A source compiled to DataFrames: every row read, and the split into valid and malformed rows. */
export interface CompiledSource {
  name: string;
  spec: SourceSpec;
  paths: string[];
  /** Every row read, with the hidden position columns and (csv/json) the corrupt-record column. */
  all: DataFrame;
  /** Rows that parsed; what steps read. */
  valid: DataFrame;
  /** Rows the reader could not parse (csv/json with a declared schema), with the raw text in `_k_corrupt`. */
  malformed: DataFrame | undefined;
  drift: SchemaDrift | undefined;
}

/** Resolves a spec path: URLs (s3a://, file://) stay as they are; local paths become absolute. */
export function resolvePath(p: string, baseDir = process.cwd()): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p)) return p;
  return isAbsolute(p) ? p : resolve(baseDir, p);
}

function declaredDDL(spec: SourceSpec): { ddl: string; names: string[] } | undefined {
  if (!spec.schema) return undefined;
  if (typeof spec.schema === "string") {
    const names = splitTopLevel(spec.schema).map((c) => c.trim().split(/\s+/)[0]!.replace(/`/g, ""));
    return { ddl: spec.schema, names };
  }
  return {
    ddl: spec.schema.map((c) => `\`${c.name}\` ${c.type}`).join(", "),
    names: spec.schema.map((c) => c.name),
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
 * instead of vanishing; `malformed: fail` reads FAILFAST. CSV headers are checked against the
 * declared names (`drift: fail`), or mapped by name with the differences reported (`drift: accept`).
 */
export async function compileSource(
  spark: SparkSession,
  name: string,
  spec: SourceSpec,
  baseDir?: string,
): Promise<CompiledSource> {
  const paths = (Array.isArray(spec.path) ? spec.path : [spec.path]).map((p) => resolvePath(p, baseDir));
  const options: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec.options ?? {})) options[k] = String(v);
  const format = spec.format === "jsonl" ? "json" : spec.format;
  if (spec.format === "json" && options.multiLine === undefined) options.multiLine = "true";
  const declared = declaredDDL(spec);
  const textual = format === "csv" || format === "json";
  let drift: SchemaDrift | undefined;
  let ddl = declared?.ddl;
  let missing: string[] = [];

  if (declared && format === "csv" && String(options.header ?? "false") === "true") {
    if (spec.drift === "fail") {
      options.enforceSchema = "false"; // Spark checks each file's header names against the schema
    } else {
      const found = await spark.read
        .format("csv")
        .options({ ...options, inferSchema: "false" })
        .load(paths)
        .columns();
      const decl = new Map(
        (typeof spec.schema === "string" ? [] : (spec.schema ?? [])).map((c) => [c.name, c.type]),
      );
      const declNames = declared.names;
      const added = found.filter((c) => !declNames.includes(c));
      missing = declNames.filter((c) => !found.includes(c));
      const common = found.filter((c) => declNames.includes(c));
      const reordered = common.join(",") !== declNames.filter((c) => found.includes(c)).join(",");
      drift = { added, missing, reordered };
      ddl = found.map((c) => `\`${c}\` ${decl.get(c) ?? "string"}`).join(", ");
      options.enforceSchema = "false";
    }
  }

  let reader = spark.read.format(format).options(options);
  const withCorrupt = Boolean(ddl) && textual && spec.malformed !== "fail";
  if (ddl) reader = reader.schema(withCorrupt ? `${ddl}, \`${CORRUPT}\` STRING` : ddl);
  if (textual) {
    reader = withCorrupt
      ? reader.mode("PERMISSIVE", CORRUPT)
      : reader.mode(spec.malformed === "fail" ? "FAILFAST" : "PERMISSIVE");
  }
  let all = reader.load(paths);
  for (const m of missing) all = all.withColumn(m, F.lit(null).cast(typeOf(spec, m)));
  all = all.withColumns({
    [FILE]: F.col("_metadata.file_path"),
    [BLOCK]: F.col("_metadata.file_block_start"),
    [SEQ]: F.monotonicallyIncreasingId(),
  });
  if (!withCorrupt) all = all.withColumn(CORRUPT, F.lit(null).cast("string"));
  all = all.observe(
    sourceMetric(name),
    F.count(F.lit(1)).alias("rows"),
    F.countIf(F.col(CORRUPT).isNotNull()).alias("malformed"),
  );
  const isBad = F.col(CORRUPT).isNotNull();
  return {
    name,
    spec,
    paths,
    all,
    valid: all.filter(isBad.not()),
    malformed: withCorrupt ? all.filter(isBad) : undefined,
    drift,
  };
}

function typeOf(spec: SourceSpec, column: string): string {
  if (Array.isArray(spec.schema)) return spec.schema.find((c) => c.name === column)?.type ?? "string";
  return "string";
}
