/**
 * Spark's sketch hashing and sketch formats in TypeScript, without a server: Murmur3 vectors,
 * sketches serialized by spark-sketch 4.2.0, and the argument checks of `df.stat`.
 *
 * The Spark vectors below were printed by a throwaway Java program against the pinned Spark's
 * jars (`Murmur3_x86_32.hashUnsafeBytes/hashLong` of spark-unsafe 4.2.0, which spark-sketch's
 * copy matches; `CountMinSketch.create(2, 8, 3)` and `BloomFilter.create(V1|V2, 20, 256, 0)` of
 * spark-sketch 4.2.0 with the items listed, then `toByteArray`/`writeTo`, `estimateCount` and
 * `mightContain`). The live cross-check against the JVM is in sketches.test.ts.
 */
import { describe, expect, it } from "vitest";
import { BloomFilter, CountMinSketch, SparkConnectError } from "../src/index.js";
import { hashedItem } from "../src/sketch/items.js";
import { murmur3HashBytes, murmur3HashLong } from "../src/sketch/murmur3.js";
import { bloomFilterArgs, countMinSketchArgs, optimalNumOfBits } from "../src/sketch/stat-args.js";

const utf8 = (s: string) => new TextEncoder().encode(s);
const fromHex = (h: string) => new Uint8Array(Buffer.from(h, "hex"));

describe("Spark's Murmur3_x86_32", () => {
  it("agrees with reference MurmurHash3 vectors on 4-byte-aligned input", () => {
    // Published MurmurHash3_x86_32 test vectors (SMHasher); Spark's variant differs only in the tail.
    expect(murmur3HashBytes(new Uint8Array(), 0)).toBe(0);
    expect(murmur3HashBytes(new Uint8Array(), 1)).toBe(0x514e28b7);
    expect(murmur3HashBytes(new Uint8Array(), -1)).toBe(0x81f16f39 | 0);
    expect(murmur3HashBytes(new Uint8Array([0xff, 0xff, 0xff, 0xff]), 0)).toBe(0x76293b50);
    expect(murmur3HashBytes(new Uint8Array([0x21, 0x43, 0x65, 0x87]), 0)).toBe(0xf55b516b | 0);
    expect(murmur3HashBytes(new Uint8Array([0x21, 0x43, 0x65, 0x87]), 0x5082edee)).toBe(0x2362f9de);
    expect(murmur3HashBytes(utf8("test"), 0)).toBe(0xba6bd213 | 0);
  });

  it("hashes bytes as Spark's hashUnsafeBytes (tail bytes mixed one by one)", () => {
    const vectors: [string, number, number][] = [
      ["", 0, 0],
      ["", 42, 142593372],
      ["a", 0, 721651713],
      ["a", 42, 1485273170],
      ["ab", 0, 1142947817],
      ["ab", 42, -97053317],
      ["abc", 0, -849139816],
      ["abc", 42, 1322437556],
      ["abcd", 0, 1139631978],
      ["abcd", 42, -396302900],
      ["hello", 0, -1306563072],
      ["hello", 42, -1008564952],
      ["Hello, world!", 0, 891273215],
      ["Hello, world!", 42, -1085398053],
      ["The quick brown fox jumps over the lazy dog", 0, 1607600672],
      ["The quick brown fox jumps over the lazy dog", 42, 466024576],
      ["été", 0, 1259597973],
      ["été", 42, -149728428],
      ["😀x", 0, 2129858765],
      ["😀x", 42, -1814635023],
    ];
    for (const [text, seed, hash] of vectors)
      expect([text, seed, murmur3HashBytes(utf8(text), seed)]).toEqual([text, seed, hash]);
  });

  it("hashes longs as Spark's hashLong", () => {
    const vectors: [bigint, number, number][] = [
      [0n, 0, 1669671676],
      [0n, -1, -221081364],
      [1n, 0, 1392991556],
      [1n, -1, 1780320230],
      [-1n, 0, 1651860712],
      [-1n, -1, -956487963],
      [42n, 0, 1871679806],
      [42n, -1, -993371824],
      [9223372036854775807n, 0, -2106506049],
      [9223372036854775807n, -1, -588593099],
      [-9223372036854775808n, 0, 1366273829],
      [-9223372036854775808n, -1, -739928911],
      [4294967296n, 0, 987256456],
      [4294967296n, -1, 943595092],
      [-123456789012345n, 0, 857233340],
      [-123456789012345n, -1, 1403846204],
    ];
    for (const [value, seed, hash] of vectors)
      expect([value, seed, murmur3HashLong(value, seed)]).toEqual([value, seed, hash]);
  });
});

// CountMinSketch.create(depth 2, width 8, seed 3) with "a", "bb", "été", "k10" ×2, 42L ×2, -7L,
// Long.MAX_VALUE and bytes 01 02 03 ff added, serialized by spark-sketch 4.2.0.
const SPARK_CMS =
  "00000001000000000000000a0000000200000008000000005d9349a60000000047fd02cc0000000000000000000000000000000200000000000000000000000000000003000000000000000000000000000000010000000000000001000000000000000300000000000000010000000000000000000000000000000200000000000000030000000000000000000000000000000000000000000000030000000000000001";

