/**
 * A Bloom filter as Spark serializes it (`org.apache.spark.util.sketch.BloomFilterImpl`, format
 * version 1, and `BloomFilterImplV2`, version 2 — what `bloom_filter_agg` writes on Spark 4.2),
 * read back in TypeScript and queried with the same hashing, so `mightContain` answers exactly
 * as Spark's own `BloomFilter.mightContain` does for the same bytes.
 */
import { SparkConnectError } from "../errors.js";
import { hashedItem, type SketchItem } from "./items.js";
import { murmur3HashBytes, murmur3HashLong } from "./murmur3.js";

/**
 * A Bloom filter: `mightContain` is true for every item that was put in, and false for most
 * others (false positives at about {@link BloomFilter.expectedFpp}). Made by `df.stat.bloomFilter`
 * (Spark's `bloom_filter_agg` aggregate) or {@link BloomFilter.readFrom}; read-only here.
 */
export class BloomFilter {
  private constructor(
    private readonly version: 1 | 2,
    private readonly numHashFunctions: number,
    private readonly seed: number,
    /** The bit array's 64-bit words, big-endian, as serialized. */
    private readonly words: Uint8Array,
    private readonly setBits: number,
  ) {}

  /**
   * Reads Spark's serialized form (`BloomFilter.writeTo` / the `bloom_filter_agg` result), all
   * big-endian: int version; int number of hash functions; for version 2 an int seed (version 1
   * has seed 0); int number of 64-bit words; the words. Throws SparkConnectError
   * `INVALID_ARGUMENT` for an unknown version or a length that does not match.
   */
  static readFrom(bytes: Uint8Array): BloomFilter {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length < 12) throw notAFilter(`only ${bytes.length} bytes`);
    const version = view.getInt32(0);
    if (version !== 1 && version !== 2) throw notAFilter(`format version ${version}, expected 1 or 2`);
    const numHashFunctions = view.getInt32(4);
    const seed = version === 2 ? view.getInt32(8) : 0;
    const wordsAt = version === 2 ? 16 : 12;
    if (bytes.length < wordsAt) throw notAFilter(`only ${bytes.length} bytes`);
    const numWords = view.getInt32(wordsAt - 4);
    if (numHashFunctions <= 0 || numWords <= 0 || bytes.length !== wordsAt + 8 * numWords) {
      throw notAFilter(
        `${numHashFunctions} hash functions, ${numWords} words and ${bytes.length} bytes do not match`,
      );
    }
    const words = bytes.slice(wordsAt);
    return new BloomFilter(version, numHashFunctions, seed, words, popCount(words));
  }

  /**
   * An empty filter (contains nothing) sized as Spark's `BloomFilter.create(expectedNumItems,
   * numBits)`: version 2, seed 0, ⌈numBits / 64⌉ words and `max(1, round(numBits /
   * expectedNumItems · ln 2))` hash functions. `df.stat.bloomFilter` returns it when the column has
   * no non-null value (`bloom_filter_agg` returns null then). Both arguments must be positive.
   */
  static create(expectedNumItems: bigint, numBits: bigint): BloomFilter {
    const numHashFunctions = Math.max(
      1,
      Math.round((Number(numBits) / Number(expectedNumItems)) * Math.log(2)),
    );
    const numWords = Math.ceil(Number(numBits) / 64);
    return new BloomFilter(2, numHashFunctions, 0, new Uint8Array(8 * numWords), 0);
  }

  /** The number of bits in the filter (64 × its number of words, as Spark's `bitSize`). */
  bitSize(): number {
    return this.words.length * 8;
  }

  /**
   * The probability that `mightContain` is wrongly true for an item never put in, from the
   * filter's current fill (Spark's `expectedFpp`): `(set bits / bitSize) ^ numHashFunctions`.
   */
  expectedFpp(): number {
    return (this.setBits / this.bitSize()) ** this.numHashFunctions;
  }

  /**
   * False when `item` was certainly never put in; true when it probably was (Spark's
   * `mightContain`). Strings are hashed as UTF-8 bytes, Uint8Arrays as bytes, integers
   * (safe-integer numbers or bigints) as a 64-bit long, so `7` matches 7 from an INT or a BIGINT
   * column. Throws SparkConnectError `INVALID_ARGUMENT` for other values.
   */
  mightContain(item: SketchItem): boolean {
    const hashed = hashedItem(item, "BloomFilter.mightContain");
    const [hi, lo] =
      "long" in hashed
        ? hashPair(murmur3HashLong, hashed.long, this.seed)
        : hashPair(murmur3HashBytes, hashed.bytes, this.seed);
    return this.version === 2 ? this.allSetV2(hi, lo) : this.allSetV1(hi, lo);
  }

  /** Spark's serialized form of this filter, byte for byte what {@link readFrom} accepts. */
  toByteArray(): Uint8Array {
    const header = this.version === 2 ? 16 : 12;
    const out = new Uint8Array(header + this.words.length);
    const view = new DataView(out.buffer);
    view.setInt32(0, this.version);
    view.setInt32(4, this.numHashFunctions);
    if (this.version === 2) view.setInt32(8, this.seed);
    view.setInt32(header - 4, this.words.length / 8);
    out.set(this.words, header);
    return out;
  }

  // Version 1: indices hi + i·lo (i = 1..k) in 32-bit ints, negatives flipped with ~.
  private allSetV1(hi: number, lo: number): boolean {
    const bits = this.bitSize();
    for (let i = 1; i <= this.numHashFunctions; i++) {
      let combined = (hi + Math.imul(i, lo)) | 0;
      if (combined < 0) combined = ~combined;
      if (!this.isSet(combined % bits)) return false;
    }
    return true;
  }

  // Version 2: a 64-bit running sum starting at hi·(2^31 - 1), adding lo before each probe.
  private allSetV2(hi: number, lo: number): boolean {
    const bits = BigInt(this.bitSize());
    let combined = BigInt(hi) * 2147483647n;
    for (let i = 0; i < this.numHashFunctions; i++) {
      combined = BigInt.asIntN(64, combined + BigInt(lo));
      const index = combined < 0n ? ~combined : combined;
      if (!this.isSet(Number(index % bits))) return false;
    }
    return true;
  }

  private isSet(index: number): boolean {
    const word = Math.floor(index / 64);
    const bit = index % 64;
    // Bit b of a big-endian 64-bit word lives in byte 7 - b/8 of that word.
    const byte = this.words[word * 8 + 7 - (bit >> 3)] as number;
    return (byte & (1 << (bit & 7))) !== 0;
  }
}

function hashPair<T>(hash: (value: T, seed: number) => number, value: T, seed: number): [number, number] {
  const h1 = hash(value, seed);
  return [h1, hash(value, h1)];
}

function popCount(bytes: Uint8Array): number {
  let n = 0;
  for (let b of bytes) {
    while (b) {
      b &= b - 1;
      n++;
    }
  }
  return n;
}

function notAFilter(reason: string): SparkConnectError {
  return new SparkConnectError(
    "INVALID_ARGUMENT",
    `Not a serialized Spark Bloom filter (${reason}). Pass the bytes of Spark's ` +
      "BloomFilter.writeTo or of the bloom_filter_agg aggregate.",
  );
}
