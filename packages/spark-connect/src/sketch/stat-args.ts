/**
 * The arguments of `df.stat.countMinSketch` and `df.stat.bloomFilter`, checked and turned into
 * the literals Spark's aggregates expect, with the sizing rules of Spark's Scala client.
 */
import { SparkConnectError } from "../errors.js";

/** A count-min sketch's size given directly: `depth` hash rows of `width` counters. */
export interface SketchSize {
  /** Hash rows (a positive 32-bit integer); confidence is `1 - 1/2^depth`. */
  depth: number;
  /** Counters per row (a positive 32-bit integer); the relative error is `2 / width`. */
  width: number;
}

const INT32_MAX = 2 ** 31 - 1;
const INT64_MAX = 2n ** 63n - 1n;

function invalid(message: string): SparkConnectError {
  return new SparkConnectError("INVALID_ARGUMENT", message);
}

function positiveInt32(value: number, what: string): number {
  if (Number.isInteger(value) && value > 0 && value <= INT32_MAX) return value;
  throw invalid(`df.stat.countMinSketch: ${what} must be an integer from 1 to ${INT32_MAX}, got ${value}.`);
}

function positiveLong(value: number | bigint, what: string): bigint {
  const ok =
    typeof value === "bigint" ? value > 0n && value <= INT64_MAX : Number.isSafeInteger(value) && value > 0;
  if (ok) return BigInt(value);
  throw invalid(`df.stat.bloomFilter: ${what} must be a positive integer, got ${value}.`);
}

/** eps, confidence (doubles) and seed (int) for `count_min_sketch`; throws INVALID_ARGUMENT. */
export function countMinSketchArgs(
  epsOrSize: number | SketchSize,
  confidenceOrSeed: number,
  seed: number | undefined,
): { eps: number; confidence: number; seed: number } {
  const sized = typeof epsOrSize === "object";
  // Scala's (depth, width) overload: eps = 2 / width, confidence = 1 - 1 / 2^depth.
  const eps = sized ? 2 / positiveInt32(epsOrSize.width, "width") : epsOrSize;
  const confidence = sized ? 1 - 1 / 2 ** positiveInt32(epsOrSize.depth, "depth") : confidenceOrSeed;
  const theSeed = sized ? confidenceOrSeed : seed;
  if (!(Number.isFinite(eps) && eps > 0)) {
    throw invalid(`df.stat.countMinSketch: eps (the relative error) must be a number above 0, got ${eps}.`);
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw invalid(
      `df.stat.countMinSketch: confidence must be between 0 and 1 (exclusive), got ${confidence}.`,
    );
  }
  if (theSeed === undefined || !Number.isInteger(theSeed) || Math.abs(theSeed) > INT32_MAX) {
    throw invalid(`df.stat.countMinSketch: seed must be a 32-bit integer, got ${theSeed}.`);
  }
  return { eps, confidence, seed: theSeed };
}

/**
 * Spark's `BloomFilter.optimalNumOfBits(n, p)`: `(long) (-n · ln p / (ln 2)²)`, the bits that
 * give false positive probability `p` for `n` items.
 */
export function optimalNumOfBits(expectedNumItems: bigint, fpp: number): bigint {
  return BigInt(Math.trunc((-Number(expectedNumItems) * Math.log(fpp)) / (Math.log(2) * Math.log(2))));
}

/** expectedNumItems and numBits (longs) for `bloom_filter_agg`; throws INVALID_ARGUMENT. */
export function bloomFilterArgs(
  expectedNumItems: number | bigint,
  fppOrSize: number | { numBits: number | bigint },
): { expectedNumItems: bigint; numBits: bigint } {
  const n = positiveLong(expectedNumItems, "expectedNumItems");
  if (typeof fppOrSize === "object")
    return { expectedNumItems: n, numBits: positiveLong(fppOrSize.numBits, "numBits") };
  if (!(fppOrSize > 0 && fppOrSize < 1)) {
    throw invalid(
      `df.stat.bloomFilter: fpp (false positive probability) must be between 0 and 1 (exclusive), got ${fppOrSize}.`,
    );
  }
  const numBits = optimalNumOfBits(n, fppOrSize);
  if (numBits <= 0n)
    throw invalid(`df.stat.bloomFilter: expectedNumItems ${n} with fpp ${fppOrSize} gives no bits.`);
  return { expectedNumItems: n, numBits };
}
