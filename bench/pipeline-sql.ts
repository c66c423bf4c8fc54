/**
 * The example pipeline written by hand as Spark SQL, run through the same client: the baseline
 * Kindling's pipeline runner is measured against. Same inputs, same cleaning contract, same
 * outputs (cleaned orders partitioned by day, daily revenue, quarantine); none of Kindling's
 * bookkeeping (no observed metrics, no staging, no reconciliation).
 */
import type { SparkSession } from "@kindling/spark-connect";

export async function handWrittenSql(spark: SparkSession, dataDir: string, outDir: string): Promise<void> {
  const sql = (q: string) => spark.sql(q);
  await sql(`CREATE OR REPLACE TEMPORARY VIEW raw_orders (order_id STRING, customer_id STRING, product_id STRING,
    order_ts STRING, quantity STRING, unit_price STRING, status STRING, country STRING, channel STRING, _corrupt STRING)
    USING csv OPTIONS (path '${dataDir}/raw/orders/*.csv', header 'true', multiLine 'true', quote '"', escape '"',
    mode 'PERMISSIVE', columnNameOfCorruptRecord '_corrupt', enforceSchema 'false')`);
  await sql(`CREATE OR REPLACE TEMPORARY VIEW raw_customers (customer_id STRING, name STRING, email STRING, segment STRING,
    country STRING, signup_date DATE) USING json OPTIONS (path '${dataDir}/raw/customers.jsonl')`);
  await sql(`CREATE OR REPLACE TEMPORARY VIEW raw_products (product_id STRING, name STRING, category STRING, list_price DECIMAL(10,2))
    USING csv OPTIONS (path '${dataDir}/raw/products.csv', header 'true')`);
  await sql(`CREATE OR REPLACE TEMPORARY VIEW tagged AS
    SELECT *, CASE
      WHEN _corrupt IS NOT NULL THEN 'malformed'
      WHEN o_id IS NULL OR c_id IS NULL THEN 'missing_required'
      WHEN quantity IS NULL OR NOT quantity RLIKE '^(?:[0-9]+)$' OR NOT coalesce(try_cast(quantity AS DECIMAL(38,10)) BETWEEN 1 AND 1000, false) THEN 'bad_quantity'
      WHEN unit_price IS NULL OR NOT unit_price RLIKE '^(?:-?[0-9]+(\\\\.[0-9]{1,2})?)$' OR NOT coalesce(try_cast(unit_price AS DECIMAL(38,10)) >= 0, false) THEN 'bad_price'
      WHEN try_to_timestamp(order_ts, 'yyyy-MM-dd HH:mm:ss') IS NULL THEN 'bad_timestamp'
      WHEN st IS NULL OR st NOT IN ('placed','shipped','delivered','cancelled','returned') THEN 'invalid_status'
    END AS reason
    FROM (SELECT *, CASE WHEN order_id = '' THEN NULL ELSE order_id END AS o_id,
                    CASE WHEN customer_id = '' THEN NULL ELSE customer_id END AS c_id,
                    lower(trim(status)) AS st, upper(trim(country)) AS ctry, lower(trim(channel)) AS ch,
                    input_file_name() AS f, monotonically_increasing_id() AS seq
          FROM raw_orders)`);
  await sql(`CREATE OR REPLACE TEMPORARY VIEW customers AS
    SELECT customer_id, segment, upper(trim(country)) AS country FROM (
      SELECT *, row_number() OVER (PARTITION BY customer_id ORDER BY signup_date DESC) rn FROM raw_customers WHERE customer_id IS NOT NULL)
    WHERE rn = 1`);
  await sql(`CREATE OR REPLACE TEMPORARY VIEW enriched AS
    SELECT o.*, c.segment AS customer_segment, c.country AS customer_country, p.name AS product_name, p.category AS product_category,
           o.quantity * o.unit_price AS revenue, to_date(o.order_ts) AS order_date,
           year(o.order_ts) AS order_year, month(o.order_ts) AS order_month, dayofmonth(o.order_ts) AS order_day,
           dayofweek(o.order_ts) AS order_dayofweek, hour(o.order_ts) AS order_hour
    FROM (SELECT o_id AS order_id, c_id AS customer_id, product_id, try_to_timestamp(order_ts, 'yyyy-MM-dd HH:mm:ss') AS order_ts,
                 CAST(quantity AS INT) AS quantity, CAST(unit_price AS DECIMAL(10,2)) AS unit_price, st AS status, ctry AS country, ch AS channel
          FROM (SELECT *, row_number() OVER (PARTITION BY o_id ORDER BY try_to_timestamp(order_ts, 'yyyy-MM-dd HH:mm:ss') DESC, f DESC, seq DESC) rn
                FROM tagged WHERE reason IS NULL) WHERE rn = 1) o
    LEFT JOIN customers c USING (customer_id)
    LEFT JOIN raw_products p USING (product_id)`);
  await sql("CACHE TABLE enriched");
  const enriched = spark.table("enriched");
  await enriched
    .repartition("order_date")
    .write.mode("overwrite")
    .partitionBy("order_date")
    .parquet(`${outDir}/orders_clean`);
  await (
    await sql(`SELECT order_date, country, product_category AS category, sum(revenue) AS revenue, count(*) AS orders,
      sum(quantity) AS units, count(DISTINCT customer_id) AS customers,
      sum(sum(revenue)) OVER (PARTITION BY country, product_category ORDER BY order_date ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS revenue_to_date
      FROM enriched GROUP BY order_date, country, product_category`)
  ).write
    .mode("overwrite")
    .option("compression", "zstd")
    .parquet(`${outDir}/daily_revenue`);
  await (
    await sql(`SELECT 'orders' AS source, reason AS rule, coalesce(_corrupt, to_json(struct(order_id, customer_id, product_id, order_ts,
      quantity, unit_price, status, country, channel))) AS record, f AS file FROM tagged WHERE reason IS NOT NULL`)
  ).write
    .mode("overwrite")
    .parquet(`${outDir}/quarantine`);
  await sql("UNCACHE TABLE enriched");
}
