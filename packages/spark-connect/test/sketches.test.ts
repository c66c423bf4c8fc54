/**
 * `df.stat.countMinSketch` and `df.stat.bloomFilter` against the shared server: the sketches Spark
 * builds, read and queried in TypeScript, checked against exact counts and answer for answer
 * against Spark's own spark-sketch classes (a JVM reading the same bytes).
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  BloomFilter,
  CountMinSketch,
  type DataFrame,
  functions as F,
  SparkConnectError,
  type SparkSession,
} from "../src/index.js";
import { testSession } from "./support/session.js";
import { sparkSketchAnswers } from "./support/sketch-oracle.js";

let spark: SparkSession;
/** Item i (0..49) appears i + 1 times: 1,275 rows, as a string `k<i>`, an INT, a BIGINT and bytes. */
let counted: DataFrame;
const DISTINCT = 50;
const TOTAL = (DISTINCT * (DISTINCT + 1)) / 2;
const trueCount = (i: number) => i + 1;
const utf8 = (s: string) => new TextEncoder().encode(s);

beforeAll(async () => {
  spark = await testSession();
  counted = await spark.sql(
    `SELECT concat('k', i) AS s, CAST(i AS INT) AS n, CAST(i AS BIGINT) * 1000000007 AS l,
            CAST(concat('k', i) AS BINARY) AS b
     FROM (SELECT explode(sequence(0, ${DISTINCT - 1})) AS i) LATERAL VIEW explode(sequence(0, i)) t AS j
     UNION ALL SELECT NULL, NULL, NULL, NULL`,
  );
});

describe("df.stat.countMinSketch", () => {
  it("estimates every string at or above its true count, within eps·total, as Spark's own sketch does", async () => {
    const eps = 0.05;
    const confidence = 0.9;
    const cms = await counted.stat.countMinSketch("s", eps, confidence, 42);
    expect([cms.depth(), cms.width(), cms.totalCount()]).toEqual([4, 40, BigInt(TOTAL)]);
    expect(cms.relativeError()).toBe(2 / 40);
    expect(cms.confidence()).toBe(1 - 1 / 16);

    const items = Array.from({ length: DISTINCT }, (_, i) => `k${i}`);
    const estimates = items.map((s) => cms.estimateCount(s));
    const spark = await sparkSketchAnswers("cms", cms.toByteArray(), items);
    expect(spark.summary).toBe(`4 40 ${TOTAL}`);
    expect(estimates.map(String)).toEqual(spark.answers);

    const overs = estimates.map((e, i) => Number(e) - trueCount(i));
    expect(overs.every((o) => o >= 0)).toBe(true);
    // Width 40 for 50 distinct items: collisions are certain, so the sketch is really tested.
    expect(overs.some((o) => o > 0)).toBe(true);
    const beyondBound = overs.filter((o) => o > eps * TOTAL).length;
    expect(beyondBound).toBeLessThanOrEqual(Math.floor((1 - confidence) * DISTINCT));
    // Never added: still answered, at or above 0, and the same as Spark.
    const absent = ["", "k50", "zzz"];
    const sparkAbsent = await sparkSketchAnswers("cms", cms.toByteArray(), absent);
    expect(absent.map((s) => String(cms.estimateCount(s)))).toEqual(sparkAbsent.answers);
  });

  it("hashes INT and BIGINT values as Spark's longs, and binary like the string's bytes", async () => {
    const byInt = await counted.stat.countMinSketch("n", 0.02, 0.95, 7);
    const byLong = await counted.stat.countMinSketch(F.col("l"), 0.02, 0.95, 7);
    const byBinary = await counted.stat.countMinSketch("b", 0.02, 0.95, 7);
    const byString = await counted.stat.countMinSketch("s", 0.02, 0.95, 7);
    const ints = Array.from({ length: DISTINCT }, (_, i) => i);
    const longs = ints.map((i) => BigInt(i) * 1000000007n);
    const sparkInts = await sparkSketchAnswers("cms", byInt.toByteArray(), ints);
    const sparkLongs = await sparkSketchAnswers("cms", byLong.toByteArray(), longs);
    expect(ints.map((i) => String(byInt.estimateCount(i)))).toEqual(sparkInts.answers);
    expect(ints.map((i) => String(byInt.estimateCount(BigInt(i))))).toEqual(sparkInts.answers);
    expect(longs.map((l) => String(byLong.estimateCount(l)))).toEqual(sparkLongs.answers);
    expect(ints.every((i) => Number(byInt.estimateCount(i)) >= trueCount(i))).toBe(true);
    expect(longs.every((l, i) => Number(byLong.estimateCount(l)) >= trueCount(i))).toBe(true);
    // The same bytes, the same counters: a BINARY column's sketch equals the STRING column's.
    expect(Buffer.from(byBinary.toByteArray()).equals(Buffer.from(byString.toByteArray()))).toBe(true);
    expect(byBinary.estimateCount(utf8("k49"))).toBe(byString.estimateCount("k49"));
  });

  it("takes { depth, width } as Scala's int overload does, and round-trips its bytes", async () => {
    const cms = await counted.stat.countMinSketch("s", { depth: 3, width: 64 }, 1);
    expect([cms.depth(), cms.width()]).toEqual([3, 64]);
    const again = CountMinSketch.readFrom(cms.toByteArray());
    expect(again.estimateCount("k10")).toBe(cms.estimateCount("k10"));
    // width 2 makes eps = 1, a whole JS number: still sent as a DOUBLE literal.
    const tiny = await counted.stat.countMinSketch("s", { depth: 1, width: 2 }, 0);
    expect([tiny.depth(), tiny.width(), tiny.totalCount()]).toEqual([1, 2, BigInt(TOTAL)]);
    const halves = [...new Set(Array.from({ length: DISTINCT }, (_, i) => tiny.estimateCount(`k${i}`)))];
    expect(halves.reduce((a, b) => a + b, 0n)).toBe(BigInt(TOTAL));
  });

  it("gives an empty sketch (total 0, every estimate 0) for a column without non-null values", async () => {
    const none = await spark.sql("SELECT CAST(NULL AS STRING) AS s FROM range(3)");
    const cms = await none.stat.countMinSketch("s", 0.1, 0.9, 1);
    expect([cms.totalCount(), cms.estimateCount("a"), cms.width(), cms.depth()]).toEqual([0n, 0n, 20, 4]);
  });

  it("rejects bad arguments before running anything, and a DOUBLE column on the server", async () => {
    await expect(counted.stat.countMinSketch("s", 0, 0.9, 1)).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      message: expect.stringContaining("eps"),
    });
    await expect(counted.stat.countMinSketch("s", 0.1, 1, 1)).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    await expect(counted.stat.countMinSketch("s", 0.1, 0.9, 1.5)).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    const err = await counted.stat.countMinSketch(F.col("n").cast("double"), 0.1, 0.9, 1).catch((e) => e);
    expect(err).toBeInstanceOf(SparkConnectError);
    expect(err.code).toBe("ANALYSIS");
  });
});

