/**
 * `casts:` with an ISO `format` take Spark's string cast behind a shape check instead of
 * `try_to_timestamp` by pattern (compile/clean/rewrites.ts `castValue`): the values must be the
 * pattern's to the microsecond, null where the pattern gives null. Checked against Spark's own
 * `try_to_timestamp` on the shared server: random fields in and out of range, odd shapes, and a
 * time zone with a daylight-saving gap.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  type Column,
  type DataFrame,
  functions as F,
  type SparkSession,
} from "../../../spark-connect/src/index.js";
import { testSession } from "../../../spark-connect/test/support/session.js";
import { castValue } from "../../src/compile/clean/rewrites.js";

let spark: SparkSession;
beforeAll(async () => {
  spark = await testSession();
});

type Cast = { type: "timestamp" | "date"; format: string };

/** The pattern's own value of `v` (what castValue gave before the shortcut). */
function byPattern(v: Column, { type, format }: Cast): Column {
  const ts = F.tryToTimestamp(v, format);
  return type === "date" ? ts.cast("date") : ts;
}

/** Rows of `df` (column `v`) where castValue and the pattern disagree, how many parsed, how many in all. */
async function compare(df: DataFrame, cast: Cast) {
  const both = df.select(
    F.col("v"),
    castValue(F.col("v"), cast).alias("fast"),
    byPattern(F.col("v"), cast).alias("slow"),
  );
  const differ = F.col("fast").eqNullSafe(F.col("slow")).not();
  const [sums] = await both
    .agg(
      F.sum(F.when(differ, 1).otherwise(0)).alias("differ"),
      F.count(F.col("slow")).alias("parsed"),
      F.count(F.lit(1)).alias("rows"),
    )
    .collect();
  // Only a disagreement is worth a second pass over the values (the pattern's parse is the slow part).
  const examples = Number(sums!.differ) > 0 ? await both.filter(differ).limit(5).collect() : [];
  return {
    differ: Number(sums!.differ),
    parsed: Number(sums!.parsed),
    rows: Number(sums!.rows),
    examples: examples.map((r) => `${r.v}: ${r.fast} vs ${r.slow}`),
  };
}

/** `n` strings in the pattern's shape with each field drawn from past its range (month 00–13, hour 00–25, …). */
function randomFields(n: number, withTime: boolean): Promise<DataFrame> {
  const field = (seed: number, below: number) => `CAST(floor(rand(${seed}) * ${below}) AS INT)`;
  const date = `${field(1, 10000)}, ${field(2, 14)}, ${field(3, 33)}`;
  const text = withTime
    ? `format_string('%04d-%02d-%02d %02d:%02d:%02d', ${date}, ${field(4, 26)}, ${field(5, 62)}, ${field(6, 62)})`
    : `format_string('%04d-%02d-%02d', ${date})`;
  return spark.sql(`SELECT ${text} AS v FROM range(${n})`);
}

const ODD_SHAPES = [
  "2024-03-05 07:08:09",
  "0000-01-01 00:00:00",
  "2024-02-29 23:59:59",
  "2023-02-29 00:00:00",
  "2024-01-01 24:00:00",
  "2024-01-01 23:59:60",
  " 2024-01-01 00:00:00",
  "2024-01-01 00:00:00 ",
  "2024-01-01T00:00:00",
  "2024-01-01 00:00:00.5",
  "2024-01-01 00:00:00Z",
  "2024-01-01 00:00:00+01:00",
  "2024-1-01 00:00:00",
  "2024-01-01 0:00:00",
  "12024-01-01 00:00:00",
  "+2024-01-01 00:00:00",
  "-2024-01-01 00:00:00",
  "٢٠٢٤-٠١-٠١ ٠٠:٠٠:٠٠",
  "２０２４-01-01 00:00:00",
  "2024-01-01",
  "2024-01-01 ",
  "2024/01/01 00:00:00",
  "",
  null,
];

