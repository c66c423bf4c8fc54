/**
 * Arrow → JS values, column by column. Spark sends results as Arrow IPC batches; apache-arrow's
 * row view is neither fast nor faithful for every Spark type, so each column is decoded straight
 * from its buffers into plain JS values:
 *
 * | Spark type            | JS value                                                            |
 * |-----------------------|---------------------------------------------------------------------|
 * | tinyint/smallint/int  | number                                                              |
 * | bigint                | bigint (always, so values beyond 2^53 are exact)                    |
 * | float/double          | number                                                              |
 * | decimal(p,s)          | string with exactly `s` fraction digits ("-12.30"), never rounded    |
 * | string                | string                                                              |
 * | binary                | Uint8Array                                                          |
 * | boolean               | boolean                                                             |
 * | date                  | Date at 00:00:00 UTC of that day (read it with getUTC*)             |
 * | timestamp             | Date (the instant; microseconds truncated, not rounded, to ms)      |
 * | timestamp_ntz         | Date whose UTC fields are the wall-clock fields                      |
 * | timestamp (either) with `timestamps: "microseconds"` | bigint µs since the epoch, exact     |
 * | interval day to second| bigint microseconds                                                 |
 * | interval year to month| number of months                                                    |
 * | interval (calendar)   | { months: number, days: number, microseconds: bigint }              |
 * | array<T>              | T[]                                                                 |
 * | map<K,V>              | Map<K,V>                                                            |
 * | struct<...>           | object without inherited keys (see rows.ts), names made unique      |
 * | variant               | the JSON-like value it holds (objects, arrays, scalars as above)     |
 * | null                  | null                                                                |
 */
import { type Data, type Field, MessageReader, type RecordBatch, Type, tableFromIPC } from "apache-arrow";
import { oneLine, SparkConnectError } from "../errors.js";
import { type Row, rowFactory, uniqueNames } from "./rows.js";
import { type DecodeOptions, intervalAt, timestampReader } from "./temporal.js";
import { decodeVariant } from "./variant.js";

export type { Row } from "./rows.js";
export type { CalendarInterval, DecodeOptions, TimestampMode } from "./temporal.js";

const MS_PER_DAY = 86_400_000;

function isValid(d: Data, i: number): boolean {
  const bm = d.nullBitmap;
  if (!bm || bm.length === 0 || d.nullCount === 0) return true;
  const idx = d.offset + i;
  return ((bm[idx >> 3]! >> (idx & 7)) & 1) === 1;
}

/** Decodes one Arrow column chunk into an array of JS values; throws SparkConnectError (DECODE, PROTOCOL). */
export function decodeData(d: Data, options: DecodeOptions = {}): unknown[] {
  const out = new Array<unknown>(d.length);
  const hasNulls = d.nullCount > 0 && !!d.nullBitmap && d.nullBitmap.length > 0;
  // One function per type family; each loops over the whole chunk, so the split costs one call
  // per column chunk, not per value.
  switch (d.type.typeId) {
    case Type.Null:
      out.fill(null);
      return out;
    case Type.Int:
    case Type.Float:
      return decodeNumbers(d, out, hasNulls);
    case Type.Bool:
      return decodeBools(d, out, hasNulls);
    case Type.Utf8:
    case Type.LargeUtf8:
      return decodeStrings(d, out, hasNulls);
    case Type.Binary:
    case Type.LargeBinary:
      return decodeBinaries(d, out, hasNulls);
    case Type.Decimal:
      return decodeDecimals(d, out, hasNulls);
    case Type.Date:
      return decodeDates(d, out, hasNulls);
    case Type.Timestamp:
      return decodeTimestamps(d, out, hasNulls, options);
    case Type.Duration:
      return decodeDurations(d, out, hasNulls);
    case Type.Interval:
      return decodeIntervals(d, out, hasNulls);
    case Type.Struct:
      return decodeStructs(d, out, hasNulls, options);
    case Type.List:
    case Type.LargeList:
      return decodeLists(d, out, hasNulls, options);
    case Type.Map:
      return decodeMaps(d, out, hasNulls, options);
    default:
      throw new SparkConnectError("PROTOCOL", `The client cannot decode Arrow type ${String(d.type)} yet.`);
  }
}

function decodeNumbers(d: Data, out: unknown[], hasNulls: boolean): unknown[] {
  const values = d.values as ArrayLike<number | bigint>;
  const n = out.length;
  if (!hasNulls) for (let i = 0; i < n; i++) out[i] = values[i];
  else for (let i = 0; i < n; i++) out[i] = isValid(d, i) ? values[i] : null;
  return out;
}

