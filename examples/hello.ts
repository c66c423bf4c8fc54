import { functions as F, SparkSession } from "@kindling/spark-connect";

const spark = await SparkSession.builder().remote("local[*]").getOrCreate(); // provisions + starts Spark
const sales = spark.read
  .schema("city STRING, amount DECIMAL(10,2)")
  .option("header", true)
  .csv("examples/sales.csv");
const totals = await sales
  .groupBy("city")
  .agg(F.sum("amount").alias("total"), F.count("*").alias("orders"))
  .orderBy(F.desc("total"))
  .collect();
console.table(totals); // Paris 15.00 (2), Rome 7.25 (1), Berlin 4.75 (2): exact decimals, bigint counts
await spark.stop();
