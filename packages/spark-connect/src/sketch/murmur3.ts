/**
 * 32-bit MurmurHash3 (x86 variant) exactly as Spark's sketches compute it
 * (`org.apache.spark.util.sketch.Murmur3_x86_32`), so that a sketch built on the server answers
 * the same in TypeScript. All arithmetic is on signed 32-bit ints (`Math.imul`, `| 0`).
 *
 * Spark's byte hashing differs from the reference MurmurHash3 for inputs whose length is not a
 * multiple of 4: each trailing byte is sign-extended and mixed as a whole block of its own
 * (`hashUnsafeBytes`) instead of being packed into one tail word. For lengths that are multiples
 * of 4 both agree.
 */

const C1 = 0xcc9e2d51 | 0;
const C2 = 0x1b873593;

const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r));

function mixK1(k: number): number {
  return Math.imul(rotl(Math.imul(k, C1), 15), C2);
}

function mixH1(h: number, k: number): number {
  return (Math.imul(rotl(h ^ k, 13), 5) + 0xe6546b64) | 0;
}

function fmix(h: number, length: number): number {
  let x = h ^ length;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return x ^ (x >>> 16);
}

/**
 * Spark's `Murmur3_x86_32.hashUnsafeBytes(bytes, seed)`: 4-byte little-endian blocks, then each
 * remaining byte (sign-extended) as a block of its own. Returns a signed 32-bit int.
 */
export function murmur3HashBytes(bytes: Uint8Array, seed: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const aligned = bytes.length - (bytes.length % 4);
  let h = seed | 0;
  for (let i = 0; i < aligned; i += 4) h = mixH1(h, mixK1(view.getInt32(i, true)));
  for (let i = aligned; i < bytes.length; i++) h = mixH1(h, mixK1(view.getInt8(i)));
  return fmix(h, bytes.length);
}

/**
 * Spark's `Murmur3_x86_32.hashLong(value, seed)`: the low then the high 32 bits of the 64-bit
 * two's-complement value as two blocks, length 8. `value` must be within the signed 64-bit range.
 */
export function murmur3HashLong(value: bigint, seed: number): number {
  const low = Number(BigInt.asIntN(32, value));
  const high = Number(BigInt.asIntN(32, value >> 32n));
  const h = mixH1(mixH1(seed | 0, mixK1(low)), mixK1(high));
  return fmix(h, 8);
}
