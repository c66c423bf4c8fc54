/** `df.lateralJoin` with `Column.outer()` references, against the shared server, exact rows. */
import { beforeAll, describe, expect, it } from "vitest";
import { type DataFrame, functions as F, SparkConnectError, type SparkSession } from "../src/index.js";
import { canonical, testSession } from "./support/session.js";

let spark: SparkSession;
let customers: DataFrame;
let orders: DataFrame;

beforeAll(async () => {
  spark = await testSession();
  customers = spark
    .createDataFrame(
      [
        { id: 1, name: "ann" },
        { id: 2, name: "bob" },
        { id: 3, name: "cid" },
      ],
      "id INT, name STRING",
    )
    .alias("c");
  orders = spark
    .createDataFrame(
      [
        { cust: 1, amount: 5 },
        { cust: 1, amount: 7 },
        { cust: 1, amount: 3 },
        { cust: 2, amount: 4 },
      ],
      "cust INT, amount INT",
    )
    .alias("o");
});

/** Each customer's two largest orders: a correlated, limited subquery per left row. */
const topTwo = () =>
  orders
    .where(F.col("o.cust").eq(F.col("c.id").outer()))
    .orderBy(F.desc("amount"))
    .limit(2)
    .select("amount");

describe("DataFrame.lateralJoin", () => {
  it("inner: the right side runs per left row and sees its columns through outer()", async () => {
    const rows = await customers.lateralJoin(topTwo()).select("id", "name", "amount").collect();
    expect(canonical(rows)).toEqual(['[1,"ann",5]', '[1,"ann",7]', '[2,"bob",4]']);
  });

  it("left: left rows without a right row are kept with nulls", async () => {
    const rows = await customers.lateralJoin(topTwo(), undefined, "left").select("id", "amount").collect();
    expect(canonical(rows)).toEqual(["[1,5]", "[1,7]", "[2,4]", "[3,null]"]);
  });

  it("a projection of outer columns, with a join condition", async () => {
    const tens = spark.range(1).select(F.col("c.id").outer().multiply(10).alias("tens"));
    const rows = await customers
      .lateralJoin(tens, F.col("tens").gt(10), "left_outer")
      .select("name", "tens")
      .collect();
    expect(canonical(rows)).toEqual(['["ann",null]', '["bob",20]', '["cid",30]']);
  });

  it("rejects join types Spark has no lateral form of", () => {
    expect(() => customers.lateralJoin(orders, undefined, "full_outer")).toThrow(SparkConnectError);
    expect(() => customers.lateralJoin(orders, undefined, "semi")).toThrow(/inner, left .* or cross/);
  });
});
