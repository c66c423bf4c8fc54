// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${name} is the pipeline spec's parameter syntax, not a mistake.
import { beforeAll, describe, expect, it } from "vitest";
import {
  aggregate,
  clean,
  csv,
  enrich,
  filter,
  jsonl,
  loadPipeline,
  pipeline,
  pipelineSpecHash,
  select,
} from "../../src/spec/index.js";
import { REPO_ROOT, specErrorOf } from "./support.js";

/** pipelines/example.yaml, written with the TypeScript API. */
const example = pipeline("orders_daily")
  .describe("Clean raw orders, enrich them with customers and products, and summarise revenue per day.")
  .param("data_dir", "data", "Folder holding raw/ (the generated dataset).")
  .param("out_dir", "out", "Folder the outputs, quarantine and report are written under.")
  .source(
    "orders",
    csv({
      path: "${data_dir}/raw/orders/*.csv",
      schema: [
        "order_id",
        "customer_id",
        "product_id",
        "order_ts",
        "quantity",
        "unit_price",
        "status",
        "country",
        "channel",
      ].map((name) => ({ name, type: "string" })),
      options: { header: true, multiLine: true, quote: '"', escape: '"', encoding: "UTF-8" },
      malformed: "quarantine",
      drift: "fail",
    }),
  )
  .source(
    "customers",
    jsonl({
      path: "${data_dir}/raw/customers.jsonl",
      schema:
        "customer_id STRING, name STRING, email STRING, segment STRING, country STRING, signup_date DATE",
      malformed: "quarantine",
    }),
  )
  .source(
    "products",
    csv({
      path: "${data_dir}/raw/products.csv",
      schema: [
        { name: "product_id", type: "string" },
        { name: "name", type: "string" },
        { name: "category", type: "string" },
        { name: "list_price", type: "decimal(10,2)" },
      ],
      options: { header: true },
      malformed: "fail",
    }),
  )
  .step(
    clean({
      name: "validate_orders",
      input: "orders",
      trim: ["status", "country", "channel"],
      case: { status: "lower", country: "upper", channel: "lower" },
      nulls: { values: [""], columns: ["order_id", "customer_id"] },
      rules: [
        { check: "not_null", name: "missing_required", columns: ["order_id", "customer_id"] },
        { check: "not_null", name: "bad_quantity", columns: ["quantity"] },
        { check: "regex", name: "bad_quantity", column: "quantity", pattern: "^[0-9]+$" },
        { check: "range", name: "bad_quantity", column: "quantity", min: 1, max: 1000 },
        { check: "not_null", name: "bad_price", columns: ["unit_price"] },
        { check: "regex", name: "bad_price", column: "unit_price", pattern: "^-?[0-9]+(\\.[0-9]{1,2})?$" },
        { check: "range", name: "bad_price", column: "unit_price", min: 0 },
        {
          check: "expression",
          name: "bad_timestamp",
          condition: "try_to_timestamp(order_ts, 'yyyy-MM-dd HH:mm:ss') IS NOT NULL",
        },
        { check: "not_null", name: "invalid_status", columns: ["status"] },
        {
          check: "accepted_values",
          name: "invalid_status",
          column: "status",
          values: ["placed", "shipped", "delivered", "cancelled", "returned"],
        },
      ],
    }),
  )
  .step(
    clean({
      name: "clean_orders",
      casts: {
        order_ts: { type: "timestamp", format: "yyyy-MM-dd HH:mm:ss" },
        quantity: "int",
        unit_price: "decimal(10,2)",
      },
      on_cast_error: "fail",
      dedupe: { keys: ["order_id"], order_by: ["order_ts desc"] },
      rules: [{ check: "unique", columns: ["order_id"], severity: "fail" }],
    }),
  )
  .step(
    clean({
      name: "clean_customers",
      input: "customers",
      trim: "all",
      case: { email: "lower", country: "upper" },
      dedupe: { keys: ["customer_id"], order_by: ["signup_date desc"] },
      rules: [{ check: "not_null", columns: ["customer_id"] }],
    }),
  )
  .step(
    enrich({
      name: "enrich_orders",
      input: "clean_orders",
      joins: [
        {
          with: "clean_customers",
          on: ["customer_id"],
          type: "left",
          select: ["segment", "country"],
          prefix: "customer_",
          unmatched: "keep",
        },
        {
          with: "products",
          on: ["product_id"],
          type: "left",
          select: ["name", "category"],
          prefix: "product_",
          unmatched: "keep",
        },
      ],
      derive: { revenue: "quantity * unit_price", order_date: "to_date(order_ts)" },
      date_parts: [
        { column: "order_ts", parts: ["year", "month", "day", "dayofweek", "hour"], prefix: "order_" },
      ],
    }),
  )
  .step(
    aggregate({
      name: "daily_revenue",
      group_by: ["order_date", "country", "product_category"],
      metrics: {
        revenue: "sum(revenue)",
        orders: "count(*)",
        units: "sum(quantity)",
        customers: "count(DISTINCT customer_id)",
      },
      windows: {
        revenue_to_date: {
          expression: "sum(revenue)",
          partition_by: ["country", "product_category"],
          order_by: ["order_date"],
          frame: "rows between unbounded preceding and current row",
        },
      },
    }),
  )
  .step(select({ name: "daily_summary", rename: { product_category: "category" } }))
  .sink("orders_clean", {
    input: "enrich_orders",
    format: "parquet",
    path: "${out_dir}/orders_clean",
    mode: "overwrite",
    partition_by: ["order_date"],
    compression: "snappy",
    dynamic_partition_overwrite: true,
  })
  .sink("daily_revenue", { input: "daily_summary", path: "${out_dir}/daily_revenue", compression: "zstd" })
  .quarantine({ path: "${out_dir}/quarantine", format: "parquet" })
  .report({ path: "${out_dir}/reports", formats: ["json", "md", "html"] });