describe("CountMinSketch", () => {
  it("reads Spark's bytes and estimates exactly as Spark's estimateCount", () => {
    const cms = CountMinSketch.readFrom(fromHex(SPARK_CMS));
    expect([cms.depth(), cms.width(), cms.totalCount()]).toEqual([2, 8, 10n]);
    expect([cms.relativeError(), cms.confidence()]).toEqual([0.25, 0.75]);
    const items = [
      "a",
      "bb",
      "été",
      "k10",
      "zz",
      42n,
      -7,
      2n ** 63n - 1n,
      0,
      new Uint8Array([1, 2, 3, 0xff]),
    ];
    // Spark's answers for the same items, in order.
    expect(items.map((i) => cms.estimateCount(i))).toEqual([2n, 1n, 1n, 3n, 0n, 3n, 2n, 2n, 0n, 1n]);
    expect(Buffer.from(cms.toByteArray()).toString("hex")).toBe(SPARK_CMS);
  });

  it("rejects bytes that are not a sketch, naming what is wrong", () => {
    const wrongVersion = fromHex(SPARK_CMS);
    wrongVersion[3] = 2;
    expect(() => CountMinSketch.readFrom(wrongVersion)).toThrow(/format version 2, expected 1/);
    expect(() => CountMinSketch.readFrom(fromHex(SPARK_CMS).slice(0, 40))).toThrow(/do not match/);
    expect(() => CountMinSketch.readFrom(new Uint8Array(3))).toThrow(SparkConnectError);
  });

  it("refuses items Spark cannot hash", () => {
    const cms = CountMinSketch.readFrom(fromHex(SPARK_CMS));
    expect(() => cms.estimateCount(1.5)).toThrow(/1.5 is not an item/);
    expect(() => cms.estimateCount(2n ** 63n)).toThrow(/outside Spark's LONG range/);
    expect(() => hashedItem(null as unknown as string, "here")).toThrow(/here: null/);
  });
});

// BloomFilter.create(V1 | V2, 20 items, 256 bits, seed 0) with "a", "bb", "été", "k10",
// 42L, -7L and Long.MAX_VALUE put in, written by spark-sketch 4.2.0.
const SPARK_BF = {
  v1: "0000000100000009000000044594100050400e8006004000ac528012102b8000304201040591410043140482",
  v2: "000000020000000900000000000000041009401054902049884c048132828ba084c8541028001000020a308204154900",
};
const PROBES = ["a", "bb", "été", "k10", 42, -7n, 2n ** 63n - 1n, "zz", "b", 0, 1, 43, "k11", "x", "y"];

describe("BloomFilter", () => {
  it.each([
    ["v1", 8.267689359722904e-7],
    ["v2", 1.8344607200817433e-6],
  ] as const)("reads Spark's %s bytes and answers as Spark's mightContain", (version, fpp) => {
    const filter = BloomFilter.readFrom(fromHex(SPARK_BF[version]));
    expect(filter.bitSize()).toBe(256);
    expect(filter.expectedFpp()).toBeCloseTo(fpp, 18);
    expect(PROBES.map((p) => (filter.mightContain(p) ? 1 : 0)).join("")).toBe("111111100000000");
    expect(Buffer.from(filter.toByteArray()).toString("hex")).toBe(SPARK_BF[version]);
  });

  it("creates an empty filter sized as Spark's BloomFilter.create", () => {
    const filter = BloomFilter.create(20n, 256n);
    // Same header as Spark's: version 2, 9 hash functions, seed 0, 4 words.
    expect(Buffer.from(filter.toByteArray()).toString("hex").slice(0, 32)).toBe(SPARK_BF.v2.slice(0, 32));
    expect(PROBES.some((p) => filter.mightContain(p))).toBe(false);
  });

  it("rejects bytes that are not a filter", () => {
    expect(() => BloomFilter.readFrom(fromHex("00000003000000090000000000000001"))).toThrow(
      /format version 3/,
    );
    expect(() => BloomFilter.readFrom(fromHex(SPARK_BF.v2).slice(0, 30))).toThrow(/do not match/);
  });
});

describe("df.stat sketch arguments", () => {
  it("sizes a Bloom filter with Spark's optimalNumOfBits", () => {
    expect(optimalNumOfBits(1000n, 0.03)).toBe(7298n);
    expect(optimalNumOfBits(1_000_000n, 0.01)).toBe(9585058n);
    expect(bloomFilterArgs(1000, 0.03)).toEqual({ expectedNumItems: 1000n, numBits: 7298n });
    expect(bloomFilterArgs(10n, { numBits: 64 })).toEqual({ expectedNumItems: 10n, numBits: 64n });
  });

  it("turns { depth, width } into eps and confidence as Scala's overload does", () => {
    expect(countMinSketchArgs({ depth: 3, width: 64 }, 9, undefined)).toEqual({
      eps: 2 / 64,
      confidence: 0.875,
      seed: 9,
    });
  });

  it("names the argument that is out of range", () => {
    expect(() => countMinSketchArgs(-1, 0.9, 1)).toThrow(/eps .* got -1/);
    expect(() => countMinSketchArgs(0.1, 0, 1)).toThrow(/confidence .* got 0/);
    expect(() => countMinSketchArgs({ depth: 0, width: 8 }, 1, undefined)).toThrow(/depth .* got 0/);
    expect(() => countMinSketchArgs(0.1, 0.9, 2 ** 31)).toThrow(/seed/);
    expect(() => bloomFilterArgs(-5, 0.1)).toThrow(/expectedNumItems .* got -5/);
    expect(() => bloomFilterArgs(5, 0)).toThrow(/fpp/);
    expect(() => bloomFilterArgs(5, { numBits: 1.5 })).toThrow(/numBits .* got 1.5/);
  });
});
