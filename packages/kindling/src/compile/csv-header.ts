/**
 * A CSV file's header, found the way Spark will read the data. Kindling does not decode or split
 * the bytes itself: Spark reads the file's first record with the source's own options (codec by
 * file extension, `encoding`, BOM, `sep`, `quote`/`escape`, `comment`, `multiLine`) and
 * `header=false`, so every column of that record is a header name. A header is therefore read whole
 * whatever its length, and a drift error cannot come from a decoding Kindling guessed.
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import type { SparkSession } from "@kindling/spark-connect";

/** Options that decide how a file becomes rows, not which record is first: left out of the header read. */
const NOT_FOR_HEADER = new Set(
  ["header", "inferSchema", "enforceSchema", "samplingRatio", "mode", "columnNameOfCorruptRecord"].map((o) =>
    o.toLowerCase(),
  ),
);

/**
 * The first record of one CSV file as Spark parses it (`null` for an empty field), or `undefined`
 * when the file holds no record (0 bytes, an empty compressed stream, only blank or comment lines).
 * `localPath` is the file on this machine, when it is one: a 0-byte file is known empty, and a plain
 * header is read directly (see plainLocalHeader), without asking Spark. Otherwise one Spark query
 * per file (about 1.3 s per file at load average 50 on 2 cores; see docs/pipeline-spec.md).
 */
export async function csvFirstRecord(
  spark: SparkSession,
  file: string,
  options: Record<string, string>,
  localPath?: string,
): Promise<(string | null)[] | undefined> {
  if (localPath && statSync(localPath).size === 0) return undefined;
  const plain = localPath ? plainLocalHeader(localPath, options) : undefined;
  if (plain) return plain;
  const kept = Object.fromEntries(
    Object.entries(options).filter(([k]) => !NOT_FOR_HEADER.has(k.toLowerCase())),
  );
  const df = spark.read
    .format("csv")
    .options({ ...kept, header: "false", inferSchema: "false", mode: "PERMISSIVE" })
    .load(file)
    .limit(1);
  const [row] = await df.collect();
  if (!row) return undefined;
  // Spark names the columns _c0, _c1, … in file order.
  return Object.keys(row)
    .sort((a, b) => Number(a.slice(2)) - Number(b.slice(2)))
    .map((k) => (row[k] === null || row[k] === undefined ? null : String(row[k])));
}

/** Reader options that cannot change how a header line without quotes splits into names. */
const PLAIN_OPTIONS = new Set(
  [
    "header",
    "inferSchema",
    "enforceSchema",
    "samplingRatio",
    "mode",
    "columnNameOfCorruptRecord",
    "multiLine",
    "sep",
    "delimiter",
    "quote",
    "escape",
    "encoding",
    "charset",
    "dateFormat",
    "timestampFormat",
    "timestampNTZFormat",
    "locale",
    "timeZone",
    "preferDate",
    "enableDateTimeParsingFallback",
  ].map((o) => o.toLowerCase()),
);

/**
 * The header of a local file read directly, only where the answer cannot differ from Spark's:
 * an uncompressed file (no codec extension), read as UTF-8, with only options from PLAIN_OPTIONS,
 * whose first line is valid UTF-8, not empty, without BOM, carriage return inside, quote or
 * escape character, within the first 1 MiB. Anything else returns undefined (Spark reads it).
 */
export function plainLocalHeader(path: string, options: Record<string, string>): string[] | undefined {
  const opt = (k: string) => {
    const key = Object.keys(options).find((o) => o.toLowerCase() === k.toLowerCase());
    return key === undefined ? undefined : String(options[key]);
  };
  if (Object.keys(options).some((k) => !PLAIN_OPTIONS.has(k.toLowerCase()))) return undefined;
  const encoding = opt("encoding") ?? opt("charset");
  if (encoding !== undefined && !/^utf-?8$/i.test(encoding)) return undefined;
  if (/\.[^./]+$/.test(path) && !/\.(csv|txt|tsv|dat)$/i.test(path)) return undefined;
  const buf = Buffer.allocUnsafe(1024 * 1024);
  const fd = openSync(path, "r");
  let n: number;
  try {
    n = readSync(fd, buf, 0, buf.length, 0);
  } finally {
    closeSync(fd);
  }
  const end = buf.subarray(0, n).indexOf(0x0a);
  if (end <= 0) return undefined;
  let line: string;
  try {
    line = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(buf.subarray(0, end));
  } catch {
    return undefined;
  }
  if (line.endsWith("\r")) line = line.slice(0, -1);
  const sep = opt("sep") ?? opt("delimiter") ?? ",";
  const special = [opt("quote") ?? '"', opt("escape") ?? "\\", "\r", "\uFEFF"].filter(Boolean);
  if (!line || !sep || sep === "\\t" || special.some((c) => line.includes(c))) return undefined;
  return line.split(sep);
}

const keyOf = (name: string, caseSensitive: boolean) => (caseSensitive ? name : name.toLowerCase());

/**
 * Header names that repeat (exactly, or ignoring case unless `caseSensitive`, as Spark compares
 * column names by default), each with its 1-based positions.
 */
export function repeatedNames(
  header: (string | null)[],
  caseSensitive = false,
): { name: string; positions: number[] }[] {
  const at = new Map<string, { name: string; positions: number[] }>();
  header.forEach((h, i) => {
    if (h === null || h === "") return;
    const k = keyOf(h, caseSensitive);
    const seen = at.get(k);
    if (seen) seen.positions.push(i + 1);
    else at.set(k, { name: h, positions: [i + 1] });
  });
  return [...at.values()].filter((r) => r.positions.length > 1);
}

/**
 * Column names Spark gives a header when it reads one without a schema (its documented "safe
 * header"): an empty or null name becomes `_c<index>`, a repeated name gets its 0-based index
 * appended (`amount3`, `amount4`).
 */
export function safeHeaderNames(header: (string | null)[], caseSensitive = false): string[] {
  const repeated = new Set(repeatedNames(header, caseSensitive).map((r) => keyOf(r.name, caseSensitive)));
  return header.map((h, i) => {
    if (h === null || h === "") return `_c${i}`;
    return repeated.has(keyOf(h, caseSensitive)) ? `${h}${i}` : h;
  });
}
