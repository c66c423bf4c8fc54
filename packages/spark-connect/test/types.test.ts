/** Every Spark SQL type decoded from Arrow into the documented JS value, and back through createDataFrame. */
import { beforeAll, describe, expect, it } from "vitest";
import { batchToRows } from "../src/arrow/decode.js";
import { functions as F, type SparkSession } from "../src/index.js";
import { testSession } from "./support/session.js";

let spark: SparkSession;
beforeAll(async () => {
  spark = await testSession();
});

async function one(sql: string): Promise<Record<string, unknown>> {
  const rows = await (await spark.sql(sql)).collect();
  return rows[0]!;
}

describe("Arrow results become faithful JS values", () => {
  it("integers, floats and booleans", async () => {
    const r = await one(
      "SELECT CAST(-7 AS TINYINT) b, CAST(300 AS SMALLINT) s, 2147483647 i, 9223372036854775807L l, -9223372036854775808L lmin, CAST(1.5 AS FLOAT) f, 0.1D d, true t, CAST(NULL AS INT) n",
    );
    expect(r).toEqual({
      b: -7,
      s: 300,
      i: 2147483647,
      l: 9223372036854775807n,
      lmin: -9223372036854775808n,
      f: 1.5,
      d: 0.1,
      t: true,
      n: null,
    });
  });

  it("decimals without loss, at every precision", async () => {
    const r = await one(
      "SELECT 12.30BD a, CAST(-0.05 AS DECIMAL(4,2)) b, CAST('12345678901234567890123456789012.345678' AS DECIMAL(38,6)) c, CAST('-99999999999999999999999999999999999999' AS DECIMAL(38,0)) d, CAST(0 AS DECIMAL(10,3)) e, CAST(9007199254740993 AS DECIMAL(20,0)) f",
    );
    expect(r).toEqual({
      a: "12.30",
      b: "-0.05",
      c: "12345678901234567890123456789012.345678",
      d: "-99999999999999999999999999999999999999",
      e: "0.000",
      f: "9007199254740993",
    });
  });

  it("strings (unicode), binary, dates, timestamps", async () => {
    const r = await one(
      "SELECT 'Zoë 李雷 🚀' s, X'00FF10' bin, DATE'1969-12-31' d1, DATE'2024-02-29' d2, TIMESTAMP'2024-03-10 12:34:56.789Z' ts, TIMESTAMP_NTZ'2024-03-10 12:34:56' ntz",
    );
    expect(r.s).toBe("Zoë 李雷 🚀");
    expect(r.bin).toEqual(new Uint8Array([0, 255, 16]));
    expect((r.d1 as Date).toISOString()).toBe("1969-12-31T00:00:00.000Z");
    expect((r.d2 as Date).toISOString()).toBe("2024-02-29T00:00:00.000Z");
    expect((r.ts as Date).toISOString()).toBe("2024-03-10T12:34:56.789Z");
    expect((r.ntz as Date).toISOString()).toBe("2024-03-10T12:34:56.000Z");
  });

  it("intervals", async () => {
    const r = await one("SELECT INTERVAL '1 02:03:04.5' DAY TO SECOND dt, INTERVAL '2-3' YEAR TO MONTH ym");
    expect(r.dt).toBe(((26n * 60n + 3n) * 60n + 4n) * 1_000_000n + 500_000n);
    expect(r.ym).toBe(27);
  });

  it("calendar intervals decode field for field", async () => {
    const rows = await (
      await spark.sql(
        "SELECT id, make_interval(0, id, 0, id * 10, 0, 0, 0) i, make_interval(-1, 2, 3, -4, 5, 6, 7.000008) j FROM range(-1, 3)",
      )
    ).collect();
    const expected = (id: number) => ({ months: id, days: id * 10, microseconds: 0n });
    // make_interval(years, months, weeks, days, hours, mins, secs): -1y+2m = -10 months, 3w-4d = 17 days
    const j = { months: -10, days: 17, microseconds: ((5n * 60n + 6n) * 60n + 7n) * 1_000_000n + 8n };
    expect(rows).toEqual([-1, 0, 1, 2].map((id) => ({ id: BigInt(id), i: expected(id), j })));
  });

  it("every instant Spark holds decodes exactly to the millisecond, truncated", async () => {
    const cases: [string, string][] = [
      ["9999-12-31 23:59:59.999999", "9999-12-31T23:59:59.999Z"],
      ["2300-01-01 00:00:00.999999", "2300-01-01T00:00:00.999Z"],
      ["1600-01-01 00:00:00.000999", "1600-01-01T00:00:00.000Z"],
      ["0001-01-01 00:00:00", "0001-01-01T00:00:00.000Z"],
      ["0001-01-01 00:00:00.000001", "0001-01-01T00:00:00.000Z"],
      ["1969-12-31 23:59:59.999999", "1969-12-31T23:59:59.999Z"],
      ["1970-01-01 00:00:00.000999", "1970-01-01T00:00:00.000Z"],
    ];
    const sql = cases
      .map(([t], i) => `TIMESTAMP '${t}' ts${i}, TIMESTAMP_NTZ '${t}' ntz${i}, array(TIMESTAMP '${t}') a${i}`)
      .join(", ");
    const r = await one(`SELECT ${sql}`);
    cases.forEach(([, iso], i) => {
      expect((r[`ts${i}`] as Date).toISOString(), `ts${i}`).toBe(iso);
      expect((r[`ntz${i}`] as Date).toISOString(), `ntz${i}`).toBe(iso);
      expect((r[`a${i}`] as Date[])[0]!.toISOString(), `a${i}`).toBe(iso);
    });
  });

  it('timestamps: "microseconds" gives the exact bigint microseconds, nested ones too', async () => {
    const df = await spark.sql(
      "SELECT TIMESTAMP '9999-12-31 23:59:59.999999' hi, TIMESTAMP_NTZ '0001-01-01 00:00:00.000001' lo, " +
        "named_struct('t', TIMESTAMP '1969-12-31 23:59:59.999999') st, to_variant_object(named_struct('t', TIMESTAMP '1600-01-01 00:00:00.000999')) v, CAST(NULL AS TIMESTAMP) n",
    );
    const [r] = await df.collect({ timestamps: "microseconds" });
    expect(r).toEqual({
      hi: 253402300799999999n,
      lo: -62135596799999999n,
      st: { t: -1n },
      v: { t: -11676096000000000n + 999n },
      n: null,
    });
    const streamed = [];
    for await (const row of df.toLocalIterator({ timestamps: "microseconds" })) streamed.push(row);
    expect(streamed).toEqual([r]);
  });

  it("nested struct, array and map", async () => {
    const r = await one(
      "SELECT named_struct('a', 1, 'b', array(named_struct('x', 'p', 'y', 2.5BD)), 'c', map('k1', array(1L, NULL), 'k2', NULL)) v, array(array(1,2), NULL, array()) aa, CAST(NULL AS STRUCT<a:INT>) ns",
    );
    expect(r.v).toEqual({
      a: 1,
      b: [{ x: "p", y: "2.5" }],
      c: new Map<string, unknown>([
        ["k1", [1n, null]],
        ["k2", null],
      ]),
    });
    expect(r.aa).toEqual([[1, 2], null, []]);
    expect(r.ns).toBeNull();
  });

  it("variant values decode to the JSON-like value they hold", async () => {
    const r = await one(
      `SELECT parse_json('{"a":1,"b":[true,null,"x",2.5,12345678901],"c":{"d":"${"long ".repeat(20)}"}}') v, CAST(NULL AS VARIANT) n`,
    );
    expect(r.v).toEqual({ a: 1, b: [true, null, "x", "2.5", 12345678901n], c: { d: "long ".repeat(20) } });
    expect(r.n).toBeNull();
  });

  it("nulls of every type", async () => {
    const r = await one(
      "SELECT CAST(NULL AS BIGINT) a, CAST(NULL AS DECIMAL(10,2)) b, CAST(NULL AS DATE) c, CAST(NULL AS TIMESTAMP) d, CAST(NULL AS BINARY) e, CAST(NULL AS ARRAY<INT>) f, CAST(NULL AS MAP<STRING,INT>) g, NULL h",
    );
    expect(Object.values(r)).toEqual([null, null, null, null, null, null, null, null]);
  });

  it("many rows across several Arrow batches keep their order and values", async () => {
    const rows = await spark
      .range(200_000)
      .select(F.col("id"), F.col("id").cast("string").alias("s"))
      .collect();
    expect(rows.length).toBe(200_000);
    expect(rows[123_456]).toEqual({ id: 123456n, s: "123456" });
  });

  it("toArrow holds every type family, over several batches, with the documented values", async () => {
    // Several Arrow batches (Spark's default is 10,000 rows per batch); each arrives at its own
    // offset inside its protobuf message and is moved to an 8-byte boundary (arrow/aligned.ts).
    const n = 30_000;
    const table = await (
      await spark.sql(
        "SELECT CAST(id % 100 AS TINYINT) t, CAST(id AS INT) i, id * 3000000000 l, id * 0.5D d, CAST(id AS FLOAT) f, " +
          "id % 2 = 0 b, CAST(id AS DECIMAL(20,2)) * 0.25BD dec, CAST(id AS STRING) s, CAST(CAST(id AS STRING) AS BINARY) bin, " +
          "DATE_ADD(DATE'2020-01-01', CAST(id % 1000 AS INT)) dt, TIMESTAMP_MICROS(id * 1000001) ts, " +
          "make_dt_interval(0, 0, 0, id) dti, make_ym_interval(0, CAST(id % 12 AS INT)) ymi, " +
          `array(id, NULL) arr, map('k', id) m, named_struct('a', id, 'b', CAST(id AS STRING)) st, NULL n FROM range(${n})`,
      )
    ).toArrow();
    expect(table.numRows).toBe(n);
    expect(table.batches.length).toBeGreaterThanOrEqual(3);
    const rows = table.batches.flatMap((b) => batchToRows(b));
    const expected = (i: number) => ({
      t: i % 100,
      i,
      l: BigInt(i) * 3_000_000_000n,
      d: i * 0.5,
      f: i,
      b: i % 2 === 0,
      dec: (i * 0.25).toFixed(4),
      s: String(i),
      bin: new TextEncoder().encode(String(i)),
      dt: new Date(Date.UTC(2020, 0, 1 + (i % 1000))),
      ts: new Date(Math.floor((i * 1_000_001) / 1000)),
      dti: BigInt(i) * 1_000_000n,
      ymi: i % 12,
      arr: [BigInt(i), null],
      m: new Map([["k", BigInt(i)]]),
      st: { a: BigInt(i), b: String(i) },
      n: null,
    });
    for (const i of [0, 1, 7, 9_999, 10_000, 10_001, 12_345, 20_003, n - 1])
      expect(rows[i]).toEqual(expected(i));
    expect(rows.filter((r, i) => r.l !== BigInt(i) * 3_000_000_000n || r.s !== String(i))).toEqual([]);
  });

  it("duplicate column names are kept as name, name_2", async () => {
    const r = await one("SELECT 1 AS x, 2 AS x");
    expect(r).toEqual({ x: 1, x_2: 2 });
  });

  it("a renamed duplicate never collides with another column's name", async () => {
    const r = await one("SELECT 1 AS k, 2 AS k, 3 AS k_2");
    expect(Object.entries(r)).toEqual([
      ["k", 1],
      ["k_3", 2],
      ["k_2", 3],
    ]);
    // Spark itself renames repeated struct fields to a_0, a_1 when it writes Arrow.
    const s = await one("SELECT named_struct('a', 1, 'a', 2, 'a_2', 3) st");
    expect(Object.entries(s.st as object)).toEqual([
      ["a_0", 1],
      ["a_1", 2],
      ["a_2", 3],
    ]);
  });

  it("a struct whose renamed fields collide on the server is a clear error, not a wrong value", async () => {
    // Spark renames a, a → a_0, a_1 next to an existing a_1, and its Arrow writer then sends two
    // child vectors for three fields (seen in the bytes): the value is gone before the client.
    const e = await (await spark.sql("SELECT named_struct('a', 1, 'a', 2, 'a_1', 3) st"))
      .collect()
      .catch((x) => x);
    expect(e).toMatchObject({ name: "SparkConnectError", code: "PROTOCOL" });
    expect(e.message).toContain("struct field names repeat (struct st: a_1)");
  });

  it("columns named __proto__, constructor, toString survive in rows, structs and variants", async () => {
    const r = await one(
      "SELECT 1 AS `__proto__`, 2 AS `constructor`, 3 AS `toString`, named_struct('__proto__', 4) st, parse_json('{\"__proto__\": 5}') v",
    );
    expect(Object.keys(r)).toEqual(["__proto__", "constructor", "toString", "st", "v"]);
    const own = (o: unknown, k: string) => Object.getOwnPropertyDescriptor(o, k)?.value;
    expect([own(r, "__proto__"), own(r, "constructor"), own(r, "toString")]).toEqual([1, 2, 3]);
    expect(own(r.st, "__proto__")).toBe(4);
    expect(own(r.v, "__proto__")).toBe(5);
    expect(JSON.stringify(r)).toBe(
      '{"__proto__":1,"constructor":2,"toString":3,"st":{"__proto__":4},"v":{"__proto__":5}}',
    );
  });

  it("schema() gives a typed StructType", async () => {
    const df = await spark.sql("SELECT 1L a, 'x' b, 1.5BD c, array(1) d, map('k', DATE'2020-01-01') e");
    const schema = await df.schema();
    expect(schema.fields.map((f) => [f.name, f.dataType.typeName])).toEqual([
      ["a", "long"],
      ["b", "string"],
      ["c", "decimal"],
      ["d", "array"],
      ["e", "map"],
    ]);
    expect(await df.dtypes()).toEqual([
      ["a", "bigint"],
      ["b", "string"],
      ["c", "decimal(2,1)"],
      ["d", "array<int>"],
      ["e", "map<string,date>"],
    ]);
  });
});

