/**
 * Timestamps and intervals, exactly. Spark sends TIMESTAMP and TIMESTAMP_NTZ as Arrow int64
 * microseconds since the epoch (org.apache.spark.sql.util.ArrowUtils), which pass 2^53 beyond
 * about ±285 years from 1970: converting them with `Number()` first rounds them (9999-12-31
 * 23:59:59.999999 became year 10000). Every conversion here works on the integer, not a float.
 */
import { SparkConnectError } from "../errors.js";

/** How result timestamps are decoded; see {@link DecodeOptions}. */
export type TimestampMode = "date" | "microseconds";

/** Options for turning result batches into JS values. */
export interface DecodeOptions {
  /**
   * `"date"` (the default): a `Date`, microseconds truncated (not rounded) to milliseconds.
   * `"microseconds"`: a `bigint` of microseconds since 1970-01-01T00:00:00Z, exactly what Spark
   * holds (for TIMESTAMP_NTZ: the wall-clock time read as if it were UTC). Applies to timestamps
   * anywhere in a result: columns, struct fields, array elements, map entries, variants.
   */
  timestamps?: TimestampMode;
}

/** Spark's CALENDAR INTERVAL (e.g. `make_interval`), field for field as Spark holds it. */
export interface CalendarInterval {
  /** Whole months (a year is 12). */
  months: number;
  /** Whole days (not folded into months: months vary in length). */
  days: number;
  /** The time part, in microseconds (not folded into days: days vary with daylight saving). */
  microseconds: bigint;
}

/** `floor(v / d)` on integers (bigint division truncates towards zero instead). */
export function floorDiv(v: bigint, d: bigint): bigint {
  const q = v / d;
  return v % d < 0n ? q - 1n : q;
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);
/** `new Date(ms)` is valid only within ±8.64e15 ms of the epoch (ECMA-262 "Time Values"). */
const DATE_LIMIT_MS = 8.64e15;

/** Milliseconds since the epoch, truncated towards the past (floor), from microseconds; exact. */
export function microsToMillis(us: bigint): number {
  return us >= -SAFE && us <= SAFE ? safeMicrosToMillis(Number(us)) : Number(floorDiv(us, 1000n));
}

/** {@link microsToMillis} for an integer within ±2^53 (exact as a double, and so is each step). */
function safeMicrosToMillis(x: number): number {
  const r = x % 1000;
  return (x - r) / 1000 - (r < 0 ? 1 : 0);
}

/** Arrow's TimeUnit (SECOND, MILLISECOND, MICROSECOND, NANOSECOND) as microseconds per unit. */
const MICROS_PER_UNIT = [1_000_000n, 1000n, 1n] as const;

/** Microseconds since the epoch from an Arrow timestamp value in `unit` (nanoseconds floored). */
export function toMicros(v: bigint | number, unit: number): bigint {
  const b = typeof v === "bigint" ? v : BigInt(v);
  return unit === 3 ? floorDiv(b, 1000n) : b * MICROS_PER_UNIT[unit as 0 | 1 | 2];
}

/** A Date for microseconds since the epoch; throws DECODE past what a Date can hold. */
export function microsToDate(us: bigint): Date {
  const ms = microsToMillis(us);
  if (ms > DATE_LIMIT_MS || ms < -DATE_LIMIT_MS) {
    throw new SparkConnectError(
      "DECODE",
      `The timestamp ${us} µs since 1970-01-01 is outside the range a JS Date can hold (±275760 years). ` +
        'Collect with { timestamps: "microseconds" } to get it as a bigint.',
    );
  }
  return new Date(ms);
}

/**
 * A reader for one timestamp column: slot index → the JS value `mode` asks for. `values` holds
 * Arrow timestamps in `unit` (0 s, 1 ms, 2 µs, 3 ns). Throws DECODE (see {@link microsToDate}).
 */
export function timestampReader(
  values: BigInt64Array,
  unit: number,
  mode: TimestampMode = "date",
): (i: number) => unknown {
  if (mode === "microseconds") return (i) => toMicros(values[i]!, unit);
  if (unit !== 2) return (i) => microsToDate(toMicros(values[i]!, unit));
  // Microseconds, what Spark sends: read the two 32-bit halves (Arrow is little-endian) so that
  // no bigint is made per value while the value fits in 53 bits (about 1685..2255).
  const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
  return (i) => {
    const hi = words[2 * i + 1]!;
    if (hi >= -0x200000 && hi < 0x200000) {
      return new Date(safeMicrosToMillis(hi * 4294967296 + (words[2 * i]! >>> 0)));
    }
    return microsToDate(values[i]!);
  };
}

/**
 * The value of Arrow interval slot `i` (Int32 words; `unit` 0 YEAR_MONTH, 1 DAY_TIME,
 * 2 MONTH_DAY_NANO). Spark sends YEAR TO MONTH intervals as YEAR_MONTH (a number of months) and
 * CALENDAR INTERVAL as MONTH_DAY_NANO (nanoseconds = microseconds × 1000).
 */
export function intervalAt(words: Int32Array, i: number, unit: number): number | CalendarInterval {
  switch (unit) {
    case 0:
      return words[i]!;
    case 1:
      return { months: 0, days: words[2 * i]!, microseconds: BigInt(words[2 * i + 1]!) * 1000n };
    case 2: {
      const at = 4 * i;
      const nanos = BigInt(words[at + 3]!) * 4294967296n + BigInt(words[at + 2]! >>> 0);
      return { months: words[at]!, days: words[at + 1]!, microseconds: floorDiv(nanos, 1000n) };
    }
    default:
      throw new SparkConnectError("PROTOCOL", `The client cannot decode Arrow interval unit ${unit}.`);
  }
}
