/**
 * Spark's VARIANT values arrive as two binaries, `metadata` (a dictionary of object keys) and
 * `value` (a self-describing encoding). This decodes them into plain JS values with the same
 * mapping as other results: objects, arrays, strings, numbers, bigint for 64-bit integers,
 * decimals as exact strings, dates as Date, timestamps as results decode them (see temporal.ts),
 * binary as Uint8Array. Objects have no inherited keys, so a key such as `__proto__` is kept.
 */
import { SparkConnectError } from "../errors.js";
import { type DecodeOptions, floorDiv, microsToDate } from "./temporal.js";

function readUInt(b: Uint8Array, at: number, size: number): number {
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + b[at + i]!;
  return v;
}

function dictionary(meta: Uint8Array): string[] {
  const header = meta[0]!;
  if ((header & 0x0f) !== 1)
    throw new SparkConnectError("PROTOCOL", `Unsupported variant metadata version ${header & 0x0f}.`);
  const offSize = ((header >> 6) & 0x03) + 1;
  const size = readUInt(meta, 1, offSize);
  const offsetsAt = 1 + offSize;
  const stringsAt = offsetsAt + (size + 1) * offSize;
  const dec = new TextDecoder();
  const keys: string[] = [];
  for (let i = 0; i < size; i++) {
    const s = readUInt(meta, offsetsAt + i * offSize, offSize);
    const e = readUInt(meta, offsetsAt + (i + 1) * offSize, offSize);
    keys.push(dec.decode(meta.subarray(stringsAt + s, stringsAt + e)));
  }
  return keys;
}

function decimalText(unscaled: bigint, scale: number): string {
  const neg = unscaled < 0n;
  let digits = (neg ? -unscaled : unscaled).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, "0");
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  }
  return neg ? `-${digits}` : digits;
}

function decode(v: Uint8Array, at: number, keys: string[], options: DecodeOptions): unknown {
  const view = new DataView(v.buffer, v.byteOffset, v.byteLength);
  const header = v[at]!;
  const basic = header & 0x03;
  const vh = header >> 2;
  const dec = new TextDecoder();
  if (basic === 1) return dec.decode(v.subarray(at + 1, at + 1 + vh));
  if (basic === 2 || basic === 3) {
    const isObject = basic === 2;
    const offSize = (vh & 0x03) + 1;
    const idSize = isObject ? ((vh >> 2) & 0x03) + 1 : 0;
    const large = isObject ? (vh >> 4) & 1 : (vh >> 2) & 1;
    const countSize = large ? 4 : 1;
    const n = readUInt(v, at + 1, countSize);
    const idsAt = at + 1 + countSize;
    const offsetsAt = idsAt + n * idSize;
    const dataAt = offsetsAt + (n + 1) * offSize;
    if (isObject) {
      const o: Record<string, unknown> = Object.create(null);
      for (let i = 0; i < n; i++) {
        const key = keys[readUInt(v, idsAt + i * idSize, idSize)]!;
        o[key] = decode(v, dataAt + readUInt(v, offsetsAt + i * offSize, offSize), keys, options);
      }
      return o;
    }
    const a: unknown[] = [];
    for (let i = 0; i < n; i++)
      a.push(decode(v, dataAt + readUInt(v, offsetsAt + i * offSize, offSize), keys, options));
    return a;
  }
  const p = at + 1;
  switch (vh) {
    case 0:
      return null;
    case 1:
      return true;
    case 2:
      return false;
    case 3:
      return view.getInt8(p);
    case 4:
      return view.getInt16(p, true);
    case 5:
      return view.getInt32(p, true);
    case 6:
      return view.getBigInt64(p, true);
    case 7:
      return view.getFloat64(p, true);
    case 8:
      return decimalText(BigInt(view.getInt32(p + 1, true)), v[p]!);
    case 9:
      return decimalText(view.getBigInt64(p + 1, true), v[p]!);
    case 10: {
      const lo = view.getBigUint64(p + 1, true);
      const hi = view.getBigInt64(p + 9, true);
      return decimalText((hi << 64n) | lo, v[p]!);
    }
    case 11:
      return new Date(view.getInt32(p, true) * 86_400_000);
    case 12:
    case 13:
      return timestamp(view.getBigInt64(p, true), options);
    case 14:
      return view.getFloat32(p, true);
    case 15:
      return v.slice(p + 4, p + 4 + view.getUint32(p, true));
    case 16:
      return dec.decode(v.subarray(p + 4, p + 4 + view.getUint32(p, true)));
    case 18:
    case 19:
      return timestamp(floorDiv(view.getBigInt64(p, true), 1000n), options);
    default:
      throw new SparkConnectError("PROTOCOL", `Unsupported variant primitive type ${vh}.`);
  }
}

function timestamp(micros: bigint, options: DecodeOptions): unknown {
  return options.timestamps === "microseconds" ? micros : microsToDate(micros);
}

/** Decodes one VARIANT value from its `value` and `metadata` binaries; throws SparkConnectError. */
export function decodeVariant(value: Uint8Array, metadata: Uint8Array, options: DecodeOptions = {}): unknown {
  return decode(value, 0, dictionary(metadata), options);
}
