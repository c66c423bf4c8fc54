import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { SparkSession } from "../../../spark-connect/src/index.js";
import { testSession } from "../../../spark-connect/test/support/session.js";
import { compilePipeline } from "../../src/compile/pipeline.js";
import { KindlingError } from "../../src/errors.js";
import { parsePipeline } from "../../src/spec/index.js";
import { folderWith, readRows, runYaml, stepOf } from "./support.js";

let spark: SparkSession;
beforeAll(async () => {
  spark = await testSession();
});

// Five orders: two with a customer, one with an unknown customer (7), one with none (null) and
// one whose key is not a number (C-9).
const ORDERS = "order_id,customer_id,amount\n1,1,10\n2,2,20\n3,7,30\n4,,40\n5,C-9,50\n";
const CUSTOMERS = "customer_id,name\n1,Ann\n2,Bob\n";
const files = { "orders.csv": ORDERS, "customers.csv": CUSTOMERS };

function spec(joinSpec: string, customerKeyType = "STRING"): string {
  return `
name: joins
sources:
  orders:
    format: csv
    path: orders.csv
    schema: "order_id INT, customer_id STRING, amount INT"
    options: { header: true }
  customers:
    format: csv
    path: customers.csv
    schema: "customer_id ${customerKeyType}, name STRING"
    options: { header: true }
steps:
  - name: enrich_orders
    kind: enrich
    input: orders
    joins: [${joinSpec}]
sinks:
  out: { input: enrich_orders, path: out/orders }
quarantine: { path: out/quarantine }
`;
}

const ids = (rows: Record<string, unknown>[]) => rows.map((r) => r.order_id);

// Each test runs whole pipelines on a shared, loaded machine (load average 45 seen): generous limits.
describe("enrich joins: rows a join leaves out are counted, keys are checked", { timeout: 1_200_000 }, () => {
  it("an inner join drops the orders without a customer, counts them as dropped by the join, and succeeds", async () => {
    const dir = folderWith(files);
    const run = await runYaml(spark, dir, spec("{ with: customers, on: [customer_id], type: inner }"));
    expect(run.error).toBeUndefined();
    expect(run.status).toBe("succeeded");
    expect(await readRows(spark, join(dir, "out/orders"), "order_id")).toEqual([
      { order_id: 1, customer_id: "1", amount: 10, name: "Ann" },
      { order_id: 2, customer_id: "2", amount: 20, name: "Bob" },
    ]);
    const step = stepOf(run, "enrich_orders");
    expect([step.rowsIn, step.rowsOut, step.dropped]).toEqual([5, 2, 3]);
    expect(step.droppedBy).toEqual({ "joins[0] inner join with customers": 3 });
    expect(run.counts!.reconciliations).toEqual([
      expect.objectContaining({ rowsIn: 5, rowsOut: 2, dropped: 3, holds: true }),
    ]);
  });

  it("semi and anti joins count what they drop (key list and SQL condition alike)", async () => {
    const cases: [string, number[], number][] = [
      ["{ with: customers, on: [customer_id], type: semi }", [1, 2], 3],
      ["{ with: customers, on: [customer_id], type: anti }", [3, 4, 5], 2],
      ["{ with: customers, on: 'l.customer_id = r.customer_id', type: semi }", [1, 2], 3],
      ["{ with: customers, on: 'l.customer_id = r.customer_id', type: anti }", [3, 4, 5], 2],
    ];
    for (const [joinSpec, kept, dropped] of cases) {
      const dir = folderWith(files);
      const run = await runYaml(spark, dir, spec(joinSpec));
      expect(run.error, joinSpec).toBeUndefined();
      expect(ids(await readRows(spark, join(dir, "out/orders"), "order_id")), joinSpec).toEqual(kept);
      expect(stepOf(run, "enrich_orders").dropped, joinSpec).toBe(dropped);
      expect(run.counts!.reconciliations[0], joinSpec).toEqual(
        expect.objectContaining({ rowsIn: 5, rowsOut: kept.length, dropped, holds: true }),
      );
    }
  });

  it("validate refuses join keys of two type families, naming the step, the join and both types", () => {
    const yaml = spec("{ with: customers, on: [customer_id], type: left }", "INT");
    expect(() => parsePipeline(yaml, "joins.yaml", { env: {} })).toThrow(
      /joins\.yaml:\d+:\d+ steps\[0\]\.joins\[0\]\.on\[0\]: step "enrich_orders": join key "customer_id" is string in input "orders" but int in lookup "customers".*key_type: string/s,
    );
  });

  it("plan refuses them too when only Spark knows the types (no declared schema)", async () => {
    const dir = folderWith(files);
    const yaml = `
name: joins
sources:
  orders: { format: csv, path: ${join(dir, "orders.csv")}, options: { header: true } }
  customers: { format: csv, path: ${join(dir, "customers.csv")}, options: { header: true, inferSchema: true } }
steps:
  - { name: enrich_orders, kind: enrich, input: orders, joins: [{ with: customers, on: [customer_id] }] }
sinks:
  out: { input: enrich_orders, path: ${join(dir, "out")} }
quarantine: { path: ${join(dir, "quarantine")} }
`;
    const loaded = parsePipeline(yaml, "joins.yaml", { env: {} });
    const error = await compilePipeline(spark, loaded.spec).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KindlingError);
    expect((error as KindlingError).code).toBe("spec");
    expect((error as Error).message).toMatch(
      /^step "enrich_orders", joins\[0\] left join with customers: join key "customer_id" is string in the step's input but int in lookup "customers".*key_type: string/s,
    );
  });

  it("key_type compares both sides as one type: a key that does not cast (C-9) is unmatched, never a crash", async () => {
    const dir = folderWith(files);
    const run = await runYaml(
      spark,
      dir,
      spec("{ with: customers, on: [customer_id], type: left, key_type: bigint }", "INT"),
    );
    expect(run.error).toBeUndefined();
    expect(await readRows(spark, join(dir, "out/orders"), "order_id")).toEqual([
      { order_id: 1, customer_id: "1", amount: 10, name: "Ann" },
      { order_id: 2, customer_id: "2", amount: 20, name: "Bob" },
      { order_id: 3, customer_id: "7", amount: 30, name: null },
      { order_id: 4, customer_id: null, amount: 40, name: null },
      { order_id: 5, customer_id: "C-9", amount: 50, name: null },
    ]);
    expect(stepOf(run, "enrich_orders").unmatched).toEqual({ customers: 3 });

    const inner = folderWith(files);
    const dropped = await runYaml(
      spark,
      inner,
      spec("{ with: customers, on: [customer_id], type: inner, key_type: bigint }", "INT"),
    );
    expect(dropped.error).toBeUndefined();
    expect(ids(await readRows(spark, join(inner, "out/orders"), "order_id"))).toEqual([1, 2]);
    expect(dropped.counts!.reconciliations[0]).toEqual(
      expect.objectContaining({ rowsIn: 5, rowsOut: 2, dropped: 3, holds: true }),
    );
  });
});
