/**
 * Small inputs leave cores idle (issue 19 item 5): a source that is one file is one scan task, and
 * the stages after small shuffles are one task each. So the sources' scans run at once, and the
 * quarantine is written beside the sinks when it reads only the sources' scanned rows. Counts and
 * rows stay exact; the jobs' times in the Spark UI show that they overlapped.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import type { SparkSession } from "../../../spark-connect/src/index.js";
import { testSession } from "../../../spark-connect/test/support/session.js";
import { jobNameOf } from "../../src/job-names.js";
import { quarantineAside } from "../../src/run/phases/write.js";
import { runPipeline } from "../../src/run/runner.js";
import { parsePipeline, pipelineGraph } from "../../src/spec/index.js";
import { folderWith, readRows } from "./support.js";

let spark: SparkSession;
beforeAll(async () => {
  spark = await testSession();
});

// 6 order lines: one malformed (a field too many), one without a customer, one duplicate id.
const ORDERS = "id,customer,amount\n1,c1,10\n2,c2,20\n3,,5\n4,c1,7,extra\n5,c9,1\n5,c9,2\n";
// 3 customers, one line malformed JSON.
const CUSTOMERS = '{"customer":"c1","segment":"gold"}\n{"customer":"c2","segment":"blue"}\n{oops\n';

const SPEC = `
name: concurrent_writes
sources:
  orders:
    format: csv
    path: orders.csv
    schema: "id INT, customer STRING, amount INT"
    options: { header: true }
    malformed: quarantine
  customers:
    format: jsonl
    path: customers.jsonl
    schema: "customer STRING, segment STRING"
    malformed: quarantine
steps:
  - name: valid_orders
    kind: clean
    input: orders
    rules:
      - { check: not_null, name: no_customer, columns: [customer] }
    dedupe: { keys: [id], order_by: [amount desc] }
  - name: valid_customers
    kind: clean
    input: customers
    trim: all
  - name: enriched
    kind: enrich
    input: valid_orders
    joins:
      - { with: valid_customers, on: [customer], type: left, select: [segment], unmatched: keep }
  - name: per_segment
    kind: aggregate
    input: enriched
    group_by: [segment]
    metrics: { orders: count(*) }
sinks:
  orders_out: { input: enriched, path: out/orders }
  segments_out: { input: per_segment, path: out/segments }
quarantine: { path: out/quarantine }
`;

interface UiJob {
  jobTags: string[];
  submissionTime: string;
  completionTime: string;
}

/** The run's jobs by name (their tag), each with its submission and completion epoch ms. */
async function namedJobs(ui: string, runId: string): Promise<Map<string, { from: number; to: number }[]>> {
  const app = ((await (await fetch(`${ui}/api/v1/applications`)).json()) as { id: string }[])[0]!.id;
  const jobs = (await (await fetch(`${ui}/api/v1/applications/${app}/jobs`)).json()) as UiJob[];
  const byName = new Map<string, { from: number; to: number }[]>();
  const ms = (t: string) => Date.parse(t.replace(/GMT$/, "Z"));
  for (const j of jobs) {
    if (!j.jobTags?.some((t) => t.includes(`kindling-run-${runId}`))) continue;
    const name = jobNameOf(j.jobTags) ?? "?";
    byName.set(name, [...(byName.get(name) ?? []), { from: ms(j.submissionTime), to: ms(j.completionTime) }]);
  }
  return byName;
}

/** The span of a set of jobs: first submission to last completion. */
const span = (jobs: { from: number; to: number }[]) => ({
  from: Math.min(...jobs.map((j) => j.from)),
  to: Math.max(...jobs.map((j) => j.to)),
});

describe("writes and scans side by side", () => {
  it("the quarantine runs beside the sinks only when it reads no cached shared step", () => {
    const graph = pipelineGraph(parsePipeline(SPEC, "/x/pipeline.yaml", { env: {} }).spec);
    expect(graph.sharedSteps()).toEqual(["enriched"]);
    // The clean steps absorb their sources' malformed rows: their quarantine reads the sources only.
    expect(quarantineAside(graph, new Set(), ["enriched"])).toBe(true);
    // A quarantine reading the enrich step (e.g. unmatched: quarantine on a later step) waits.
    expect(quarantineAside(graph, new Set(["enriched"]), ["enriched"])).toBe(false);
    // Through lineage: a step downstream of the cached one is read through it.
    expect(quarantineAside(graph, new Set(["per_segment"]), ["enriched"])).toBe(false);
    expect(quarantineAside(graph, new Set(["valid_orders"]), ["enriched"])).toBe(true);
  });

  it("scans overlap, the quarantine overlaps the first sink, and every row is accounted for", {
    timeout: 900_000,
  }, async () => {
    const dir = folderWith({ "orders.csv": ORDERS, "customers.jsonl": CUSTOMERS });
    const ui = `http://127.0.0.1:${inject("sparkUiPort")}`;
    const loaded = parsePipeline(SPEC, join(dir, "pipeline.yaml"), { env: {} });
    const run = await runPipeline(spark, loaded, { baseDir: dir, sparkUi: ui });
    expect(run.error).toBeUndefined();
    // Records stay in plan order whichever write ended first.
    expect(run.actions.map((a) => [a.name, a.rows])).toEqual([
      ["orders_out", 3],
      ["segments_out", 3],
      ["quarantine", 3],
    ]);
    expect(run.counts?.sources).toEqual({
      orders: { rows: 6, malformed: 1 },
      customers: { rows: 3, malformed: 1 },
    });
    expect(run.counts?.steps.find((s) => s.name === "valid_orders")).toMatchObject({
      rowsIn: 5,
      quarantined: 1,
      duplicates: 1,
      rowsOut: 3,
    });
    // in 6 = out 3 + malformed 1 + quarantined 1 + duplicates 1
    expect(run.counts?.reconciliations.find((r) => r.sink === "orders_out")).toMatchObject({
      source: "orders",
      rowsIn: 6,
      rowsOut: 3,
      holds: true,
    });
    const quarantined = await readRows(spark, join(dir, "out/quarantine"), "rule");
    expect(quarantined.map((r) => `${r.rule} ${r.source}`).sort()).toEqual([
      "malformed customers",
      "malformed orders",
      "no_customer orders",
    ]);
    const orders = await readRows(spark, join(dir, "out/orders"), "id");
    expect(orders).toEqual([
      { id: 1, customer: "c1", amount: 10, segment: "gold" },
      { id: 2, customer: "c2", amount: 20, segment: "blue" },
      { id: 5, customer: "c9", amount: 2, segment: null },
    ]);

    const jobs = await namedJobs(ui, run.runId);
    const orderScan = span(jobs.get("orders: scan") ?? []);
    const customerScan = span(jobs.get("customers: scan") ?? []);
    expect(orderScan.from).toBeLessThanOrEqual(customerScan.to);
    expect(customerScan.from).toBeLessThanOrEqual(orderScan.to);
    const sink = span(jobs.get("orders_out: write") ?? []);
    const quarantine = span(jobs.get("quarantine: write") ?? []);
    expect(quarantine.from).toBeLessThanOrEqual(sink.to);
    expect(sink.from).toBeLessThanOrEqual(quarantine.to);
  });
});