function decodeBools(d: Data, out: unknown[], hasNulls: boolean): unknown[] {
  const bits = d.values as Uint8Array;
  for (let i = 0; i < out.length; i++) {
    const idx = d.offset + i;
    out[i] = hasNulls && !isValid(d, i) ? null : ((bits[idx >> 3]! >> (idx & 7)) & 1) === 1;
  }
  return out;
}

function decodeStrings(d: Data, out: unknown[], hasNulls: boolean): unknown[] {
  const offsets = d.valueOffsets as ArrayLike<number | bigint>;
  const bytes = d.values as Uint8Array;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) {
    if (hasNulls && !isValid(d, i)) {
      out[i] = null;
      continue;
    }
    out[i] = buf.toString("utf8", Number(offsets[i]), Number(offsets[i + 1]));
  }
  return out;
}

function decodeBinaries(d: Data, out: unknown[], hasNulls: boolean): unknown[] {
  const offsets = d.valueOffsets as ArrayLike<number | bigint>;
  const bytes = d.values as Uint8Array;
  for (let i = 0; i < out.length; i++) {
    out[i] = hasNulls && !isValid(d, i) ? null : bytes.slice(Number(offsets[i]), Number(offsets[i + 1]));
  }
  return out;
}

function decodeDecimals(d: Data, out: unknown[], hasNulls: boolean): unknown[] {
  const { scale, bitWidth } = d.type as unknown as { scale: number; bitWidth: number };
  const words = d.values as Uint32Array;
  const stride = (bitWidth ?? 128) / 32;
  for (let i = 0; i < out.length; i++) {
    out[i] = hasNulls && !isValid(d, i) ? null : decimalToString(words, i * stride, stride, scale);
  }
  return out;
}

function decodeDates(d: Data, out: unknown[], hasNulls: boolean): unknown[] {
  const values = d.values as Int32Array | BigInt64Array;
  const perUnit = (d.type as unknown as { unit: number }).unit === 0 ? MS_PER_DAY : 1; // DateUnit.DAY = 0
  for (let i = 0; i < out.length; i++) {
    out[i] = hasNulls && !isValid(d, i) ? null : new Date(Number(values[i]) * perUnit);
  }
  return out;
}

function decodeTimestamps(d: Data, out: unknown[], hasNulls: boolean, options: DecodeOptions): unknown[] {
  const unit = (d.type as unknown as { unit: number }).unit;
  const read = timestampReader(d.values as BigInt64Array, unit, options.timestamps);
  for (let i = 0; i < out.length; i++) out[i] = hasNulls && !isValid(d, i) ? null : read(i);
  return out;
}

function decodeDurations(d: Data, out: unknown[], hasNulls: boolean): unknown[] {
  const values = d.values as BigInt64Array;
  for (let i = 0; i < out.length; i++) out[i] = hasNulls && !isValid(d, i) ? null : values[i];
  return out;
}

function decodeIntervals(d: Data, out: unknown[], hasNulls: boolean): unknown[] {
  const words = d.values as Int32Array;
  const unit = (d.type as unknown as { unit: number }).unit;
  for (let i = 0; i < out.length; i++)
    out[i] = hasNulls && !isValid(d, i) ? null : intervalAt(words, i, unit);
  return out;
}

/** Structs become rows; Spark's variant (a struct of value and metadata bytes) becomes its value. */
function decodeStructs(d: Data, out: unknown[], hasNulls: boolean, options: DecodeOptions): unknown[] {
  const fields = (d.type as unknown as { children: { name: string; metadata: Map<string, string> }[] })
    .children;
  const names = fields.map((f) => f.name);
  if (names.length === 2 && fields[1]?.metadata?.get("variant") === "true") {
    const values = decodeData(d.children[0]!) as (Uint8Array | null)[];
    const metas = decodeData(d.children[1]!) as (Uint8Array | null)[];
    for (let i = 0; i < out.length; i++) {
      out[i] =
        (hasNulls && !isValid(d, i)) || !values[i] ? null : decodeVariant(values[i]!, metas[i]!, options);
    }
    return out;
  }
  const cols = d.children.map((c) => decodeData(c, options));
  const make = rowFactory(uniqueNames(names));
  for (let i = 0; i < out.length; i++) out[i] = hasNulls && !isValid(d, i) ? null : make(cols, i);
  return out;
}

function decodeLists(d: Data, out: unknown[], hasNulls: boolean, options: DecodeOptions): unknown[] {
  const offsets = d.valueOffsets as ArrayLike<number | bigint>;
  const child = decodeData(d.children[0]!, options);
  for (let i = 0; i < out.length; i++) {
    out[i] = hasNulls && !isValid(d, i) ? null : child.slice(Number(offsets[i]), Number(offsets[i + 1]));
  }
  return out;
}

