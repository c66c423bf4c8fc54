/**
 * Text that is not what it claims: bytes that are not valid UTF-8 in a source read as UTF-8.
 * Spark's CSV reader decodes them to U+FFFD without a count; its JSON reader makes the record
 * malformed. The source's `invalid_encoding` policy decides (default `quarantine`):
 *  - `quarantine`: the record is a malformed record (counted, and routed by the `malformed` policy)
 *    whose raw bytes are kept hex-escaped (`caf\xe9`);
 *  - `fail`: the run stops before reading data, naming the file, the line and the bytes;
 *  - `replace`: Spark's own decoding (U+FFFD, not counted; JSON records stay malformed).
 * Detection costs no pass of its own: the source's one scan (run/source-scan.ts) counts the rows
 * that may hold invalid bytes ({@link utf8Suspect}: Java's decoder turns them into U+FFFD, so a
 * clean scan proves a clean source), and only the files holding such rows are then checked byte
 * for byte ({@link findInvalidUtf8}: Spark's `text` source keeps the bytes, `is_valid_utf8`
 * judges them); a legitimate U+FFFD costs that check of its file, nothing else. Only sources read
 * as UTF-8 are checked.
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { type Column, type DataFrame, functions as F, type SparkSession } from "@kindling/spark-connect";
import { bytesAsText, displayValue } from "../display.js";
import { KindlingError } from "../errors.js";

/** A file holding lines that are not valid UTF-8. */
export interface InvalidUtf8File {
  file: string;
  /** How many of its lines are invalid. */
  lines: number;
  /** The raw bytes of one invalid line. */
  sample: Uint8Array;
}

/** True when the source's text is read as UTF-8 (no `encoding`/`charset` option, or a UTF-8 one). */
export function readsAsUtf8(options: Record<string, string>): boolean {
  const k = Object.keys(options).find((o) => ["encoding", "charset"].includes(o.toLowerCase()));
  return k === undefined || /^utf-?8$/i.test(String(options[k]));
}

/**
 * A CSV row that may hold bytes that were not valid UTF-8: one of `columns` (string columns, and
 * the corrupt-record column, which keeps a malformed record's text) holds U+FFFD. Spark's CSV
 * reader decodes every line with Java's decoder, which replaces invalid bytes by U+FFFD, so its
 * strings are always valid UTF-8 and `is_valid_utf8` could never fire on them; one `contains`
 * per column is all the check needs (measured: 1.52× the floor against 1.80× with `is_valid_utf8`
 * as well; `contains`, a byte search, ~1 s quicker per GB than `instr`, which counts characters
 * as it goes: bench/README.md). False for a clean row; true for a row holding U+FFFD as text too,
 * which the byte check of its file then clears.
 */
export function utf8Suspect(columns: string[]): Column {
  const q = (c: string) => `\`${c.replace(/`/g, "``")}\``;
  const one = (c: string) => `coalesce(contains(${q(c)}, '\uFFFD'), false)`;
  return F.expr(columns.length ? columns.map(one).join(" OR ") : "false");
}

/**
 * Files under `paths` with lines that are not valid UTF-8, one Spark pass over their raw lines;
 * `tags` go on the job (see tags.ts).
 */
export async function findInvalidUtf8(
  spark: SparkSession,
  paths: string[],
  tags: string[] = [],
): Promise<InvalidUtf8File[]> {
  const rows = await spark.read
    .text(paths)
    .where(F.expr("NOT is_valid_utf8(value)"))
    .groupBy(F.expr("input_file_name()").alias("file"))
    .agg(F.count(F.lit(1)).alias("lines"), F.expr("min(hex(cast(value AS BINARY)))").alias("sample"))
    .orderBy("file")
    .collect({ tags });
  return rows.map((r) => ({
    file: String(r.file),
    lines: Number(r.lines),
    sample: Buffer.from(String(r.sample), "hex"),
  }));
}

/**
 * The 1-based number and bytes of the first line of a local, uncompressed file that is not valid
 * UTF-8; undefined for other files (compressed, remote) or past `maxBytes`.
 */
