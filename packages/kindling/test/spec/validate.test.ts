import { describe, expect, it } from "vitest";
import { validatePipeline } from "../../src/spec/index.js";
import { specErrorOf } from "./support.js";

/** A small valid spec to break in one place per test. */
// biome-ignore lint/suspicious/noExplicitAny: each test breaks the spec in a different deep place.
function base(): Record<string, any> {
  return {
    name: "v",
    sources: {
      orders: {
        format: "csv",
        path: "data/orders.csv",
        schema: [
          { name: "order_id", type: "string" },
          { name: "customer_id", type: "string" },
          { name: "quantity", type: "int" },
          { name: "country", type: "string" },
        ],
        options: { header: true },
      },
      customers: {
        format: "jsonl",
        path: "data/customers.jsonl",
        schema: "customer_id STRING, country STRING, segment STRING",
      },
    },
    steps: [{ name: "clean_orders", kind: "clean", input: "orders", trim: "all" }],
    sinks: { out: { input: "clean_orders", path: "out/orders" } },
    quarantine: { path: "out/quarantine" },
  };
}

async function problems(spec: unknown): Promise<string[]> {
  const error = await specErrorOf(() => validatePipeline(spec, { env: {} }));
  return error.issues.map((i) => `${i.path}: ${i.message}`);
}

describe("validatePipeline", () => {
  it("accepts the base spec and fills in defaults", () => {
    const spec = validatePipeline(base(), { env: {} });
    expect(spec.version).toBe(1);
    expect(spec.sources.orders).toMatchObject({ malformed: "quarantine", drift: "fail" });
    expect(spec.sinks.out).toMatchObject({ format: "parquet", mode: "overwrite", compression: "snappy" });
  });

  it("requires a quarantine section when rows are quarantined", async () => {
    const spec = base();
    delete spec.quarantine;
    expect(await problems(spec)).toEqual([
      'sources.orders.malformed: rows are quarantined here (the default for malformed records, cast errors and row rules) but the pipeline has no "quarantine" section; add quarantine: {path: ...} or choose another policy',
    ]);
  });

  it("rejects storage schemes other than file:// and s3a://, suggesting s3a for s3", async () => {
    const spec = base();
    spec.sinks.out.path = "s3://bucket/out";
    expect(await problems(spec)).toEqual([
      'sinks.out.path: expected a local path, a file:// URL or an s3a:// URL, found "s3://bucket/out" — did you mean "s3a://bucket/out"?',
    ]);
  });

  it("rejects unknown Spark types and reader options with suggestions", async () => {
    const spec = base();
    spec.sources.orders.schema[2].type = "integr";
    spec.sources.orders.options = { heaer: true, mode: "PERMISSIVE" };
    expect(await problems(spec)).toEqual([
      'sources.orders.schema[2].type: expected a Spark SQL type (string, int, bigint, double, decimal(p,s), date, timestamp, boolean, ...): unknown type "integr" — did you mean "integer"?',
      'sources.orders.options.heaer: unknown csv reader option "heaer" — did you mean "header"?',
      'sources.orders.options.mode: reader option "mode" is set by the source\'s "malformed" policy; remove it',
    ]);
  });

  it("rejects a join that would add a column the input already has", async () => {
    const spec = base();
    spec.steps.push({ name: "e", kind: "enrich", joins: [{ with: "customers", on: ["customer_id"] }] });
    expect(await problems(spec)).toEqual([
      'steps[1].joins[0]: column "country" from "customers" is already in input "clean_orders"; set a prefix or select other columns',
    ]);
    spec.steps[1].joins[0].prefix = "customer_";
    expect(() => validatePipeline(spec, { env: {} })).not.toThrow();
  });

  it("checks l. and r. columns of a join condition against each side", async () => {
    const spec = base();
    spec.steps.push({
      name: "e",
      kind: "enrich",
      joins: [{ with: "customers", on: "l.customer_id = r.customerid", select: ["segment"] }],
    });
    expect(await problems(spec)).toEqual([
      'steps[1].joins[0].on: unknown column "customerid" in lookup "customers" — did you mean "customer_id"?',
    ]);
  });

  it("rejects options that contradict each other", async () => {
    const spec = base();
    spec.sinks.out.dynamic_partition_overwrite = true;
    spec.steps.push({
      name: "e",
      kind: "enrich",
      joins: [
        {
          with: "customers",
          on: ["customer_id"],
          type: "inner",
          unmatched: "quarantine",
          select: ["segment"],
        },
      ],
    });
    spec.steps.push({ name: "a", kind: "aggregate", group_by: ["country"] });
    expect(await problems(spec)).toEqual([
      "steps[1].joins[0].unmatched: unmatched: quarantine needs type: left (an inner join does not keep unmatched rows to quarantine)",
      "steps[2]: an aggregate step needs at least one of metrics, windows",
      "sinks.out.dynamic_partition_overwrite: dynamic_partition_overwrite needs mode: overwrite and partition_by",
    ]);
  });

  it("checks rule columns, numeric range bounds, thresholds and referenced columns", async () => {
    const spec = base();
    spec.steps[0].rules = [
      { check: "range", column: "quantity", min: "one" },
      { check: "accepted_values", column: "countryy", values: ["GB"] },
      { check: "unique", columns: ["order_id"], threshold: { max_count: 1, max_fraction: 0.1 } },
      { check: "references", column: "customer_id", references: { source: "customers", column: "id" } },
      { check: "expression", condition: "quantity > (1" },
    ];
    expect(await problems(spec)).toEqual([
      'steps[0].rules[2].threshold: expected exactly one of "max_count" or "max_fraction"',
      'steps[0].rules[3].references.column: unknown column "id" in dataset "customers" (it has: customer_id, country, segment)',
      'steps[0].rules[4].condition: invalid SQL expression: 1 unclosed "("',
      'steps[0].rules[0].min: expected a number (column "quantity" is int), found "one" — did you mean "1"?',
      'steps[0].rules[1].column: unknown column "countryy" in input "orders" — did you mean "country"?',
    ]);
  });

  it("reports structural and semantic problems together", async () => {
    const spec = base();
    spec.sources.orders.malformed = "skip";
    spec.steps.push({ name: "f", kind: "filter", input: "clean_order", where: "true" });
    expect(await problems(spec)).toEqual([
      'sources.orders.malformed: expected one of quarantine, drop, fail, found "skip"',
      'steps[1].input: unknown input "clean_order" — did you mean "clean_orders"?',
    ]);
  });
});
