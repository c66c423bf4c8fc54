import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type Column,
  type DataFrame,
  functions as F,
  type SparkSession,
  simpleString,
  toDDL,
} from "@kindling/spark-connect";
import { compileDeltaSource } from "../delta/source.js";
import { displayValue } from "../display.js";
import { KindlingError } from "../errors.js";
import { withJobName } from "../job-names.js";
import type { SourceSpec } from "../spec/index.js";
import {
  csvHeaderGroups,
  type FileGroupDrift,
  hasDrift,
  jsonlFieldGroups,
  parquetColumnGroups,
} from "./drift.js";
import {
  escapeInvalidRecord,
  findInvalidUtf8,
  firstInvalidLine,
  type InvalidUtf8File,
  invalidEncodingError,
  readsAsUtf8,
  recodeLatin1,
  utf8Suspect,
} from "./encoding.js";
import { BLOCK, CORRUPT, FILE, isHidden, SEQ } from "./hidden.js";
import { sourceCounts, sourceMetric } from "./metrics.js";

/** How the columns found in the data differ from the declared schema (only drifting files listed). */
export interface SchemaDrift {
  policy: "fail" | "accept";
  groups: {
    files: string[];
    added: string[];
    missing: string[];
    reordered: boolean;
    /** Header names that occur more than once (ignoring case), with their 1-based positions. */
    repeated?: { name: string; positions: number[] }[];
  }[];
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
  /** Rows the reader could not parse (csv/json unless `malformed: fail`), raw text in `_k_corrupt`. */
  malformed: DataFrame | undefined;
  /** A declared column read from the files, when `malformed` is set (see malformedToQuarantine). */
  firstDataColumn: string | undefined;
  drift: SchemaDrift | undefined;
  /** The input files, when compiling already had to list them (CSV header checks). */
  files?: string[];
  /**
   * Rows of `all` that may hold invalid UTF-8 (see utf8Suspect), for a source whose files are
   * checked after its scan (run/source-scan.ts); undefined when nothing is left to check.
   */
  utf8Suspect?: Column;
  /** Files whose header record may hold invalid UTF-8 (it is not a row of `all`). */
  utf8SuspectFiles?: string[];
  /** The Parquet copy of the parsed rows `all` reads, once the run's scan staged it (run/source-scan.ts). */
  stagedAt?: string;
}

/** What an earlier scan of the run learned about a source, for compiling it again. */
export interface SourceHints {
  /** Files holding invalid UTF-8 (found by findInvalidUtf8): read byte for byte as ISO-8859-1. */
  invalidUtf8?: ReadonlySet<string>;
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

/**
 * The schema Spark infers for a CSV/JSON source read without one (the same inference a read
 * without a schema does: the header or `_c<n>` names, types only with `inferSchema`), without the
 * corrupt-record column inference adds when it met malformed records.
 */
async function inferredDDL(
  spark: SparkSession,
  format: string,
  paths: string[],
  options: Record<string, string>,
): Promise<{ ddl: string; names: string[]; types: Map<string, string> }> {
  const schema = await spark.read
    .format(format)
    .options(options)
    .mode("PERMISSIVE", CORRUPT)
    .load(paths)
    .schema();
  const fields = schema.fields.filter((f) => f.name !== CORRUPT);
  return {
    ddl: toDDL({ ...schema, fields }),
    names: fields.map((f) => f.name),
    types: new Map(fields.map((f) => [f.name, simpleString(f.dataType)])),
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
 * Compiles a source. CSV and JSON are read PERMISSIVE with a hidden corrupt-record column (with the
 * declared schema, or else the one Spark infers, see inferredDDL), so malformed rows are counted and routed by the `malformed` policy
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
  hints: SourceHints = {},
): Promise<CompiledSource> {
  const paths = (Array.isArray(spec.path) ? spec.path : [spec.path]).map((p) => resolvePath(p, baseDir));
  if (spec.format === "delta") return compileDeltaSource(spark, name, spec, paths);
  const options: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec.options ?? {})) options[k] = String(v);
  const format = spec.format === "jsonl" ? "json" : spec.format;
  if (spec.format === "json" && options.multiLine === undefined) options.multiLine = "true";
  const textual = format === "csv" || format === "json";
  const userDeclared = declaredDDL(spec);
  // Without a declared schema, malformed rows are only seen with a corrupt-record column, which
  // needs a schema: Spark infers one (as it would for the read), and the read then uses it.
  const declared =
    userDeclared ??
    (textual && spec.malformed !== "fail" ? await inferredDDL(spark, format, paths, options) : undefined);
  const typeOfDeclared = (c: string) => declared?.types.get(c) ?? "string";
  const {
    parts: driftParts,
    drift,
    files,
    headerSuspects,
  } = userDeclared
    ? await withJobName(spark, `${name}: ${format === "csv" ? "header" : "schema check"}`, () =>
        declaredParts(spark, name, spec, format, paths, options, userDeclared, typeOfDeclared),
      )
    : { parts: undefined, drift: undefined, files: undefined, headerSuspects: undefined };
  let parts: ReadPart[] = driftParts ?? [{ paths, ddl: declared?.ddl, missing: [] }];