describe("casts with an ISO format give what the pattern gives", () => {
  const full: Cast = { type: "timestamp", format: "yyyy-MM-dd HH:mm:ss" };

  it("'yyyy-MM-dd HH:mm:ss': 1M random values, fields in and out of range", async () => {
    const r = await compare(await randomFields(1_000_000, true), full);
    expect(r.examples).toEqual([]);
    expect(r.differ).toBe(0);
    expect(r.rows).toBe(1_000_000);
    // Both kinds are there: valid instants and values the calendar does not have.
    expect(r.parsed).toBeGreaterThan(250_000);
    expect(r.parsed).toBeLessThan(950_000);
  });

  it("'yyyy-MM-dd HH:mm:ss': odd shapes are null exactly where the pattern makes them null", async () => {
    const df = spark.createDataFrame(
      ODD_SHAPES.map((v) => ({ v })),
      "v STRING",
    );
    const r = await compare(df, full);
    expect(r.examples).toEqual([]);
    expect(r.differ).toBe(0);
    const rows = await df.select(castValue(F.col("v"), full).cast("string").alias("t")).collect();
    // A signed year is the pattern's too ('yyyy' reads a sign): such values are left to it.
    const parsed = new Map([
      ["2024-03-05 07:08:09", "2024-03-05 07:08:09"],
      ["0000-01-01 00:00:00", "0000-01-01 00:00:00"],
      ["2024-02-29 23:59:59", "2024-02-29 23:59:59"],
      ["-2024-01-01 00:00:00", "-2024-01-01 00:00:00"],
    ]);
    expect(rows.map((x) => x.t)).toEqual(ODD_SHAPES.map((v) => parsed.get(v ?? "") ?? null));
  });

  it("'yyyy-MM-dd' to a timestamp and to a date, random values and odd shapes", async () => {
    for (const cast of [
      { type: "timestamp", format: "yyyy-MM-dd" },
      { type: "date", format: "yyyy-MM-dd" },
    ] as Cast[]) {
      const random = await compare(await randomFields(500_000, false), cast);
      expect(random.examples, cast.type).toEqual([]);
      expect(random.parsed, cast.type).toBeGreaterThan(100_000);
      const odd = spark.createDataFrame(
        [...ODD_SHAPES, "2024-02-30", "2024-13-01", "2024-01-01T10:00", "2024-01-01 10:00:00"].map((v) => ({
          v,
        })),
        "v STRING",
      );
      expect((await compare(odd, cast)).examples, cast.type).toEqual([]);
    }
  });

  it("in a session time zone with a daylight-saving gap and overlap", async () => {
    await spark.conf.set("spark.sql.session.timeZone", "America/New_York");
    try {
      const df = spark.createDataFrame(
        ["2024-03-10 01:59:59", "2024-03-10 02:30:00", "2024-03-10 03:00:00", "2024-11-03 01:30:00"].map(
          (v) => ({ v }),
        ),
        "v STRING",
      );
      const r = await compare(df, full);
      expect(r.examples).toEqual([]);
      expect(r.parsed).toBe(4);
    } finally {
      await spark.conf.set("spark.sql.session.timeZone", "UTC");
    }
  });

  it("takes the cast for a value of the plain shape and the pattern for any other", async () => {
    const df = await randomFields(3, true);
    const plan = await df.select(castValue(F.col("v"), full).alias("t")).explainString();
    expect(plan).toMatch(
      /CASE WHEN RLIKE\(v#\d+, \^\[0-9\]\{4\}-.*\) THEN try_cast\(v#\d+ as timestamp\) ELSE gettimestamp\(v#\d+, yyyy-MM-dd HH:mm:ss,/,
    );
    const other = await df
      .select(castValue(F.col("v"), { type: "timestamp", format: "dd/MM/yyyy HH:mm" }).alias("t"))
      .explainString();
    expect(other).not.toMatch(/RLIKE/);
  });
});
