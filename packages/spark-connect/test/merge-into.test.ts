/**
 * `df.mergeInto(...)` against a real Delta table: the shared test server has no Delta, so this
 * file starts (and stops) its own Delta-enabled server with the pinned `delta` add-on.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  functions as F,
  type LocalServer,
  SparkConnectError,
  SparkSession,
  startLocalServer,
} from "../src/index.js";
import { canonical } from "./support/session.js";
import { scaled } from "./support/timeouts.js";

let server: LocalServer;
let spark: SparkSession;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "kindling-merge-"));
  server = await startLocalServer({
    master: "local[2]",
    driverMemory: "1g",
    addOns: ["delta"],
    conf: {
      "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
      "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
      "spark.sql.shuffle.partitions": "2",
      "spark.databricks.delta.snapshotPartitions": "2",
      "spark.sql.warehouse.dir": join(dir, "warehouse"),
    },
    onProgress: (l) => process.stderr.write(`${l}\n`),
    startTimeoutMs: scaled(300_000),
  });
  spark = await SparkSession.builder().remote(server.url).getOrCreate();
}, scaled(400_000));
afterAll(async () => {
  await spark?.stop();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function freshTarget(name: string): Promise<void> {
  await spark.sql(`DROP TABLE IF EXISTS ${name}`);
  await spark.sql(
    `CREATE TABLE ${name} (id INT, name STRING, qty INT) USING delta LOCATION '${join(dir, name)}'`,
  );
  await spark.sql(
    `INSERT INTO ${name} VALUES (1, 'ann', 10), (2, 'bob', 20), (3, 'cid', 30), (4, 'dan', 40)`,
  );
}

const rowsOf = async (table: string) => canonical(await spark.table(table).orderBy("id").collect(), true);

describe("DataFrame.mergeInto (Delta)", () => {
  it("applies matched update/delete, not-matched insert and not-matched-by-source clauses in one MERGE", async () => {
    await freshTarget("target");
    const source = spark
      .createDataFrame(
        [
          { id: 1, name: "ann", qty: 11 }, // matched: updated
          { id: 2, name: "bob", qty: 0 }, // matched with qty 0: deleted
          { id: 5, name: "eve", qty: 50 }, // not matched: inserted
          { id: 6, name: "fay", qty: -1 }, // not matched, filtered out by the insert's condition
        ],
        "id INT, name STRING, qty INT",
      )
      .alias("s");
    await source
      .mergeInto("target", F.col("target.id").eq(F.col("s.id")))
      .whenMatched(F.col("s.qty").eq(0))
      .delete()
      .whenMatched()
      .update({ qty: F.col("s.qty").plus(F.col("target.qty")) })
      .whenNotMatched(F.col("s.qty").geq(0))
      .insertAll()
      .whenNotMatchedBySource(F.col("target.id").eq(4))
      .delete()
      .whenNotMatchedBySource()
      .update({ name: "stale" })
      .merge();
    // 1: 11 + 10; 2 deleted; 3 not in the source → renamed; 4 not in the source → deleted; 5 inserted; 6 skipped.
    expect(await rowsOf("target")).toEqual(['[1,"ann",21]', '[3,"stale",30]', '[5,"eve",50]']);
    const history = await spark.sql("DESCRIBE HISTORY target");
    const last = await history.orderBy(F.desc("version")).select("operation").first();
    expect(last).toEqual({ operation: "MERGE" });
  });

  it("updateAll and insert with explicit columns; withSchemaEvolution adds the source's new column", async () => {
    await freshTarget("evolving");
    const source = spark
      .createDataFrame(
        [
          { id: 3, name: "CID", qty: 33, note: "fixed" },
          { id: 7, name: "gus", qty: 70, note: "new" },
        ],
        "id INT, name STRING, qty INT, note STRING",
      )
      .alias("s");
    await source
      .mergeInto("evolving", F.col("evolving.id").eq(F.col("s.id")))
      .withSchemaEvolution()
      .whenMatched()
      .updateAll()
      .whenNotMatched()
      .insert({ id: F.col("s.id"), name: F.upper(F.col("s.name")), qty: 0 })
      .merge();
    expect(await spark.table("evolving").columns()).toEqual(["id", "name", "qty", "note"]);
    expect(await rowsOf("evolving")).toEqual([
      '[1,"ann",10,null]',
      '[2,"bob",20,null]',
      '[3,"CID",33,"fixed"]',
      '[4,"dan",40,null]',
      '[7,"GUS",0,null]',
    ]);
  });

  it("rejects a MERGE without clauses, and an empty update, before anything is sent", () => {
    const source = spark.createDataFrame([{ id: 1 }], "id INT");
    const writer = source.mergeInto("target", F.lit(true));
    expect(() => writer.merge()).toThrow(/no clause given/);
    expect(() => writer.whenMatched().update({})).toThrow(SparkConnectError);
  });

  it("fails with Spark's error when the target's format has no MERGE (a parquet table)", async () => {
    await spark.sql("DROP TABLE IF EXISTS plain");
    await spark.sql(`CREATE TABLE plain (id INT) USING parquet LOCATION '${join(dir, "plain")}'`);
    const source = spark.createDataFrame([{ id: 1 }], "id INT").alias("s");
    const error = await source
      .mergeInto("plain", F.col("plain.id").eq(F.col("s.id")))
      .whenNotMatched()
      .insertAll()
      .merge()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SparkConnectError);
    expect((error as SparkConnectError).errorClass).toBe("UNSUPPORTED_FEATURE.TABLE_OPERATION");
    expect((error as SparkConnectError).message).toContain("does not support MERGE INTO TABLE");
  });
});