  // Invalid UTF-8 (encoding.ts): judged in the source's one scan (utf8Suspect below) and checked
  // byte for byte after it; files found to hold it come back as hints and are read as ISO-8859-1.
  const checked = utf8Checked(spec, options, textual);
  const invalid = hints.invalidUtf8?.size ? new Set(hints.invalidUtf8) : undefined;
  if (checked && format === "json" && spec.malformed === "fail")
    // FAILFAST would stop the scan with Spark's own error: checked first, naming file and line.
    await withJobName(spark, `${name}: encoding check`, () => failOnInvalidUtf8(spark, name, parts));
  if (invalid && format === "csv") parts = await splitLatin1(spark, parts, invalid, files);

  const withCorrupt = Boolean(declared) && textual && spec.malformed !== "fail";
  const frames: DataFrame[] = [];
  for (const part of parts) {
    let reader = spark.read.format(format).options(part.latin1 ? latin1(options) : options);
    if (part.ddl) reader = reader.schema(withCorrupt ? `${part.ddl}, \`${CORRUPT}\` STRING` : part.ddl);
    if (textual) {
      reader = withCorrupt
        ? reader.mode("PERMISSIVE", CORRUPT)
        : reader.mode(spec.malformed === "fail" ? "FAILFAST" : "PERMISSIVE");
    }
    let df = reader.load(part.paths);
    for (const m of part.missing) df = df.withColumn(m, F.lit(null).cast(typeOfDeclared(m)));
    if (part.latin1) df = await recodePart(df);
    // A JSON record with invalid bytes is malformed already; its text is escaped in the same scan.
    if (checked && format === "json" && withCorrupt)
      df = df.withColumn(CORRUPT, escapeInvalidRecord(CORRUPT));
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
  if ((parts.length > 1 || drift) && declared) {
    // Declared columns first, in declared order; columns added by drift after them.
    const cols = await all.columns();
    const extra = cols.filter((c) => !declared.names.includes(c) && !isHidden(c) && c !== CORRUPT);
    all = all.select(
      ...[...declared.names, ...extra, FILE, BLOCK, SEQ, CORRUPT].map((c) => F.col(`\`${c}\``)),
    );
  }
  // CSV decodes invalid bytes to U+FFFD: rows (and headers) that may hold them are checked after the scan.
  const suspect =
    checked && format === "csv" && !hints.invalidUtf8
      ? {
          utf8Suspect: utf8Suspect([...(await stringColumns(all)), CORRUPT]),
          utf8SuspectFiles: headerSuspects ?? [],
        }
      : {};
  return {
    name,
    spec,
    paths,
    ...(await sourceViews(name, all, withCorrupt)),
    // A declared column every file has (drift may have filled some in as null literals).
    firstDataColumn: withCorrupt
      ? (declared?.names.find((n) => parts.every((p) => !p.missing.includes(n))) ?? declared?.names[0])
      : undefined,
    drift,
    ...(files ? { files } : {}),
    ...suspect,
  };
}

/**
 * A source's views over `all` (every row read): `valid`, observed as the source's counts, and
 * `malformed` (with each record's text) when the read keeps malformed rows (`withCorrupt`).
 */
async function sourceViews(
  name: string,
  all: DataFrame,
  withCorrupt: boolean,
): Promise<Pick<CompiledSource, "all" | "valid" | "malformed">> {
  const isBad = F.col(CORRUPT).isNotNull();
  const observed = all.observe(sourceMetric(name), ...sourceCounts());
  return {
    all,
    valid: observed.filter(isBad.not()),
    malformed: withCorrupt ? await withWholeRecord(observed.filter(isBad)) : undefined,
  };
}

/**
 * `source` read from the Parquet copy of its parsed rows at `path` (written by the run's scan from
 * `source.all`: same columns, hidden ones included): what the rest of the run compiles against.
 * Its invalid UTF-8 has been judged by that scan, so nothing is left to check. `all` gives those
 * rows when the copy holds more (a clean step's verdicts: run/source-scan.ts `stagedRows`).
 */
export async function readStaged(
  source: CompiledSource,
  path: string,
  all: DataFrame = source.all.session.read.parquet(path),
): Promise<CompiledSource> {
  const { utf8Suspect: _, utf8SuspectFiles: __, ...rest } = source;
  return {
    ...rest,
    ...(await sourceViews(source.name, all, source.malformed !== undefined)),
    stagedAt: path,
  };
}

/** True when the source's text is checked for invalid UTF-8 (see encoding.ts). */
function utf8Checked(spec: SourceSpec, options: Record<string, string>, textual: boolean): boolean {
  return textual && (spec.invalid_encoding ?? "quarantine") !== "replace" && readsAsUtf8(options);
}

/** The data columns of `df` Spark holds as strings (hidden columns aside). */
async function stringColumns(df: DataFrame): Promise<string[]> {
  return (await df.schema()).fields
    .filter((f) => f.dataType.typeName === "string" && !isHidden(f.name))
    .map((f) => f.name);
}

/**
 * Malformed rows whose corrupt-record column is read with every data column. Spark's CSV reader
 * parses only the columns a query needs (spark.sql.csv.parser.columnPruning.enabled), and a row
 * with one field too many or too few is only malformed when all columns are parsed: a quarantine
 * query that reads one column would find no malformed row while the output's query dropped it.
 */
async function withWholeRecord(malformed: DataFrame): Promise<DataFrame> {
  const data = (await malformed.columns()).filter((c) => !isHidden(c) && c !== CORRUPT);
  const whole = F.toJson(F.struct(...data.map((c) => F.col(`\`${c}\``))));
  return malformed.withColumn(CORRUPT, F.coalesce(F.col(CORRUPT), whole));
}

/**
 * The reads a source with a declared schema needs after its drift check (drift.ts): one per group
 * of files with the same columns (CSV), or one with added columns (Parquet, JSON lines); undefined
 * when the format has no check. `fail` throws naming the files; `accept` records every change.
 */
async function declaredParts(
  spark: SparkSession,
  name: string,
  spec: SourceSpec,
  format: string,
  paths: string[],
  options: Record<string, string>,
  declared: { ddl: string; names: string[] },
  typeOfDeclared: (c: string) => string,
): Promise<{
  parts: ReadPart[] | undefined;
  drift: SchemaDrift | undefined;
  files: string[] | undefined;
  /** CSV files whose header holds U+FFFD (maybe invalid UTF-8; see encoding.ts). */
  headerSuspects?: string[];
}> {
  let drift: SchemaDrift | undefined;
  let files: string[] | undefined;
  let parts: ReadPart[] | undefined;
  let headerSuspects: string[] | undefined;

  // Drift: `fail` throws naming the files; `accept` records every drifting group.
  const judge = (groups: FileGroupDrift[]) => {
    files = groups.flatMap((g) => g.files).sort();
    const drifting = groups.filter(hasDrift);
    if (drifting.length && spec.drift === "fail") throw driftError(name, drifting);
    if (drifting.length)
      drift = {
        policy: "accept",
        groups: drifting.map(({ files, added, missing, reordered, repeated }) => ({
          files,
          added,
          missing,
          reordered,
          ...(repeated ? { repeated } : {}),
        })),
      };
    return drifting;
  };
  if (format === "csv" && optionIs(options, "header", "true")) {
    const byPosition = optionIs(options, "enforceSchema", "true");
    const groups = await csvHeaderGroups(spark, paths, declared.names, options, byPosition);
    judge(groups);
    headerSuspects = groups
      .filter((g) => g.columns.some((c) => c.includes("\uFFFD")))
      .flatMap((g) => g.files);
    const read = groups.filter((g) => !g.empty);
    // Files with no header and no rows are not read; if all are such, the declared columns give 0 rows.
    if (read.length)
      parts = read.map((g) => ({
        paths: g.files,
        ddl: g.columns.map((c) => `\`${c}\` ${typeOfDeclared(c)}`).join(", "),
        missing: g.missing,
      }));
    // Each group's schema names the header's columns by position, as its header was read above.
    setOption(options, "enforceSchema", "true");
  } else if (format === "parquet") {
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
  } else if (spec.format === "jsonl") {
    // Added fields are read as text (objects keep their JSON), so no value is dropped.
    const added = [
      ...new Set(judge(await jsonlFieldGroups(spark, paths, declared.names)).flatMap((g) => g.added)),
    ];
    if (added.length)
      parts = [
        { paths, ddl: [declared.ddl, ...added.map((a) => `\`${a}\` STRING`)].join(", "), missing: [] },
      ];
  }
  return { parts, drift, files, headerSuspects };
}

/** One read of a source: its files (or globs), schema and the declared columns its files lack. */
interface ReadPart {
  paths: string[];
  ddl: string | undefined;
  missing: string[];
  /** Read as ISO-8859-1 and recoded (files with invalid UTF-8, see encoding.ts). */
  latin1?: boolean;
}

/**
 * A JSON source read FAILFAST (`malformed: fail`) is checked for invalid UTF-8 before its scan:
 * Spark would stop the scan on such a record with its own error; this one names file and line.
 */
async function failOnInvalidUtf8(spark: SparkSession, source: string, parts: ReadPart[]): Promise<void> {
  const found = await findInvalidUtf8(
    spark,
    parts.flatMap((p) => p.paths),
  );
  if (found.length) throw utf8Error(source, found);
}

/**
 * The files of `found` that a source keeps (`invalid_encoding: quarantine`), or the error that
 * stops the run (`fail`, or `malformed: fail`) naming file, line and bytes.
 */
export function invalidUtf8Verdict(
  source: string,
  spec: SourceSpec,
  found: InvalidUtf8File[],
): Set<string> | KindlingError {
  const policy = spec.invalid_encoding ?? "quarantine";
  if (policy === "fail" || spec.malformed === "fail") return utf8Error(source, found);
  return new Set(found.map((f) => f.file));
}

function utf8Error(source: string, found: InvalidUtf8File[]): KindlingError {
  return invalidEncodingError(source, found, (f) => {
    const local = localFile(f);
    return local ? firstInvalidLine(local) : undefined;
  });
}

/**
 * Each part split into its files without and with invalid UTF-8; the latter read as ISO-8859-1.
 * `listed` is the source's files when compiling listed them already (no second listing).
 */
async function splitLatin1(
  spark: SparkSession,
  parts: ReadPart[],
  invalid: Set<string>,
  listed: string[] | undefined,
): Promise<ReadPart[]> {
  const out: ReadPart[] = [];
  for (const part of parts) {
    // With a listing, each CSV part already names its files (one group of headers each).
    const files = listed ? part.paths : await spark.read.format("text").load(part.paths).inputFiles();
    const good = files.filter((f) => !invalid.has(f));
    const bad = files.filter((f) => invalid.has(f));
    if (!bad.length) out.push(part);
    else {
      if (good.length) out.push({ ...part, paths: good });
      out.push({ ...part, paths: bad, latin1: true });
    }
  }
  return out;
}

const latin1 = (options: Record<string, string>) => {
  const o = { ...options };
  for (const k of Object.keys(o)) if (["encoding", "charset"].includes(k.toLowerCase())) delete o[k];
  return { ...o, encoding: "ISO-8859-1" };
};

async function recodePart(df: DataFrame): Promise<DataFrame> {
  const fields = (await df.schema()).fields.filter((f) => f.name !== CORRUPT);
  const strings = fields.filter((f) => f.dataType.typeName === "string").map((f) => f.name);
  return recodeLatin1(
    df,
    fields.map((f) => f.name),
    strings,
    CORRUPT,
  );
}

const localFile = (f: string) =>
  f.startsWith("file:")
    ? fileURLToPath(f.startsWith("file:///") ? f : f.replace(/^file:/, "file://"))
    : undefined;

/** Spark matches reader option names ignoring case; so does this lookup. */
function optionIs(options: Record<string, string>, key: string, value: string): boolean {
  const k = Object.keys(options).find((o) => o.toLowerCase() === key.toLowerCase());
  return k !== undefined && String(options[k]).toLowerCase() === value;
}

function setOption(options: Record<string, string>, key: string, value: string): void {
  for (const k of Object.keys(options)) if (k.toLowerCase() === key.toLowerCase()) delete options[k];
  options[key] = value;
}

function driftError(source: string, groups: SchemaDrift["groups"]): KindlingError {
  const what = groups
    .map((g) => {
      const names = (xs: string[]) =>
        xs
          .slice(0, 10)
          .map((x) => displayValue(x, 60))
          .join(", ") + (xs.length > 10 ? ` and ${xs.length - 10} more` : "");
      const changes = [
        g.added.length ? `added ${names(g.added)}` : "",
        g.missing.length ? `missing ${names(g.missing)}` : "",
        g.reordered ? "columns reordered" : "",
        ...(g.repeated ?? []).map(
          (r) =>
            `${displayValue(r.name, 60)} repeated at columns ${r.positions.join(", ")} (names compare ignoring case)`,
        ),
      ].filter(Boolean);
      const files =
        g.files.length > 3
          ? `${g.files
              .slice(0, 3)
              .map((f) => displayValue(f, 200))
              .join(", ")} and ${g.files.length - 3} more`
          : g.files.map((f) => displayValue(f, 200)).join(", ");
      return `${files}: ${changes.join("; ")}`;
    })
    .join(" | ");
  const byPosition = groups.some((g) => g.repeated?.length)
    ? " A header with repeated names can be read by position: declare every column in order and set `options: {enforceSchema: true}`."
    : "";
  return new KindlingError(
    `source ${source}: the data's columns differ from the declared schema (${what}). Fix the files or the schema, or set \`drift: accept\` on the source to read them anyway with the changes listed in the report.${byPosition}`,
    "data",
  );
}
