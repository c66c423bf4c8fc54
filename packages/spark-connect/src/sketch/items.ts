/**
 * How Spark's sketches see an item: strings and byte arrays are hashed as bytes (strings as
 * UTF-8, like `UTF8String.getBytes` on the server), integral values as a signed 64-bit long
 * (`Utils.integralToLong` in spark-sketch). Anything else is rejected, as Spark rejects it.
 */
import { SparkConnectError } from "../errors.js";

/** An item a sketch can be asked about: a string, an integer (number or bigint) or bytes. */
export type SketchItem = string | number | bigint | Uint8Array;

/** The item as Spark hashes it: `{ bytes }` for strings and binary, `{ long }` for integers. */
export type HashedItem = { bytes: Uint8Array } | { long: bigint };

const utf8 = new TextEncoder();
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Throws INVALID_ARGUMENT for non-integral numbers and integers outside the 64-bit range. */
export function hashedItem(item: SketchItem, where: string): HashedItem {
  if (typeof item === "string") return { bytes: utf8.encode(item) };
  if (item instanceof Uint8Array) return { bytes: item };
  if (typeof item === "bigint") return { long: checkedLong(item, where) };
  if (typeof item === "number" && Number.isSafeInteger(item)) return { long: BigInt(item) };
  throw new SparkConnectError(
    "INVALID_ARGUMENT",
    `${where}: ${describe(item)} is not an item Spark's sketches support. Pass a string, a ` +
      "Uint8Array, or an integer (a safe-integer number or a bigint); Spark hashes no floating point values.",
  );
}

function checkedLong(value: bigint, where: string): bigint {
  if (value >= INT64_MIN && value <= INT64_MAX) return value;
  throw new SparkConnectError(
    "INVALID_ARGUMENT",
    `${where}: ${value} is outside Spark's LONG range (-2^63 to 2^63-1).`,
  );
}

function describe(item: unknown): string {
  if (typeof item === "number") return `the number ${item}`;
  if (item === null) return "null";
  return `a value of type ${typeof item === "object" ? (item.constructor?.name ?? "object") : typeof item}`;
}