describe("the TypeScript builder", () => {
  beforeAll(() => process.chdir(REPO_ROOT));

  it("builds the same spec as the equivalent YAML", async () => {
    const fromYaml = await loadPipeline("pipelines/example.yaml", { env: {} });
    const built = example.build({ env: {} });
    expect(built).toEqual(fromYaml.spec);
    expect(pipelineSpecHash(built)).toBe(fromYaml.specHash);
  });

  it("applies --set values the same way as the loader", async () => {
    const options = { env: {}, set: { out_dir: "s3a://lake/out" } };
    const fromYaml = await loadPipeline("pipelines/example.yaml", options);
    expect(example.build(options)).toEqual(fromYaml.spec);
    expect(fromYaml.spec.sinks.orders_clean?.path).toBe("s3a://lake/out/orders_clean");
  });

  it("is immutable: adding to a builder leaves the original as it was", () => {
    const base = pipeline("p").source("s", csv({ path: "x", malformed: "fail" }));
    const longer = base.sink("o", { input: "s", path: "out" });
    expect(Object.keys(base.toInput().sinks)).toEqual([]);
    expect(Object.keys(longer.toInput().sinks)).toEqual(["o"]);
  });

  it("validates with the same checks, reporting paths without line numbers", async () => {
    const broken = pipeline("p")
      .source("orders", csv({ path: "x", malformed: "fail", schema: "id STRING, qty INT" }))
      .step(filter({ name: "f", input: "ordres", where: "qty > 0" }))
      .step(select({ name: "s", columns: ["id", "qtty"] }))
      .sink("o", { input: "s", path: "out" });
    const error = await specErrorOf(() => broken.build({ env: {} }));
    expect(error.message).toBe(
      [
        'pipeline "p" is not a valid pipeline (1 problem):',
        '  steps[0].input: unknown input "ordres" — did you mean "orders"?',
      ].join("\n"),
    );
    const fixed = broken.step(select({ name: "t", input: "orders", columns: ["id", "qtty"] }));
    const second = await specErrorOf(() => fixed.build({ env: {} }));
    expect(second.issues.map((i) => `${i.path}: ${i.message}`)).toContain(
      'steps[2].columns[1]: unknown column "qtty" in input "orders" — did you mean "qty"?',
    );
    expect(second.issues.every((i) => i.line === undefined && i.file === undefined)).toBe(true);
  });
});
