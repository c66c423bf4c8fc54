/**
 * The conformance matrix: each DataFrame operation or function family, and the same computation
 * written as Spark SQL text, run through the same server; the results must be identical.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type Column, type DataFrame, functions as F, type SparkSession, Window } from "../src/index.js";
import { canonical, testSession } from "./support/session.js";

let spark: SparkSession;
let people: DataFrame;
let orders: DataFrame;

beforeAll(async () => {
  spark = await testSession();
  people = spark.createDataFrame(
    [
      { id: 1, name: "Ann", age: 34, city: "Paris", salary: "5200.50", joined: "2021-03-01" },
      { id: 2, name: "bob", age: 28, city: "Berlin", salary: "4100.00", joined: "2022-07-15" },
      { id: 3, name: " Cléo ", age: null, city: "Paris", salary: "6100.25", joined: "2020-01-31" },
      { id: 4, name: "Dan", age: 45, city: null, salary: null, joined: "2019-11-11" },
      { id: 5, name: "Eve", age: 28, city: "Rome", salary: "3900.75", joined: "2023-05-20" },
      { id: 6, name: "Eve", age: 28, city: "Rome", salary: "3900.75", joined: "2023-05-20" },
    ],
    "id INT, name STRING, age INT, city STRING, salary DECIMAL(10,2), joined DATE",
  );
  orders = spark.createDataFrame(
    [
      { oid: 10, pid: 1, amount: 12.5, ts: "2024-01-01T10:00:00Z" },
      { oid: 11, pid: 1, amount: 7.25, ts: "2024-01-02T11:30:00Z" },
      { oid: 12, pid: 2, amount: 100, ts: "2024-01-02T12:00:00Z" },
      { oid: 13, pid: 5, amount: 3, ts: "2024-02-10T08:15:00Z" },
      { oid: 14, pid: 9, amount: 1, ts: "2024-03-01T00:00:00Z" },
    ],
    "oid INT, pid INT, amount DOUBLE, ts TIMESTAMP",
  );
  await people.createOrReplaceTempView("people");
  await orders.createOrReplaceTempView("orders");
});

type Case = [name: string, df: () => DataFrame, sql: string, ordered?: boolean];

const cases: Case[] = [
  // projection and filtering
  ["select", () => people.select("id", "name"), "SELECT id, name FROM people"],
  [
    "selectExpr",
    () => people.selectExpr("id * 2 AS d", "upper(name) AS n"),
    "SELECT id * 2 AS d, upper(name) AS n FROM people",
  ],
  ["filter column", () => people.filter(F.col("age").gt(30)), "SELECT * FROM people WHERE age > 30"],
  [
    "where sql text",
    () => people.where("city = 'Paris' AND age IS NOT NULL"),
    "SELECT * FROM people WHERE city = 'Paris' AND age IS NOT NULL",
  ],
  [
    "withColumn",
    () => people.withColumn("age2", F.col("age").plus(1)).select("id", "age2"),
    "SELECT id, age + 1 AS age2 FROM people",
  ],
  [
    "withColumns",
    () => people.withColumns({ a: F.lit(1), b: F.col("id").multiply(10) }).select("id", "a", "b"),
    "SELECT id, 1 AS a, id * 10 AS b FROM people",
  ],
  [
    "withColumnRenamed",
    () => people.withColumnRenamed("name", "who").select("who"),
    "SELECT name AS who FROM people",
  ],
  ["drop", () => people.drop("salary", "joined", "city"), "SELECT id, name, age FROM people"],
  ["distinct", () => people.select("name", "age").distinct(), "SELECT DISTINCT name, age FROM people"],
  [
    "dropDuplicates subset",
    () => people.dropDuplicates(["name", "age", "city", "salary", "joined"]).select("name"),
    "SELECT DISTINCT name FROM people",
  ],
  // missing values
  [
    "na.fill",
    () => people.na.fill(0, ["age"]).select("id", "age"),
    "SELECT id, coalesce(age, 0) AS age FROM people",
  ],
  [
    "na.fill map",
    () => people.na.fill({ city: "?" }).select("id", "city"),
    "SELECT id, coalesce(city, '?') AS city FROM people",
  ],
  [
    "na.drop",
    () => people.na.drop().select("id"),
    "SELECT id FROM people WHERE age IS NOT NULL AND city IS NOT NULL AND salary IS NOT NULL",
  ],
  [
    "na.drop all subset",
    () => people.na.drop({ how: "all", subset: ["age", "city"] }).select("id"),
    "SELECT id FROM people WHERE age IS NOT NULL OR city IS NOT NULL",
  ],
  [
    "na.replace",
    () => people.na.replace({ Paris: "PARIS" }, ["city"]).select("id", "city"),
    "SELECT id, CASE WHEN city = 'Paris' THEN 'PARIS' ELSE city END AS city FROM people",
  ],
  // joins
  [
    "join inner using",
    () => people.join(orders.withColumnRenamed("pid", "id"), "id").select("id", "oid"),
    "SELECT p.id, o.oid FROM people p JOIN orders o ON p.id = o.pid",
  ],
  [
    "join left condition",
    () =>
      people
        .join(orders, people.col("id").eqNullSafe(orders.col("pid")), "left")
        .select(people.col("id"), orders.col("oid")),
    "SELECT p.id, o.oid FROM people p LEFT JOIN orders o ON p.id <=> o.pid",
  ],
  [
    "join right",
    () =>
      people
        .join(orders, people.col("id").equalTo(orders.col("pid")), "right")
        .select(orders.col("oid"), people.col("name")),
    "SELECT o.oid, p.name FROM people p RIGHT JOIN orders o ON p.id = o.pid",
  ],
  [
    "join full",
    () =>
      people
        .join(orders, people.col("id").equalTo(orders.col("pid")), "full")
        .select(people.col("id"), orders.col("oid")),
    "SELECT p.id, o.oid FROM people p FULL JOIN orders o ON p.id = o.pid",
  ],
  [
    "join semi",
    () => people.join(orders, people.col("id").equalTo(orders.col("pid")), "left_semi").select("id"),
    "SELECT id FROM people p LEFT SEMI JOIN orders o ON p.id = o.pid",
  ],
  [
    "join anti",
    () => people.join(orders, people.col("id").equalTo(orders.col("pid")), "left_anti").select("id"),
    "SELECT id FROM people p LEFT ANTI JOIN orders o ON p.id = o.pid",
  ],
  [
    "crossJoin",
    () => people.select("id").crossJoin(orders.select("oid")),
    "SELECT p.id, o.oid FROM people p CROSS JOIN orders o",
  ],
  // grouping
  [
    "groupBy agg",
    () =>
      people
        .groupBy("city")
        .agg(
          F.count("*").alias("n"),
          F.sum("salary").alias("s"),
          F.avg("age").alias("a"),
          F.max("name").alias("m"),
        ),
    "SELECT city, count(*) AS n, sum(salary) AS s, avg(age) AS a, max(name) AS m FROM people GROUP BY city",
  ],
  [
    "groupBy count",
    () => people.groupBy("age").count(),
    "SELECT age, count(*) AS count FROM people GROUP BY age",
  ],
  [
    "rollup",
    () => people.rollup("city", "age").agg(F.count("*").alias("n")),
    "SELECT city, age, count(*) AS n FROM people GROUP BY ROLLUP(city, age)",
  ],
  [
    "cube",
    () => people.cube("city", "age").agg(F.count("*").alias("n")),
    "SELECT city, age, count(*) AS n FROM people GROUP BY CUBE(city, age)",
  ],
  [
    "pivot",
    () => people.groupBy("age").pivot("city", ["Paris", "Rome"]).agg(F.count("id")),
    "SELECT * FROM (SELECT age, city, id FROM people) PIVOT (count(id) FOR city IN ('Paris' AS Paris, 'Rome' AS Rome))",
  ],
  [
    "agg whole",
    () => people.agg(F.min("age").alias("lo"), F.max("age").alias("hi")),
    "SELECT min(age) AS lo, max(age) AS hi FROM people",
  ],
  // ordering and slicing
  [
    "orderBy desc nulls",
    () => people.orderBy(F.col("age").descNullsFirst(), F.col("id").asc()).select("id"),
    "SELECT id FROM people ORDER BY age DESC NULLS FIRST, id ASC",
    true,
  ],
  [
    "sort asc nulls last",
    () => people.sort(F.col("city").ascNullsLast(), "id").select("id"),
    "SELECT id FROM people ORDER BY city ASC NULLS LAST, id",
    true,
  ],
  [
    "limit",
    () => people.orderBy("id").limit(2).select("id"),
    "SELECT id FROM people ORDER BY id LIMIT 2",
    true,
  ],
  [
    "offset",
    () => people.orderBy("id").offset(4).select("id"),
    "SELECT id FROM people ORDER BY id OFFSET 4",
    true,
  ],
  // set operations
  [
    "union",
    () => people.select("id").union(orders.select("pid")),
    "SELECT id FROM people UNION ALL SELECT pid FROM orders",
  ],
  [
    "unionByName",
    () => people.select("id", "name").unionByName(people.select("name", "id")),
    "SELECT id, name FROM people UNION ALL SELECT id, name FROM people",
  ],
  [
    "unionByName missing",
    () => people.select("id").unionByName(orders.select("oid"), true),
    "SELECT id, NULL AS oid FROM people UNION ALL SELECT NULL AS id, oid FROM orders",
  ],
  [
    "intersect",
    () => people.select("id").intersect(orders.select("pid")),
    "SELECT id FROM people INTERSECT SELECT pid FROM orders",
  ],
  [
    "except",
    () => people.select("id").except(orders.select("pid")),
    "SELECT id FROM people EXCEPT SELECT pid FROM orders",
  ],
  [
    "exceptAll",
    () => people.select("name").exceptAll(people.select("name").limit(0)),
    "SELECT name FROM people EXCEPT ALL SELECT name FROM people WHERE false",
  ],
  // partitioning, alias, hint (results unchanged)
  ["repartition", () => people.repartition(3, "city").select("id"), "SELECT id FROM people"],
  ["coalesce", () => people.coalesce(1).select("id"), "SELECT id FROM people"],
  ["alias", () => people.alias("p").select("p.id"), "SELECT p.id FROM people p"],
  [
    "hint broadcast",
    () => people.join(orders.hint("broadcast"), people.col("id").equalTo(orders.col("pid"))).select("oid"),
    "SELECT /*+ BROADCAST(o) */ o.oid FROM people p JOIN orders o ON p.id = o.pid",
  ],
  ["sample 1.0", () => people.sample(1.0, { seed: 7 }).select("id"), "SELECT id FROM people"],
  // column operators
  [
    "arithmetic",
    () =>
      people.select(
        F.col("id").plus(1),
        F.col("id").minus(1),
        F.col("id").multiply(3),
        F.col("id").divide(2),
        F.col("id").mod(4),
        F.col("id").negate(),
      ),
    "SELECT id + 1, id - 1, id * 3, id / 2, id % 4, -id FROM people",
  ],
  [
    "comparison and logic",
    () =>
      people.select(
        F.col("age").geq(28).and(F.col("age").leq(34)).alias("a"),
        F.col("age").lt(30).or(F.col("city").notEqual("Rome")).alias("b"),
        F.col("age").equalTo(28).not().alias("c"),
      ),
    "SELECT age >= 28 AND age <= 34 AS a, age < 30 OR city != 'Rome' AS b, NOT (age = 28) AS c FROM people",
  ],
  [
    "predicates",
    () =>
      people.select(
        F.col("age").isNull().alias("a"),
        F.col("city").isNotNull().alias("b"),
        F.col("city").isin("Paris", "Rome").alias("c"),
        F.col("age").between(25, 30).alias("d"),
        F.col("name").like("E%").alias("e"),
        F.col("name").rlike("^[a-z]").alias("f"),
      ),
    "SELECT age IS NULL AS a, city IS NOT NULL AS b, city IN ('Paris','Rome') AS c, age BETWEEN 25 AND 30 AS d, name LIKE 'E%' AS e, name RLIKE '^[a-z]' AS f FROM people",
  ],
  [
    "cast",
    () => people.select(F.col("age").cast("string").alias("s"), F.col("salary").cast("double").alias("d")),
    "SELECT CAST(age AS STRING) AS s, CAST(salary AS DOUBLE) AS d FROM people",
  ],
  [
    "tryCast",
    () => people.select(F.col("name").tryCast("int").alias("n")),
    "SELECT try_cast(name AS INT) AS n FROM people",
  ],
  [
    "when otherwise",
    () =>
      people.select(
        F.when(F.col("age").lt(30), "young")
          .when(F.col("age").lt(40), "mid")
          .otherwise("senior")
          .alias("band"),
      ),
    "SELECT CASE WHEN age < 30 THEN 'young' WHEN age < 40 THEN 'mid' ELSE 'senior' END AS band FROM people",
  ],
  // function families
  [
    "string functions",
    () =>
      people.select(
        F.upper("name"),
        F.lower("name"),
        F.initcap("name"),
        F.trim("name"),
        F.length("name"),
        F.concatWs("-", "name", "city"),
        F.substring("name", 1, 2),
        F.regexpReplace("name", "[aeiou]", "_"),
        F.lpad("name", 6, "*"),
        F.split("name", "e"),
      ),
    "SELECT upper(name), lower(name), initcap(name), trim(name), length(name), concat_ws('-', name, city), substring(name, 1, 2), regexp_replace(name, '[aeiou]', '_'), lpad(name, 6, '*'), split(name, 'e', -1) FROM people",
  ],
  [
    "date functions",
    () =>
      people.select(
        F.year("joined"),
        F.month("joined"),
        F.dayofmonth("joined"),
        F.dayofweek("joined"),
        F.dateAdd("joined", 10),
        F.datediff(F.lit("2024-01-01").cast("date"), F.col("joined")),
        F.dateFormat("joined", "yyyy/MM"),
        F.lastDay("joined"),
        F.truncDate("joined", "month"),
      ),
    "SELECT year(joined), month(joined), dayofmonth(joined), dayofweek(joined), date_add(joined, 10), datediff(DATE'2024-01-01', joined), date_format(joined, 'yyyy/MM'), last_day(joined), trunc(joined, 'month') FROM people",
  ],
  [
    "timestamp functions",
    () =>
      orders.select(
        F.hour("ts"),
        F.minute("ts"),
        F.toDate("ts"),
        F.dateTrunc("hour", "ts"),
        F.unixTimestamp("ts"),
      ),
    "SELECT hour(ts), minute(ts), to_date(ts), date_trunc('hour', ts), unix_timestamp(ts, 'yyyy-MM-dd HH:mm:ss') FROM orders",
  ],
  [
    "math functions",
    () =>
      orders.select(
        F.abs(F.col("amount").negate()),
        F.sqrt("amount"),
        F.round("amount", 1),
        F.floor("amount"),
        F.ceil("amount"),
        F.pow("amount", 2),
        F.log10("amount"),
        F.pmod("oid", 3),
        F.greatest("oid", "pid"),
      ),
    "SELECT abs(-amount), sqrt(amount), round(amount, 1), floor(amount), ceil(amount), power(amount, 2), log10(amount), pmod(oid, 3), greatest(oid, pid) FROM orders",
  ],
  [
    "conditional functions",
    () =>
      people.select(F.coalesce("city", "name"), F.nullif("age", F.lit(28)), F.ifnull("city", F.lit("none"))),
    "SELECT coalesce(city, name), nullif(age, 28), ifnull(city, 'none') FROM people",
  ],
  [
    "aggregate functions",
    () =>
      people.agg(
        F.countDistinct("name").alias("a"),
        F.approxCountDistinct("name").alias("b"),
        F.stddev("age").alias("c"),
        F.percentileApprox("age", 0.5).alias("d"),
        F.first("name", true).alias("e"),
        F.sortArray(F.collectSet("city")).alias("f"),
        F.size(F.collectList("city")).alias("g"),
        F.sumDistinct("age").alias("h"),
      ),
    "SELECT count(DISTINCT name) AS a, approx_count_distinct(name) AS b, stddev(age) AS c, percentile_approx(age, 0.5, 10000) AS d, first(name, true) AS e, sort_array(collect_set(city)) AS f, size(collect_list(city)) AS g, sum(DISTINCT age) AS h FROM (SELECT * FROM people ORDER BY id)",
  ],
  [
    "window ranking",
    () =>
      people.select(
        "id",
        F.rowNumber().over(Window.partitionBy("city").orderBy("id")).alias("rn"),
        F.rank()
          .over(Window.orderBy(F.col("age").desc()))
          .alias("r"),
        F.denseRank().over(Window.orderBy("age")).alias("dr"),
      ),
    "SELECT id, row_number() OVER (PARTITION BY city ORDER BY id) AS rn, rank() OVER (ORDER BY age DESC) AS r, dense_rank() OVER (ORDER BY age) AS dr FROM people",
  ],
  [
    "window frames",
    () =>
      orders.select(
        "oid",
        F.sum("amount")
          .over(Window.orderBy("oid").rowsBetween(Window.unboundedPreceding, Window.currentRow))
          .alias("run"),
        F.avg("amount").over(Window.orderBy("oid").rowsBetween(-1, 1)).alias("mov"),
        F.count("oid").over(Window.orderBy("oid").rangeBetween(-1, 0)).alias("rng"),
        F.lag("amount", 1).over(Window.orderBy("oid")).alias("prev"),
        F.lead("amount", 1, 0).over(Window.orderBy("oid")).alias("next"),
      ),
    "SELECT oid, sum(amount) OVER (ORDER BY oid ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS run, avg(amount) OVER (ORDER BY oid ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS mov, count(oid) OVER (ORDER BY oid RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) AS rng, lag(amount, 1) OVER (ORDER BY oid) AS prev, lead(amount, 1, 0) OVER (ORDER BY oid) AS next FROM orders",
  ],
  [
    "expr",
    () => people.select(F.expr("id * 100 + coalesce(age, 0) AS z")),
    "SELECT id * 100 + coalesce(age, 0) AS z FROM people",
  ],
  [
    "callFunction",
    () => people.select(F.callFunction("reverse", F.col("name")).alias("r")),
    "SELECT reverse(name) AS r FROM people",
  ],
  [
    "literals",
    () =>
      spark
        .range(1)
        .select(
          F.lit(9007199254740993n).alias("b"),
          F.decimalLit("12345678901234567890.123").alias("d"),
          F.lit(null).alias("n"),
          F.lit([1, 2, 3]).alias("a"),
          F.lit(new Map([["k", 1]])).alias("m"),
          F.lit({ x: 1, y: "s" }).alias("s"),
          F.lit(new Date("2024-01-02T03:04:05.678Z")).alias("t"),
          F.lit(true).alias("t2"),
          F.lit(2.5).alias("f"),
        ),
    "SELECT 9007199254740993L AS b, 12345678901234567890.123BD AS d, NULL AS n, array(1,2,3) AS a, map('k', 1) AS m, named_struct('x', 1, 'y', 's') AS s, TIMESTAMP'2024-01-02 03:04:05.678Z' AS t, true AS t2, 2.5D AS f",
  ],
  [
    "nested access",
    () =>
      spark.range(1).select(
        F.lit({ a: [10, 20] })
          .getField("a")
          .getItem(1)
          .alias("v"),
      ),
    "SELECT named_struct('a', array(10, 20)).a[1] AS v",
  ],
  [
    "transform lambda",
    () => spark.range(1).select(F.transform(F.lit([1, 2]), (x: Column) => x.multiply(10)).alias("t")),
    "SELECT transform(array(1, 2), x -> x * 10) AS t",
  ],
];

describe("DataFrame API matches Spark SQL", () => {
  it.each(cases)("%s", async (_name, build, sql, ordered) => {
    const [viaApi, viaSql] = await Promise.all([build().collect(), spark.sql(sql).then((d) => d.collect())]);
    expect(viaApi.length).toBeGreaterThan(0);
    expect(canonical(viaApi, ordered)).toEqual(canonical(viaSql, ordered));
  });

  it("describe and summary give the statistics SQL computes", async () => {
    const d = await people.describe("age").collect();
    const byStat = Object.fromEntries(d.map((r) => [r.summary, r.age]));
    const [sqlRow] = await (
      await spark.sql("SELECT count(age) c, min(age) lo, max(age) hi FROM people")
    ).collect();
    expect(byStat.count).toBe(String(sqlRow!.c));
    expect(byStat.min).toBe(String(sqlRow!.lo));
    expect(byStat.max).toBe(String(sqlRow!.hi));
    const s = await people.select("age").summary("count", "50%").collect();
    expect(s.map((r) => r.summary)).toEqual(["count", "50%"]);
  });
});
