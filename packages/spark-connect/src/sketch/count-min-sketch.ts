/**
 * A count-min sketch as Spark serializes it (`org.apache.spark.util.sketch.CountMinSketchImpl`,
 * format version 1), read back in TypeScript and queried with the same hashing, so estimates
 * equal the ones Spark's own `CountMinSketch.estimateCount` gives for the same bytes.
 */
import { SparkConnectError } from "../errors.js";
import { hashedItem, type SketchItem } from "./items.js";
import { murmur3HashBytes } from "./murmur3.js";

const VERSION_1 = 1;
const HEADER_BYTES = 4 + 8 + 4 + 4; // version, totalCount, depth, width

/**
 * A count-min sketch: per item, an estimate of how often it was added that never falls below the
 * true count, and exceeds it by at most `relativeError() * totalCount()` with probability
 * `confidence()`. Made by `df.stat.countMinSketch` (Spark's `count_min_sketch` aggregate) or
 * {@link CountMinSketch.readFrom}; read-only here (Spark builds it, this answers queries).
 */
export class CountMinSketch {
  private constructor(
    private readonly rows: number,
    private readonly columns: number,
    private readonly total: bigint,
    private readonly hashA: bigint[],
    private readonly table: BigInt64Array,
  ) {}

  /**
   * Reads Spark's serialized form (`CountMinSketch.toByteArray()` / the `count_min_sketch`
   * result): big-endian int version (1), long totalCount, int depth, int width, `depth` longs of
   * hash coefficients, then the `depth × width` long counters row by row. Throws
   * SparkConnectError `INVALID_ARGUMENT` for another version or a length that does not match.
   */
  static readFrom(bytes: Uint8Array): CountMinSketch {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length < HEADER_BYTES) throw notASketch(`only ${bytes.length} bytes`);
    const version = view.getInt32(0);
    if (version !== VERSION_1) throw notASketch(`format version ${version}, expected ${VERSION_1}`);
    const total = view.getBigInt64(4);
    const depth = view.getInt32(12);
    const width = view.getInt32(16);
    const expected = HEADER_BYTES + 8 * depth + 8 * depth * width;
    if (depth <= 0 || width <= 0 || bytes.length !== expected) {
      throw notASketch(`depth ${depth}, width ${width} and ${bytes.length} bytes do not match`);
    }
    const hashA = Array.from({ length: depth }, (_, i) => view.getBigInt64(HEADER_BYTES + 8 * i));
    const table = new BigInt64Array(depth * width);
    const start = HEADER_BYTES + 8 * depth;
    for (let i = 0; i < table.length; i++) table[i] = view.getBigInt64(start + 8 * i);
    return new CountMinSketch(depth, width, total, hashA, table);
  }

  /** The number of hash rows (Spark's `depth`). */
  depth(): number {
    return this.rows;
  }

  /** The number of counters per row (Spark's `width`). */
  width(): number {
    return this.columns;
  }

  /** The relative error ε as Spark derives it from the stored width: `2 / width`. */
  relativeError(): number {
    return 2 / this.columns;
  }

  /** The confidence δ as Spark derives it from the stored depth: `1 - 1 / 2^depth`. */
  confidence(): number {
    return 1 - 1 / 2 ** this.rows;
  }

  /** The sum of all counts added (the number of non-null input rows for the aggregate). */
  totalCount(): bigint {
    return this.total;
  }

  /**
   * The estimated count of `item` (Spark's `estimateCount`): the smallest of its `depth`
   * counters. Strings are hashed as UTF-8 bytes, Uint8Arrays as bytes, integers (safe-integer
   * numbers or bigints) as a 64-bit long — so `3` and `3n` agree, and match INT and BIGINT
   * columns alike. Throws SparkConnectError `INVALID_ARGUMENT` for other values (Spark has no
   * hashing for them).
   */
  estimateCount(item: SketchItem): bigint {
    const hashed = hashedItem(item, "CountMinSketch.estimateCount");
    const buckets = "long" in hashed ? this.longBuckets(hashed.long) : this.byteBuckets(hashed.bytes);
    let min: bigint | undefined;
    buckets.forEach((bucket, row) => {
      const count = this.table[row * this.columns + bucket] as bigint;
      if (min === undefined || count < min) min = count;
    });
    return min ?? 0n;
  }

  /** Spark's serialized form of this sketch, byte for byte what {@link readFrom} accepts. */
  toByteArray(): Uint8Array {
    const out = new Uint8Array(HEADER_BYTES + 8 * this.rows + 8 * this.table.length);
    const view = new DataView(out.buffer);
    view.setInt32(0, VERSION_1);
    view.setBigInt64(4, this.total);
    view.setInt32(12, this.rows);
    view.setInt32(16, this.columns);
    this.hashA.forEach((a, i) => {
      view.setBigInt64(HEADER_BYTES + 8 * i, a);
    });
    const start = HEADER_BYTES + 8 * this.rows;
    this.table.forEach((count, i) => {
      view.setBigInt64(start + 8 * i, count);
    });
    return out;
  }

  // Integers: a linear hash (a·x) mod (2^31 - 1) per row, with 64-bit wrapping as on the JVM.
  private longBuckets(item: bigint): number[] {
    return this.hashA.map((a) => {
      let h = BigInt.asIntN(64, a * item);
      h = BigInt.asIntN(64, h + (h >> 32n));
      return Number(h & 0x7fffffffn) % this.columns;
    });
  }

  // Bytes: double hashing with two Murmur3 values, h1 + i·h2 in 32-bit ints, as Spark does.
  private byteBuckets(bytes: Uint8Array): number[] {
    const h1 = murmur3HashBytes(bytes, 0);
    const h2 = murmur3HashBytes(bytes, h1);
    return this.hashA.map((_, i) => Math.abs(((h1 + Math.imul(i, h2)) | 0) % this.columns));
  }
}

function notASketch(reason: string): SparkConnectError {
  return new SparkConnectError(
    "INVALID_ARGUMENT",
    `Not a serialized Spark count-min sketch (${reason}). Pass the bytes of Spark's ` +
      "CountMinSketch.toByteArray() or of the count_min_sketch aggregate.",
  );
}
