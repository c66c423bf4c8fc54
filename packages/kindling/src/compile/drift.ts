/**
 * Schema drift: how the columns of the files differ from the declared schema.
 *  - CSV with a header: every file's header record is read through Spark with the source's options
 *    (csv-header.ts) and files are grouped by header, so a column added, missing, reordered or
 *    repeated in any file is seen — per file, before any data is read.
 *  - JSON lines: the fields of the first 1,000 records of every file are compared with the declared
 *    ones (a field that first appears later in a file is not seen; documented).
 *  - Parquet: every file's own schema (its footer, through Spark; no data read). Parquet columns
 *    are matched by name, so only added and missing columns count, not their order.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type SparkSession, simpleString } from "@kindling/spark-connect";
import { csvFirstRecord, repeatedNames, safeHeaderNames } from "./csv-header.js";

export interface FileGroupDrift {
  /** Column names in the files' order. */
  columns: string[];
  files: string[];
  added: string[];
  missing: string[];
  reordered: boolean;
  /** Header names that occur more than once (ignoring case), with their 1-based positions. */
  repeated?: { name: string; positions: number[] }[];
  /** Files with no header and no rows (0 bytes): nothing to compare, nothing to read. */
  empty?: boolean;
}

export function driftOf(found: string[], declared: string[]): Omit<FileGroupDrift, "files" | "columns"> {
  const added = found.filter((c) => !declared.includes(c));
  const missing = declared.filter((c) => !found.includes(c));
  const common = found.filter((c) => declared.includes(c));
  const reordered = common.join("\u0000") !== declared.filter((c) => found.includes(c)).join("\u0000");
  return { added, missing, reordered };
}

export function hasDrift(d: Omit<FileGroupDrift, "files" | "columns">): boolean {
  return d.added.length > 0 || d.missing.length > 0 || d.reordered || Boolean(d.repeated?.length);
}

/** The first `count` complete lines of a local file, read from at most its first `maxBytes`. */
function firstLinesLocal(path: string, count: number, maxBytes: number): string[] {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.allocUnsafe(maxBytes); // only the n bytes read are used
    const n = readSync(fd, buf, 0, buf.length, 0);
    const lines = buf.subarray(0, n).toString("utf8").split(/\r?\n/);
    if (n === maxBytes && lines.length > 1) lines.pop(); // cut mid-line
    return lines.slice(0, count);
  } finally {
    closeSync(fd);
  }
}

const localPath = (f: string) =>
  f.startsWith("file:")
    ? fileURLToPath(f.startsWith("file:///") ? f : f.replace(/^file:/, "file://"))
    : undefined;

/**
 * Reads each file's columns with `read` and groups files whose columns are the same (by `key`,
 * the order unless the format matches columns by name); the group's drift is computed once.
 * Reads go 16 at a time: a Parquet footer or a remote header is one round trip to Spark each.
 */
async function groupFiles<G extends FileGroupDrift>(
  files: string[],
  read: (file: string) => Promise<{ key: string; group: Omit<G, "files"> }>,
): Promise<G[]> {
  const groups = new Map<string, G>();
  for (let i = 0; i < files.length; i += 16) {
    const batch = files.slice(i, i + 16);
    const seen = await Promise.all(batch.map(read));
    seen.forEach(({ key, group }, j) => {
      const g = groups.get(key);
      if (g) g.files.push(batch[j]!);
      else groups.set(key, { ...group, files: [batch[j]!] } as G);
    });
  }
  return [...groups.values()];
}

/**
 * How one CSV header differs from the declared columns, and the names its columns are read with
 * (by position, so Spark never matches header names itself).
 *  - By name (the default): a header name matches a declared one ignoring case, as Spark resolves
 *    columns; the declared spelling is used. A name that repeats is drift (`repeated`, with its
 *    positions): its columns are read under Spark's safe names (`amount3`, `amount4`) and counted
 *    as added, so no value is lost and no duplicate column is made.
 *  - By position (`enforceSchema: true`, as Spark documents it): the declared columns apply to the
 *    first positions whatever the header says; only a different column count is drift (extra
 *    positions are added under their header names, missing ones read as null).
 */
