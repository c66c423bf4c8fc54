/** Readers and writers against real files through the shared server. */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DataTypes, functions as F, type SparkSession } from "../src/index.js";
import { testSession } from "./support/session.js";

let spark: SparkSession;
let dir: string;

beforeAll(async () => {
  spark = await testSession();
  dir = mkdtempSync(join(tmpdir(), "kindling-io-"));
  writeFileSync(
    join(dir, "a.csv"),
    'id,name,amount\n1,ann,10.5\n2,bob,oops\n3,"c, d",7\nbroken line without enough\n',
  );
  writeFileSync(join(dir, "b.csv"), "id,name,amount\n4,eve,1\n");
  writeFileSync(join(dir, "x.jsonl"), '{"id":1,"tags":["a","b"]}\n{"id":2,"tags":[]}\n{bad json\n');
  writeFileSync(join(dir, "t.txt"), "line one\nline two\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const schema = "id INT, name STRING, amount DOUBLE";

describe("reader", () => {
  it("PERMISSIVE keeps malformed rows with the raw text in the corrupt-record column", async () => {
    const rows = await spark.read
      .schema(`${schema}, _corrupt_record STRING`)
      .option("header", true)
      .mode("PERMISSIVE", "_corrupt_record")
      .csv(join(dir, "a.csv"))
      .orderBy("id")
      .collect();
    expect(rows.length).toBe(4);
    const bad = rows.filter((r) => r._corrupt_record !== null).map((r) => r._corrupt_record);
    expect(bad).toEqual(expect.arrayContaining(["2,bob,oops", "broken line without enough"]));
    expect(rows.find((r) => r.id === 3)).toMatchObject({ name: "c, d", amount: 7 });
  });

  it("DROPMALFORMED drops them, FAILFAST fails with the bad record named", async () => {
    const kept = await spark.read
      .schema(schema)
      .option("header", true)
      .mode("DROPMALFORMED")
      .csv(join(dir, "a.csv"))
      .collect();
    expect(kept.map((r) => r.id).sort()).toEqual([1, 3]);
    await expect(
      spark.read.schema(schema).option("header", true).mode("FAILFAST").csv(join(dir, "a.csv")).collect(),
    ).rejects.toMatchObject({
      code: "EXECUTION",
      message: expect.stringMatching(/a\.csv.*Malformed records.*2,bob/s),
    });
  });

  it("reads several paths and globs; schema as a StructType", async () => {
    const st = DataTypes.struct([
      DataTypes.field("id", DataTypes.IntegerType),
      DataTypes.field("name", DataTypes.StringType),
      DataTypes.field("amount", DataTypes.DoubleType),
    ]);
    // collect, not count(): Spark's CSV column pruning makes count() skip malformed-row detection.
    const read = (...paths: string[]) =>
      spark.read
        .schema(st)
        .option("header", true)
        .mode("DROPMALFORMED")
        .csv(...paths)
        .collect();
    const two = (await read(join(dir, "a.csv"), join(dir, "b.csv"))).length;
    const glob = (await read(join(dir, "*.csv"))).length;
    expect(two).toBe(3);
    expect(glob).toBe(3);
  });

  it("json with a corrupt record, and text", async () => {
    const rows = await spark.read
      .schema("id INT, tags ARRAY<STRING>, _corrupt_record STRING")
      .json(join(dir, "x.jsonl"))
      .collect();
    expect(rows).toEqual([
      { id: 1, tags: ["a", "b"], _corrupt_record: null },
      { id: 2, tags: [], _corrupt_record: null },
      { id: null, tags: null, _corrupt_record: "{bad json" },
    ]);
    expect((await spark.read.text(join(dir, "t.txt")).collect()).map((r) => r.value)).toEqual([
      "line one",
      "line two",
    ]);
  });
});

describe("writer", () => {
  const data = () =>
    spark
      .range(0, 100)
      .select(F.col("id"), F.col("id").mod(4).alias("part"), F.col("id").cast("string").alias("s"));

  it("round-trips parquet, orc, json and csv", async () => {
    for (const fmt of ["parquet", "orc", "json", "csv"] as const) {
      const out = join(dir, `rt-${fmt}`);
      await data().write.mode("overwrite").option("header", true).format(fmt).save(out);
      const back = spark.read
        .format(fmt)
        .option("header", true)
        .schema("id BIGINT, part BIGINT, s STRING")
        .load(out);
      expect(await back.count()).toBe(100);
      expect(await back.agg(F.sum("id").alias("t")).collect()).toEqual([{ t: 4950n }]);
    }
  });

  it("text writes one line per row", async () => {
    const out = join(dir, "txt-out");
    await data().select("s").write.mode("overwrite").text(out);
    expect(await spark.read.text(out).count()).toBe(100);
  });

  it("modes: error refuses an existing path, append adds, ignore leaves it, overwrite replaces", async () => {
    const out = join(dir, "modes");
    await data().write.parquet(out);
    await expect(data().write.parquet(out)).rejects.toMatchObject({
      errorClass: expect.stringMatching(/PATH_ALREADY_EXISTS/),
    });
    await data().write.mode("append").parquet(out);
    expect(await spark.read.parquet(out).count()).toBe(200);
    await data().limit(1).write.mode("ignore").parquet(out);
    expect(await spark.read.parquet(out).count()).toBe(200);
    await data().limit(5).write.mode("overwrite").parquet(out);
    expect(await spark.read.parquet(out).count()).toBe(5);
  });

  it("partitionBy lays out one folder per value", async () => {
    const out = join(dir, "parts");
    await data().write.mode("overwrite").partitionBy("part").parquet(out);
    expect(
      readdirSync(out)
        .filter((f) => f.startsWith("part="))
        .sort(),
    ).toEqual(["part=0", "part=1", "part=2", "part=3"]);
    expect(await spark.read.parquet(out).where("part = 2").count()).toBe(25);
  });

  it("saveAsTable with bucketBy and sortBy, then reads it back by name", async () => {
    await spark.sql("DROP TABLE IF EXISTS kindling_bucketed");
    await data()
      .write.mode("overwrite")
      .bucketBy(4, "id")
      .sortBy("id")
      .format("parquet")
      .saveAsTable("kindling_bucketed");
    expect(await spark.table("kindling_bucketed").count()).toBe(100);
    const [desc] = await (await spark.sql("DESCRIBE TABLE EXTENDED kindling_bucketed"))
      .where("col_name = 'Num Buckets'")
      .collect();
    expect(desc?.data_type).toBe("4");
    await spark.sql("DROP TABLE kindling_bucketed");
  });

  it("observed metrics of a write arrive with its result (same pass)", async () => {
    const out = join(dir, "observed");
    const info = await data()
      .observe("stats", F.count(F.lit(1)).alias("rows"), F.sum("id").alias("total"))
      .write.mode("overwrite")
      .parquet(out);
    expect(info.observedMetrics.stats).toEqual({ rows: 100n, total: 4950n });
    expect(existsSync(join(out, "_SUCCESS"))).toBe(true);
  });
});