describe("createDataFrame round-trips every type", () => {
  it("returns exactly the rows it was given", async () => {
    const rows = [
      {
        i: 1,
        l: 9007199254740993n,
        d: 2.25,
        dec: "-12345678901234567.89",
        s: 'naïve, "quoted"\nline',
        b: true,
        bin: new Uint8Array([1, 2, 3]),
        day: new Date("2024-02-29T00:00:00Z"),
        ts: new Date("2024-02-29T23:59:59.123Z"),
        arr: [1n, null, 3n],
        m: new Map([["a", 1]]),
        st: { x: "y", n: [true] },
      },
      {
        i: null,
        l: null,
        d: null,
        dec: null,
        s: null,
        b: null,
        bin: null,
        day: null,
        ts: null,
        arr: null,
        m: null,
        st: null,
      },
    ];
    const df = spark.createDataFrame(
      rows,
      "i INT, l BIGINT, d DOUBLE, dec DECIMAL(20,2), s STRING, b BOOLEAN, bin BINARY, day DATE, ts TIMESTAMP, arr ARRAY<BIGINT>, m MAP<STRING,INT>, st STRUCT<x: STRING, n: ARRAY<BOOLEAN>>",
    );
    expect(await df.collect()).toEqual(rows);
  });

  it("rejects a value that does not fit the schema instead of turning it into null", async () => {
    const df = spark.createDataFrame([{ a: "not a number" }], "a INT");
    await expect(df.collect()).rejects.toMatchObject({ code: "EXECUTION" });
  });
});
