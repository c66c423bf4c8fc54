"""The example pipeline (pipelines/example.yaml) written by hand with PySpark's DataFrame API.

The same job as bench/pipeline-sql.ts, on the same inputs with the same cleaning contract and the
same three outputs (cleaned orders partitioned by day, daily revenue, quarantine), and none of
Kindling's bookkeeping: the baseline Kindling's pipeline runner is measured against.
"""

from pyspark.sql import Window
from pyspark.sql import functions as F

ORDERS_SCHEMA = (
    "order_id STRING, customer_id STRING, product_id STRING, order_ts STRING, quantity STRING, "
    "unit_price STRING, status STRING, country STRING, channel STRING, _corrupt STRING"
)
CUSTOMERS_SCHEMA = "customer_id STRING, name STRING, email STRING, segment STRING, country STRING, signup_date DATE"
PRODUCTS_SCHEMA = "product_id STRING, name STRING, category STRING, list_price DECIMAL(10,2)"
STATUSES = ["placed", "shipped", "delivered", "cancelled", "returned"]


def run(spark, data_dir: str, out_dir: str) -> None:
    raw = (
        spark.read.schema(ORDERS_SCHEMA)
        .options(
            header="true",
            multiLine="true",
            quote='"',
            escape='"',
            mode="PERMISSIVE",
            columnNameOfCorruptRecord="_corrupt",
            enforceSchema="false",
        )
        .csv(f"{data_dir}/raw/orders/*.csv")
    )
    customers_raw = spark.read.schema(CUSTOMERS_SCHEMA).json(f"{data_dir}/raw/customers.jsonl")
    products = spark.read.schema(PRODUCTS_SCHEMA).option("header", "true").csv(f"{data_dir}/raw/products.csv")

    def blank_to_null(c):
        return F.when(F.col(c) == "", None).otherwise(F.col(c))

    ts = F.try_to_timestamp(F.col("order_ts"), F.lit("yyyy-MM-dd HH:mm:ss"))
    prepared = raw.select(
        "*",
        blank_to_null("order_id").alias("o_id"),
        blank_to_null("customer_id").alias("c_id"),
        F.lower(F.trim("status")).alias("st"),
        F.upper(F.trim("country")).alias("ctry"),
        F.lower(F.trim("channel")).alias("ch"),
        F.input_file_name().alias("f"),
        F.monotonically_increasing_id().alias("seq"),
    )
    qty_num = F.expr("try_cast(quantity AS DECIMAL(38,10))")
    price_num = F.expr("try_cast(unit_price AS DECIMAL(38,10))")
    reason = (
        F.when(F.col("_corrupt").isNotNull(), "malformed")
        .when(F.col("o_id").isNull() | F.col("c_id").isNull(), "missing_required")
        .when(
            F.col("quantity").isNull()
            | ~F.col("quantity").rlike("^(?:[0-9]+)$")
            | ~F.coalesce(qty_num.between(1, 1000), F.lit(False)),
            "bad_quantity",
        )
        .when(
            F.col("unit_price").isNull()
            | ~F.col("unit_price").rlike(r"^(?:-?[0-9]+(\.[0-9]{1,2})?)$")
            | ~F.coalesce(price_num >= 0, F.lit(False)),
            "bad_price",
        )
        .when(ts.isNull(), "bad_timestamp")
        .when(F.col("st").isNull() | ~F.col("st").isin(*STATUSES), "invalid_status")
    )
    tagged = prepared.withColumn("reason", reason)

    latest = Window.partitionBy("customer_id").orderBy(F.col("signup_date").desc())
    customers = (
        customers_raw.where(F.col("customer_id").isNotNull())
        .withColumn("rn", F.row_number().over(latest))
        .where("rn = 1")
        .select("customer_id", "segment", F.upper(F.trim("country")).alias("country"))
    )

    newest = Window.partitionBy("o_id").orderBy(ts.desc(), F.col("f").desc(), F.col("seq").desc())
    orders = (
        tagged.where(F.col("reason").isNull())
        .withColumn("rn", F.row_number().over(newest))
        .where("rn = 1")
        .select(
            F.col("o_id").alias("order_id"),
            F.col("c_id").alias("customer_id"),
            "product_id",
            ts.alias("order_ts"),
            F.col("quantity").cast("int").alias("quantity"),
            F.col("unit_price").cast("decimal(10,2)").alias("unit_price"),
            F.col("st").alias("status"),
            F.col("ctry").alias("country"),
            F.col("ch").alias("channel"),
        )
    )
    c = customers.select(
        "customer_id",
        F.col("segment").alias("customer_segment"),
        F.col("country").alias("customer_country"),
    )
    p = products.select(
        "product_id", F.col("name").alias("product_name"), F.col("category").alias("product_category")
    )
    o_ts = F.col("order_ts")
    enriched = (
        orders.join(c, "customer_id", "left")
        .join(p, "product_id", "left")
        .select(
            "order_id",
            "customer_id",
            "product_id",
            "order_ts",
            "quantity",
            "unit_price",
            "status",
            "country",
            "channel",
            "customer_segment",
            "customer_country",
            "product_name",
            "product_category",
            (F.col("quantity") * F.col("unit_price")).alias("revenue"),
            F.to_date(o_ts).alias("order_date"),
            F.year(o_ts).alias("order_year"),
            F.month(o_ts).alias("order_month"),
            F.dayofmonth(o_ts).alias("order_day"),
            F.dayofweek(o_ts).alias("order_dayofweek"),
            F.hour(o_ts).alias("order_hour"),
        )
        .cache()
    )
    try:
        (
            enriched.repartition("order_date")
            .write.mode("overwrite")
            .partitionBy("order_date")
            .parquet(f"{out_dir}/orders_clean")
        )
        to_date = (
            Window.partitionBy("country", "category")
            .orderBy("order_date")
            .rowsBetween(Window.unboundedPreceding, Window.currentRow)
        )
        (
            enriched.groupBy("order_date", "country", F.col("product_category").alias("category"))
            .agg(
                F.sum("revenue").alias("revenue"),
                F.count(F.lit(1)).alias("orders"),
                F.sum("quantity").alias("units"),
                F.count_distinct("customer_id").alias("customers"),
            )
            .withColumn("revenue_to_date", F.sum("revenue").over(to_date))
            .write.mode("overwrite")
            .option("compression", "zstd")
            .parquet(f"{out_dir}/daily_revenue")
        )
        (
            tagged.where(F.col("reason").isNotNull())
            .select(
                F.lit("orders").alias("source"),
                F.col("reason").alias("rule"),
                F.coalesce(
                    F.col("_corrupt"),
                    F.to_json(
                        F.struct(
                            "order_id",
                            "customer_id",
                            "product_id",
                            "order_ts",
                            "quantity",
                            "unit_price",
                            "status",
                            "country",
                            "channel",
                        )
                    ),
                ).alias("record"),
                F.col("f").alias("file"),
            )
            .write.mode("overwrite")
            .parquet(f"{out_dir}/quarantine")
        )
    finally:
        enriched.unpersist()
