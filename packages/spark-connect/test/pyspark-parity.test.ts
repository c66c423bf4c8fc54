/**
 * The classes and methods PySpark's Connect client has beyond the core DataFrame: `df.stat`,
 * `spark.catalog`, `df.writeTo`, the extra DataFrame and Column methods. Each runs against the
 * real server, with exact expected values and, where SQL can say the same, SQL as the oracle.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DataFrame, functions as F, SparkConnectError, type SparkSession } from "../src/index.js";
import { canonical, testSession } from "./support/session.js";

let spark: SparkSession;
let nums: DataFrame;
const db = `kb_parity_${process.pid}_${Date.now() % 100000}`;
const dir = mkdtempSync(join(tmpdir(), "kindling-parity-"));

beforeAll(async () => {
  spark = await testSession();
  nums = spark.createDataFrame(
    [
      { k: "a", x: 1, y: 2 },
      { k: "a", x: 2, y: 4 },
      { k: "b", x: 3, y: 7 },
      { k: "b", x: 4, y: 8 },
    ],
    "k STRING, x INT, y INT",
  );
  await nums.createOrReplaceTempView("parity_nums");
  await spark.catalog.createDatabase(db);
});

afterAll(async () => {
  await spark?.catalog.dropDatabase(db, { ifExists: true, cascade: true });
  rmSync(dir, { recursive: true, force: true });
});

const sqlRows = async (q: string) => canonical(await (await spark.sql(q)).collect());

describe("df.stat", () => {
  it("corr and cov equal SQL corr/covar_samp and the hand-computed values", async () => {
    const corr = await nums.stat.corr("x", "y");
    const cov = await nums.stat.cov("x", "y");
    const [sql] = await (
      await spark.sql("SELECT corr(x, y) c, covar_samp(x, y) v FROM parity_nums")
    ).collect();
    expect(corr).toBe(sql?.c);
    expect(cov).toBe(sql?.v);
    expect(cov).toBe(3.5); // Σ dx·dy = 10.5 over n − 1 = 3
    expect(corr).toBeCloseTo(10.5 / Math.sqrt(5 * 22.75), 12);
  });

  it("crosstab counts pairs per value", async () => {
    const rows = await nums.stat.crosstab("k", "x").collect();
    expect(canonical(rows)).toEqual(
      canonical([
        { k_x: "a", "1": 1n, "2": 1n, "3": 0n, "4": 0n },
        { k_x: "b", "1": 0n, "2": 0n, "3": 1n, "4": 1n },
      ]),
    );
  });

  it("freqItems finds the items above the support", async () => {
    const [row] = await nums.stat.freqItems(["k"], 0.5).collect();
    expect([...((row?.k_freqItems ?? []) as string[])].sort()).toEqual(["a", "b"]);
  });

  it("approxQuantile with relative error 0 gives exact quantiles", async () => {
    expect(await nums.stat.approxQuantile("x", [0, 0.5, 1], 0)).toEqual([1, 2, 4]);
    expect(await nums.stat.approxQuantile(["x", "y"], [0.5], 0)).toEqual([[2], [4]]);
  });

  it("sampleBy keeps each stratum with its fraction", async () => {
    const rows = await nums.stat.sampleBy("k", { a: 1, b: 0 }, 7).collect();
    expect(canonical(rows)).toEqual(
      canonical([
        { k: "a", x: 1, y: 2 },
        { k: "a", x: 2, y: 4 },
      ]),
    );
  });
});

describe("spark.catalog and df.writeTo", () => {
  it("creates, lists, describes, caches and drops databases and tables", async () => {
    const cat = spark.catalog;
    expect(await cat.databaseExists(db)).toBe(true);
    expect((await cat.listDatabases(db)).map((d) => d.name)).toEqual([db]);
    expect(await cat.currentDatabase()).toBe("default");

    await spark.range(3).writeTo(`${db}.t`).using("parquet").create();
    expect(await cat.tableExists("t", db)).toBe(true);
    expect(await cat.tableExists(`${db}.missing`)).toBe(false);
    // listTables also lists the session's temporary views (parity_nums), as in PySpark.
    const tables = await cat.listTables(db);
    expect(tables.filter((t) => !t.isTemporary).map((t) => [t.name, t.tableType])).toEqual([
      ["t", "MANAGED"],
    ]);
    expect(tables.filter((t) => t.isTemporary).map((t) => t.name)).toContain("parity_nums");
    expect((await cat.listColumns(`${db}.t`)).map((c) => [c.name, c.dataType, c.isPartition])).toEqual([
      ["id", "bigint", false],
    ]);
    expect((await cat.getTable(`${db}.t`)).name).toBe("t");

    await cat.cacheTable(`${db}.t`);
    expect(await cat.isCached(`${db}.t`)).toBe(true);
    await cat.uncacheTable(`${db}.t`);
    expect(await cat.isCached(`${db}.t`)).toBe(false);
    await cat.refreshTable(`${db}.t`);
    await cat.clearCache();

    expect(await cat.functionExists("date_trunc")).toBe(true);
    expect((await cat.listFunctions(undefined, "date_tr*")).map((f) => f.name)).toContain("date_trunc");

    await expect(cat.getTable(`${db}.missing`)).rejects.toSatisfy(
      (e) => e instanceof SparkConnectError && e.errorClass === "TABLE_OR_VIEW_NOT_FOUND",
    );
    await cat.dropTable(`${db}.t`);
    expect(await cat.tableExists(`${db}.t`)).toBe(false);
  });

  it("createTable makes an EXTERNAL table over a path with the given schema", async () => {
    const path = join(dir, "ext");
    await spark.createDataFrame([{ a: 1, b: "x" }], "a INT, b STRING").write.parquet(path);
    const df = await spark.catalog.createTable(`${db}.ext`, {
      source: "parquet",
      path,
      schema: "a INT, b STRING",
    });
    expect(canonical(await df.collect())).toEqual(canonical([{ a: 1, b: "x" }]));
    expect((await spark.catalog.getTable(`${db}.ext`)).tableType).toBe("EXTERNAL");
  });

  it("writeTo: create gives the exact rows and properties; V1 tables refuse append/overwrite/replace", async () => {
    const t = `${db}.w`;
    const ids = async () => (await spark.table(t).orderBy("id").collect()).map((r) => Number(r.id));
    await spark
      .range(3)
      .writeTo(t)
      .using("parquet")
      .tableProperty("kindling.purpose", "parity-test")
      .create();
    expect(await ids()).toEqual([0, 1, 2]);
    await expect(spark.range(1).writeTo(t).using("parquet").create()).rejects.toSatisfy(
      (e) => e instanceof SparkConnectError && e.errorClass === "TABLE_OR_VIEW_ALREADY_EXISTS",
    );
    // The session catalog's file-source tables are V1: Spark only appends/overwrites V2 tables
    // (Delta, Iceberg) through WriteOperationV2, and says so.
    const v1 = (e: unknown) => e instanceof SparkConnectError && /Cannot write into v1 table/.test(e.message);
    await expect(spark.range(3, 5).writeTo(t).append()).rejects.toSatisfy(v1);
    await expect(spark.range(3, 5).writeTo(t).overwritePartitions()).rejects.toSatisfy(v1);
    await expect(spark.range(3, 5).writeTo(t).overwrite(F.col("id").gt(1))).rejects.toSatisfy(v1);
    expect(await ids()).toEqual([0, 1, 2]);
    // Nor does the session catalog replace tables (REPLACE TABLE AS SELECT is a V2 capability).
    const unsupported = (e: unknown) =>
      e instanceof SparkConnectError && e.errorClass === "UNSUPPORTED_FEATURE.TABLE_OPERATION";
    await expect(spark.range(7, 9).writeTo(t).using("parquet").createOrReplace()).rejects.toSatisfy(
      unsupported,
    );
    await expect(spark.range(1).writeTo(t).using("parquet").replace()).rejects.toSatisfy(unsupported);
    expect(await ids()).toEqual([0, 1, 2]);
    const props = await (await spark.sql(`SHOW TBLPROPERTIES ${t}`)).collect();
    expect(props.find((p) => p.key === "kindling.purpose")?.value).toBe("parity-test");
  });

  it("writeTo: partitionedBy creates a partitioned table", async () => {
    const t = `${db}.p`;
    await nums.writeTo(t).using("parquet").partitionedBy("k").create();
    const cols = await spark.catalog.listColumns(t);
    expect(cols.filter((c) => c.isPartition).map((c) => c.name)).toEqual(["k"]);
    expect(canonical(await spark.table(t).collect())).toEqual(
      canonical(await nums.select("x", "y", "k").collect()),
    );
  });
});

describe("DataFrame methods", () => {
  it("unpivot/melt equal SQL UNPIVOT", async () => {
    const api = nums.unpivot(["k"], ["x", "y"], "name", "val");
    const sql = "SELECT * FROM parity_nums UNPIVOT (val FOR name IN (x, y))";
    expect(canonical(await api.collect())).toEqual(await sqlRows(sql));
    expect(canonical(await nums.melt(["k"], undefined, "name", "val").collect())).toEqual(await sqlRows(sql));
  });

  it("randomSplit gives disjoint splits covering every row, the same for the same seed", async () => {
    const df = spark.range(200);
    const [a, b] = df.randomSplit([1, 3], 42) as [DataFrame, DataFrame];
    const ia = (await a.collect()).map((r) => Number(r.id));
    const ib = (await b.collect()).map((r) => Number(r.id));
    expect(ia.length + ib.length).toBe(200);
    expect(new Set([...ia, ...ib]).size).toBe(200);
    const again = (await (df.randomSplit([1, 3], 42)[0] as DataFrame).collect()).map((r) => Number(r.id));
    expect(again).toEqual(ia);
  });

  it("tail, transform, toJSON, colRegex", async () => {
    expect((await spark.range(5).tail(2)).map((r) => Number(r.id))).toEqual([3, 4]);
    const double = (df: DataFrame, col: string) => df.select(F.col(col).multiply(2).alias(col));
    expect((await nums.transform(double, "x").collect()).map((r) => r.x)).toEqual([2, 4, 6, 8]);
    expect((await nums.limit(1).toJSON().collect()).map((r) => r.value)).toEqual(['{"k":"a","x":1,"y":2}']);
    expect(await nums.select(nums.colRegex("`[xy]`")).columns()).toEqual(["x", "y"]);
  });

  it("repartitionByRange puts lower keys in lower partitions", async () => {
    const rows = await spark
      .range(100)
      .repartitionByRange(2, "id")
      .select(F.sparkPartitionId().alias("p"), "id")
      .groupBy("p")
      .agg(F.min("id").alias("lo"), F.max("id").alias("hi"))
      .orderBy("p")
      .collect();
    expect(rows.length).toBe(2);
    expect(Number(rows[0]?.hi)).toBeLessThan(Number(rows[1]?.lo));
    expect(Number(rows[0]?.lo)).toBe(0);
    expect(Number(rows[1]?.hi)).toBe(99);
  });

  it("localCheckpoint returns the same rows from a truncated plan", async () => {
    const cp = await nums.filter(F.col("x").gt(1)).localCheckpoint();
    expect(cp.relation.relType.case).toBe("cachedRemoteRelation");
    expect(canonical(await cp.collect())).toEqual(await sqlRows("SELECT * FROM parity_nums WHERE x > 1"));
  });

  it("groupingSets equals SQL GROUPING SETS", async () => {
    const api = nums.groupingSets([["k"], []], "k").agg(F.sum("x").alias("s"));
    const sql = "SELECT k, sum(x) AS s FROM parity_nums GROUP BY k GROUPING SETS ((k), ())";
    expect(canonical(await api.collect())).toEqual(await sqlRows(sql));
    expect(await sqlRows(sql)).toEqual(
      canonical([
        { k: "a", s: 3n },
        { k: "b", s: 7n },
        { k: null, s: 10n },
      ]),
    );
  });

  it("withWatermark passes batch rows through; dropDuplicatesWithinWatermark is streaming-only", async () => {
    const events = spark.createDataFrame(
      [
        { id: 1, ts: "2024-01-01T00:00:00Z" },
        { id: 1, ts: "2024-01-01T00:00:00Z" },
        { id: 2, ts: "2024-01-01T00:01:00Z" },
      ],
      "id INT, ts TIMESTAMP",
    );
    const watermarked = events.withWatermark("ts", "10 minutes");
    expect((await watermarked.collect()).map((r) => r.id)).toEqual([1, 1, 2]);
    await expect(watermarked.dropDuplicatesWithinWatermark(["id"]).collect()).rejects.toSatisfy(
      (e) => e instanceof SparkConnectError && /not supported with batch DataFrames/.test(e.message),
    );
  });

  it("transpose turns rows into columns", async () => {
    const df = nums.filter(F.col("x").isin(1, 3)).select("k", "x", "y");
    const rows = await df.transpose().collect();
    expect(canonical(rows)).toEqual(
      canonical([
        { key: "x", a: 1, b: 3 },
        { key: "y", a: 2, b: 7 },
      ]),
    );
  });

  it("sameSemantics and semanticHash compare analysed plans", async () => {
    const a = nums.select("x");
    expect(await a.sameSemantics(nums.select("x"))).toBe(true);
    expect(await a.sameSemantics(nums.select("y"))).toBe(false);
    expect(await a.semanticHash()).toBe(await nums.select("x").semanticHash());
  });
});

describe("Column methods", () => {
  it("bitwiseAND/OR/XOR, withField, dropFields and astype equal SQL", async () => {
    const api = nums.select(
      F.col("x").bitwiseAND(F.col("y")).alias("a"),
      F.col("x").bitwiseOR(F.col("y")).alias("o"),
      F.col("x").bitwiseXOR(3).alias("xo"),
      F.struct("x", "y").withField("z", F.lit(1)).alias("w"),
      F.struct("x", "y").dropFields("y").alias("d"),
      F.col("x").astype("string").alias("s"),
    );
    const sql =
      "SELECT x & y AS a, x | y AS o, x ^ 3 AS xo, named_struct('x', x, 'y', y, 'z', 1) AS w, " +
      "named_struct('x', x) AS d, CAST(x AS STRING) AS s FROM parity_nums";
    expect(canonical(await api.collect())).toEqual(await sqlRows(sql));
    expect(canonical(await api.filter(F.col("x").eq(3)).collect())).toEqual(
      canonical([{ a: 3, o: 7, xo: 0, w: { x: 3, y: 7, z: 1 }, d: { x: 3 }, s: "3" }]),
    );
  });
});