function decodeMaps(d: Data, out: unknown[], hasNulls: boolean, options: DecodeOptions): unknown[] {
  const offsets = d.valueOffsets as ArrayLike<number | bigint>;
  const entries = d.children[0]!;
  const keys = decodeData(entries.children[0]!, options);
  const vals = decodeData(entries.children[1]!, options);
  for (let i = 0; i < out.length; i++) {
    if (hasNulls && !isValid(d, i)) {
      out[i] = null;
      continue;
    }
    const m = new Map<unknown, unknown>();
    for (let j = Number(offsets[i]); j < Number(offsets[i + 1]); j++) m.set(keys[j], vals[j]);
    out[i] = m;
  }
  return out;
}

/** Exact decimal text from a little-endian two's-complement integer of `stride` 32-bit words. */
export function decimalToString(words: Uint32Array, at: number, stride: number, scale: number): string {
  // Fast path: the value fits in 53 bits (the common case for money-like values).
  const lo = words[at]!;
  const hi = words[at + 1]!;
  let small = true;
  const signWord = hi & 0x80000000 ? 0xffffffff : 0;
  for (let w = 2; w < stride; w++) if (words[at + w] !== signWord) small = false;
  let digits: string;
  let negative: boolean;
  if (small && (hi <= 0x1fffff || hi >= 0xffe00000)) {
    const v = (hi | 0) * 4294967296 + lo; // hi as signed
    negative = v < 0;
    digits = String(Math.abs(v));
  } else {
    let v = 0n;
    for (let w = stride - 1; w >= 0; w--) v = (v << 32n) | BigInt(words[at + w]!);
    const bits = BigInt(stride * 32);
    if (v >> (bits - 1n)) v -= 1n << bits;
    negative = v < 0n;
    digits = (negative ? -v : v).toString();
  }
  if (scale > 0) {
    if (digits.length <= scale) digits = "0".repeat(scale - digits.length + 1) + digits;
    digits = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  }
  return negative ? `-${digits}` : digits;
}

/**
 * Makes rows from a record batch. Every column becomes an own property, whatever its name
 * (`__proto__` included); repeated names are renamed as {@link uniqueNames} describes, so no value
 * is lost. Throws SparkConnectError (DECODE) for a value with no faithful JS value under `options`.
 */
export function batchToRows(batch: RecordBatch, options: DecodeOptions = {}): Row[] {
  const names = uniqueNames(batch.schema.fields.map((f) => f.name));
  const cols = batch.data.children.map((c) => decodeData(c, options));
  const n = batch.numRows;
  const rows = new Array<Row>(n);
  const make = rowFactory(names);
  for (let i = 0; i < n; i++) rows[i] = make(cols, i);
  return rows;
}

/**
 * Decodes one Arrow IPC message (as Spark sends per ArrowBatch) into record batches. Throws
 * SparkConnectError PROTOCOL when the batch cannot be read, naming repeated struct field names
 * when the schema has them (see {@link repeatedStructFields}).
 */
export function ipcToBatches(bytes: Uint8Array): RecordBatch[] {
  try {
    return tableFromIPC(bytes).batches;
  } catch (e) {
    const repeated = repeatedStructFields(bytes);
    throw new SparkConnectError(
      "PROTOCOL",
      repeated.length
        ? `The server sent a result batch that does not match its schema: struct field names repeat (${repeated.join("; ")}). ` +
            "Spark renames repeated struct fields (a, a → a_0, a_1), and when a renamed field meets an existing one its " +
            "Arrow writer keeps only one of them, so a value is gone before it reaches the client. Give the struct fields unique names."
        : `The server sent a result batch the client cannot read (${oneLine(String((e as Error)?.message ?? e))}).`,
      { cause: e },
    );
  }
}

/** `struct st: a_1` for every struct in the batch's schema whose field names repeat. */
export function repeatedStructFields(bytes: Uint8Array): string[] {
  const out: string[] = [];
  const visit = (field: Field) => {
    const children = (field.type as { children?: Field[] }).children ?? [];
    const seen = new Set<string>();
    for (const c of children) {
      if (field.type.typeId === Type.Struct && seen.has(c.name)) out.push(`struct ${field.name}: ${c.name}`);
      seen.add(c.name);
      visit(c);
    }
  };
  try {
    const schema = new MessageReader(bytes).readSchema();
    for (const f of schema?.fields ?? []) visit(f);
  } catch {
    /* no readable schema: nothing to name */
  }
  return out;
}