export function firstInvalidLine(path: string, maxBytes = 256 * 1024 * 1024): number | undefined {
  if (/\.(gz|bz2|deflate|zst|lz4|snappy)$/i.test(path)) return undefined;
  const size = statSync(path).size;
  if (size > maxBytes) return undefined;
  const buf = Buffer.allocUnsafe(size);
  const fd = openSync(path, "r");
  try {
    readSync(fd, buf, 0, size, 0);
  } finally {
    closeSync(fd);
  }
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let start = 0;
  for (let line = 1; start <= size; line++) {
    const end = buf.indexOf(0x0a, start);
    const stop = end < 0 ? size : end;
    try {
      decoder.decode(buf.subarray(start, stop));
    } catch {
      return line;
    }
    if (end < 0) return undefined;
    start = end + 1;
  }
  return undefined;
}

/** The `invalid_encoding: fail` error: file, line (when known), the bytes escaped, and what to do. */
export function invalidEncodingError(
  source: string,
  found: InvalidUtf8File[],
  lineOf: (file: string) => number | undefined,
): KindlingError {
  const total = found.reduce((n, f) => n + f.lines, 0);
  const first = found[0]!;
  const line = lineOf(first.file);
  const where = `${displayValue(first.file, 200)}${line ? ` line ${line}` : ""}`;
  return new KindlingError(
    `source ${source}: ${total} line${total === 1 ? " is" : "s are"} not valid UTF-8 in ${found.length} file${found.length === 1 ? "" : "s"} (first: ${where}: ${displayValue(bytesAsText(first.sample), 120)}). Set options.encoding to the files' encoding (e.g. ISO-8859-1), or set \`invalid_encoding: quarantine\` (keep the records aside) or \`replace\` (U+FFFD).`,
    "data",
  );
}

/**
 * SQL that shows a string's characters U+0080–U+00FF as `\xNN`: applied to text decoded as
 * ISO-8859-1 (one character per byte), it hex-escapes every non-ASCII raw byte.
 */
export function escapeHighBytes(sql: string): string {
  return `array_join(transform(split(${sql}, ''), ch -> CASE WHEN ascii(ch) >= 128 THEN concat('\\\\x', lower(hex(ascii(ch)))) ELSE ch END), '')`;
}

/**
 * A frame read as ISO-8859-1 (so no byte is lost), turned back into UTF-8 text: each of
 * `stringColumns` (and the corrupt-record column `corrupt`) becomes the string its raw bytes spell.
 * A row where one of them is not valid UTF-8 gets `corrupt` set to its record with the non-ASCII
 * bytes hex-escaped (the raw line for a malformed row, else the row of `dataColumns` as JSON),
 * which makes it a malformed record.
 */
export function recodeLatin1(
  df: DataFrame,
  dataColumns: string[],
  stringColumns: string[],
  corrupt: string,
): DataFrame {
  const q = (c: string) => `\`${c.replace(/`/g, "``")}\``;
  const utf8 = (c: string) => `CAST(encode(${q(c)}, 'ISO-8859-1') AS STRING)`;
  const valid = (c: string) => `coalesce(is_valid_utf8(${utf8(c)}), true)`;
  const allValid = stringColumns.length ? stringColumns.map(valid).join(" AND ") : "true";
  const row = `to_json(struct(${dataColumns.map(q).join(", ")}))`;
  const record = F.expr(
    `CASE WHEN ${q(corrupt)} IS NOT NULL AND ${valid(corrupt)} THEN ${utf8(corrupt)}
          WHEN ${q(corrupt)} IS NOT NULL THEN ${escapeHighBytes(q(corrupt))}
          WHEN NOT (${allValid}) THEN ${escapeHighBytes(row)} END`,
  );
  return df
    .withColumn(corrupt, record)
    .withColumns(Object.fromEntries(stringColumns.map((c) => [c, F.expr(utf8(c))])));
}

/**
 * A JSON corrupt record with raw bytes that are not UTF-8, hex-escaped (Spark keeps the record's
 * bytes as they were in the file); valid records are left as they are.
 */
export function escapeInvalidRecord(corrupt: string): Column {
  const c = `\`${corrupt}\``;
  return F.when(
    F.expr(`NOT coalesce(is_valid_utf8(${c}), true)`),
    F.expr(escapeHighBytes(`decode(CAST(${c} AS BINARY), 'ISO-8859-1')`)),
  ).otherwise(F.col(c));
}