describe("df.stat.bloomFilter", () => {
  it("contains every inserted string, and 10,000 non-members stay under the fpp bound", async () => {
    const members = await spark.sql("SELECT concat('m', id) AS s FROM range(1000)");
    const fpp = 0.03;
    const filter = await members.stat.bloomFilter("s", 1000, fpp);
    // optimalNumOfBits(1000, 0.03) = 7298 bits → 115 words.
    expect(filter.bitSize()).toBe(115 * 64);
    const inserted = Array.from({ length: 1000 }, (_, i) => `m${i}`);
    expect(inserted.every((s) => filter.mightContain(s))).toBe(true);
    const others = Array.from({ length: 10_000 }, (_, i) => `x${i}`);
    const falsePositives = others.filter((s) => filter.mightContain(s)).length;
    // Binomial(10,000, p) with p ≤ fpp: fpp plus four standard deviations is never reached by chance.
    const bound = 10_000 * (fpp + 4 * Math.sqrt((fpp * (1 - fpp)) / 10_000));
    expect(falsePositives).toBeLessThan(bound);
    expect(filter.expectedFpp()).toBeLessThan(fpp);

    const spark11k = await sparkSketchAnswers("bf", filter.toByteArray(), [...inserted, ...others]);
    expect(spark11k.summary.split(" ")[0]).toBe(String(115 * 64));
    expect(Number(spark11k.summary.split(" ")[1])).toBeCloseTo(filter.expectedFpp(), 12);
    const ours = [...inserted, ...others].map((s) => String(filter.mightContain(s)));
    expect(ours).toEqual(spark11k.answers);
  });

  it("hashes integers as longs (INT column, number or bigint queries) with { numBits }", async () => {
    const filter = await counted.stat.bloomFilter("n", DISTINCT, { numBits: 1024 });
    expect(filter.bitSize()).toBe(1024);
    const probes = Array.from({ length: 2000 }, (_, i) => i - 1000);
    const spark = await sparkSketchAnswers("bf", filter.toByteArray(), probes);
    expect(probes.map((i) => String(filter.mightContain(i)))).toEqual(spark.answers);
    for (let i = 0; i < DISTINCT; i++) {
      expect(filter.mightContain(i)).toBe(true);
      expect(filter.mightContain(BigInt(i))).toBe(true);
    }
  });

  it("is empty (contains nothing) for a column without non-null values", async () => {
    const none = await spark.sql("SELECT CAST(NULL AS STRING) AS s FROM range(3)");
    const filter = await none.stat.bloomFilter("s", 100, 0.01);
    expect(filter.mightContain("a")).toBe(false);
    expect(filter.expectedFpp()).toBe(0);
    expect(BloomFilter.readFrom(filter.toByteArray()).bitSize()).toBe(filter.bitSize());
  });

  it("rejects bad arguments before running anything", async () => {
    await expect(counted.stat.bloomFilter("s", 0, 0.03)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(counted.stat.bloomFilter("s", 10, 1)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(counted.stat.bloomFilter("s", 10, { numBits: 0 })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
  });
});