export function csvHeaderDrift(
  header: (string | null)[],
  declared: string[],
  byPosition: boolean,
): Omit<FileGroupDrift, "files"> {
  const safe = safeHeaderNames(header);
  if (byPosition) {
    const taken = new Set(declared.map((d) => d.toLowerCase()));
    const extra = safe.slice(declared.length).map((n, i) => {
      const name = taken.has(n.toLowerCase()) ? `${n}${declared.length + i}` : n;
      taken.add(name.toLowerCase());
      return name;
    });
    const columns = [...declared.slice(0, header.length), ...extra];
    return { columns, added: extra, missing: declared.slice(header.length), reordered: false };
  }
  const repeated = repeatedNames(header);
  const lower = new Map(declared.map((d) => [d.toLowerCase(), d]));
  const columns = safe.map((n) => lower.get(n.toLowerCase()) ?? n);
  return { columns, ...driftOf(columns, declared), ...(repeated.length ? { repeated } : {}) };
}

/**
 * Header columns of every file matched by `paths`, grouped by identical header (see
 * {@link csvHeaderDrift}). Files with no record at all (0 bytes, an empty compressed stream) form a
 * group marked `empty`: no header, no rows, no drift.
 */
export async function csvHeaderGroups(
  spark: SparkSession,
  paths: string[],
  declared: string[],
  options: Record<string, string>,
  byPosition: boolean,
): Promise<FileGroupDrift[]> {
  const files = (await spark.read.format("text").load(paths).inputFiles()).sort();
  return groupFiles(files, async (f) => {
    const header = await csvFirstRecord(spark, f, options, localPath(f));
    if (!header)
      return { key: "empty", group: { columns: [], added: [], missing: [], reordered: false, empty: true } };
    return { key: JSON.stringify(header), group: csvHeaderDrift(header, declared, byPosition) };
  });
}

/**
 * Fields of the first `sample` records of every JSON-lines file, grouped by field set. Only added
 * fields count as drift: a record without a field reads it as null, and JSON has no column order.
 */
export async function jsonlFieldGroups(
  spark: SparkSession,
  paths: string[],
  declared: string[],
  sample = 1000,
): Promise<FileGroupDrift[]> {
  const files = (await spark.read.format("text").load(paths).inputFiles()).sort();
  return groupFiles(files, async (f) => {
    const local = localPath(f);
    const lines = local
      ? firstLinesLocal(local, sample, 4 * 1024 * 1024)
      : (await spark.read.text(f).limit(sample).collect()).map((r) => String(r.value));
    const fields = new Set<string>();
    for (const l of lines) {
      try {
        const o = JSON.parse(l);
        if (o && typeof o === "object" && !Array.isArray(o)) for (const k of Object.keys(o)) fields.add(k);
      } catch {
        /* a malformed line: the reader routes it */
      }
    }
    const columns = [...fields].sort();
    const added = columns.filter((c) => !declared.includes(c));
    return { key: JSON.stringify(columns), group: { columns, added, missing: [], reordered: false } };
  });
}

/** Column names (and their Spark types) of every Parquet file matched by `paths`, grouped by column set. */
export async function parquetColumnGroups(
  spark: SparkSession,
  paths: string[],
  declared: string[],
): Promise<(FileGroupDrift & { types: Record<string, string> })[]> {
  const files = (await spark.read.parquet(...paths).inputFiles()).sort();
  return groupFiles(files, async (f) => {
    const fields = (await spark.read.parquet(f).schema()).fields;
    const columns = fields.map((x) => x.name);
    return {
      key: JSON.stringify([...columns].sort()),
      group: {
        columns,
        ...driftOf(columns, declared),
        reordered: false,
        types: Object.fromEntries(fields.map((x) => [x.name, simpleString(x.dataType)])),
      },
    };
  });
}
