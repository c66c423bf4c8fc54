/**
 * The example pipeline end to end on real Spark over generated dirty data. Expected results come
 * from the generator's own bookkeeping (computed in TypeScript while writing the data, and checked
 * there against an independent re-parse), never from Spark.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { functions as F, type SparkSession } from "@kindling/spark-connect";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { testSession } from "../../../spark-connect/test/support/session.js";
import { compilePipeline } from "../../src/compile/pipeline.js";
import type { Manifest } from "../../src/datagen/index.js";
import { reconcile } from "../../src/run/reconcile.js";
import { recount } from "../../src/run/recount.js";
import { type RunResult, runPipeline } from "../../src/run/runner.js";
import { chromiumPath } from "../../src/setup/steps.js";
import { loadPipeline } from "../../src/spec/index.js";
import { CHROMIUM_ARGS } from "../support/browser.js";
import { describeWith } from "../support/needs.js";
import { checksum, examplePipeline, smallDataset } from "./support.js";

let spark: SparkSession;
let dir: string;
let manifest: Manifest;
let first: RunResult;

const load = (extra: Record<string, string> = {}) =>
  loadPipeline(examplePipeline, { set: { data_dir: dir, out_dir: join(dir, "out"), ...extra }, env: {} });

beforeAll(async () => {
  spark = await testSession();
  ({ dir, manifest } = await smallDataset());
  first = await runPipeline(spark, await load(), { sparkUi: `http://127.0.0.1:${inject("sparkUiPort")}` });
});

describe("the example pipeline", () => {
  it("succeeds and the counts add up for every source", () => {
    expect(first.error).toBeUndefined();
    expect(first.status).toBe("succeeded");
    const r = first.counts!.reconciliations.find((x) => x.sink === "orders_clean")!;
    expect(r.holds).toBe(true);
    expect(r.rowsIn).toBe(manifest.expected.rowsIn);
  });

  it("keeps exactly the valid, de-duplicated orders the generator expects", () => {
    const e = manifest.expected;
    const r = first.counts!.reconciliations.find((x) => x.sink === "orders_clean")!;
    expect(r.rowsOut).toBe(e.validOut);
    expect(r.duplicates).toBe(e.duplicates);
    expect(r.malformed + r.quarantined).toBe(e.quarantined);
    // validate_orders counts the source's rows and malformed rows in its own observation.
    expect(r.malformed).toBe(e.quarantinedByReason.malformed);
    const step = (name: string) => first.counts!.steps.find((s) => s.name === name)!;
    expect(step("validate_orders").rules).toMatchObject({
      missing_required: e.quarantinedByReason.missing_required,
      bad_quantity: e.quarantinedByReason.bad_quantity,
    });
    // enrich_orders' rows in are clean_orders' rows out (not observed again).
    expect(step("enrich_orders").rowsIn).toBe(step("clean_orders").rowsOut);
    expect(step("enrich_orders").rowsIn).toBe(e.validOut);
  });

  it("quarantines each bad row once, with the reason the generator assigned, and its raw record", async () => {
    const q = await spark.read
      .parquet(join(dir, "out", "quarantine"))
      .groupBy("rule")
      .count()
      .collect();
    const byRule = Object.fromEntries(q.map((r) => [r.rule, Number(r.count)]));
    expect(byRule).toEqual(manifest.expected.quarantinedByReason);
    const blank = await spark.read
      .parquet(join(dir, "out", "quarantine"))
      .filter(F.col("record").isNull().or(F.col("record").equalTo("")))
      .count();
    expect(blank).toBe(0);
  });

  it("computes revenue per day and country exactly (decimal, no float drift)", async () => {
    const rows = await spark.read
      .parquet(join(dir, "out", "orders_clean"))
      .groupBy(F.col("order_date").cast("string").alias("d"), "country")
      .agg(F.sum("revenue").alias("revenue"), F.count(F.lit(1)).alias("orders"))
      .collect();
    const got = new Map(rows.map((r) => [`${r.d}|${r.country}`, `${r.revenue}|${r.orders}`]));
    const want = new Map(
      manifest.expected.revenueByDateCountry.map((x) => [
        `${x.orderDate}|${x.country}`,
        `${x.revenue}|${x.orders}`,
      ]),
    );
    expect(got.size).toBe(want.size);
    for (const [k, v] of want) expect(got.get(k), k).toBe(v);
  });

  it("keeps orders with unknown customers or products, with empty enrichment", () => {
    const enrich = first.counts!.steps.find((s) => s.name === "enrich_orders")!;
    expect(enrich.unmatched.clean_customers).toBe(manifest.expected.unknownCustomer);
    expect(enrich.unmatched.products).toBe(manifest.expected.unknownProduct);
  });

  it("writes the daily summary, partitions by order date, and leaves no staging behind", async () => {
    const parts = readdirSync(join(dir, "out", "orders_clean")).filter((p) => p.startsWith("order_date="));
    expect(parts.length).toBeGreaterThan(80);
    expect(existsSync(join(dir, "out", ".kindling-staging"))).toBe(false);
    const total = await spark.read
      .parquet(join(dir, "out", "daily_revenue"))
      .agg(F.sum("revenue").alias("t"))
      .collect();
    expect(total[0]!.t).toBe(manifest.expected.totalRevenue);
  });

  it("a write-free recount (taken after lost work is recomputed) gives the write pass's counts", async () => {
    const loaded = await load();
    const compiled = await compilePipeline(spark, loaded.spec, undefined, loaded.graph);
    const cached = compiled.graph.sharedSteps();
    try {
      const again = reconcile(compiled, await recount(compiled, cached, {}));
      expect(again).toEqual(first.counts);
    } finally {
      for (const name of cached) await compiled.nodes.get(name)!.df.unpersist();
    }
    expect(first.recount).toBeUndefined();
  });

  it("re-running on the same input gives the same output", async () => {
    const before = await checksum(spark, join(dir, "out", "orders_clean"));
    const again = await runPipeline(spark, await load());
    expect(again.status).toBe("succeeded");
    expect(await checksum(spark, join(dir, "out", "orders_clean"))).toBe(before);
  });

  it("writes report.json, report.md and report.html with the reconciliation", () => {
    const reports = join(dir, "out", "reports");
    // runPipeline itself does not write reports (the CLI does); write them as the CLI would.
    return import("../../src/report/index.js").then(({ writeReports }) => {
      const written = writeReports(first, reports);
      expect(written.map((p) => p.split("/").pop())).toEqual(["report.json", "report.md", "report.html"]);
      const json = JSON.parse(readFileSync(join(reports, "report.json"), "utf8"));
      expect(json.specHash).toMatch(/^[0-9a-f]{64}$/);
      expect(json.spark.stages.length).toBeGreaterThan(0);
      expect(readFileSync(join(reports, "report.md"), "utf8")).toContain("| orders → orders_clean |");
      expect(statSync(join(reports, "report.html")).size).toBeGreaterThan(2000);
    });
  });
});

describeWith("browser", "the HTML report", {}, () => {
  it("opens offline in headless Chromium without console errors", async () => {
    const { chromium } = await import("playwright-core");
    const { writeReports } = await import("../../src/report/index.js");
    const reports = join(dir, "out", "reports-html");
    const [, , html] = writeReports(first, reports);
    const browser = await chromium.launch({
      executablePath: chromiumPath(),
      args: CHROMIUM_ARGS,
    });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(m.text());
      });
      page.on("pageerror", (e) => problems.push(e.message));
      page.on("request", (r) => {
        if (!r.url().startsWith("file://")) problems.push(`network request: ${r.url()}`);
      });
      await page.goto(`file://${html}`);
      const png = join(reports, "report.png");
      await page.screenshot({ path: png, fullPage: true });
      expect(problems).toEqual([]);
      expect(statSync(png).size).toBeGreaterThan(10_000);
      expect(await page.locator("svg").count()).toBeGreaterThanOrEqual(3);
      expect(await page.textContent("body")).toContain("holds");
    } finally {
      await browser.close();
    }
  });
});

describe("incremental and failing runs", () => {
  it("a run over a slice replaces only the partitions it covers (dynamic partition overwrite)", async () => {
    const out = join(dir, "out", "orders_clean");
    const untouched = join(out, "order_date=2026-03-01");
    const touched = join(out, "order_date=2026-01-05");
    // The publish makes a whole new version of the folder; partitions the run did not cover keep
    // their files (hard links: same inode, same bytes), not rewritten copies.
    const files = (folder: string) =>
      readdirSync(folder)
        .sort()
        .map((f) => ({ f, ino: statSync(join(folder, f)).ino, size: statSync(join(folder, f)).size }));
    const filesBefore = files(untouched);
    const sliceDir = join(dir, "slice");
    // The slice: only January 5th's orders, read from the same files through a filter.
    const { mkdirSync, writeFileSync } = await import("node:fs");
    mkdirSync(join(sliceDir, "raw", "orders"), { recursive: true });
    const header = readFileSync(join(dir, "raw", "orders", "part-00000.csv"), "utf8").split("\n")[0];
    const janFifth = (await spark.read.parquet(touched).limit(3).collect()).map(
      (r) => `${r.order_id},${r.customer_id},${r.product_id},2026-01-05 10:00:00,1,1.00,placed,XX,web`,
    );
    writeFileSync(join(sliceDir, "raw", "orders", "part-00000.csv"), `${header}\n${janFifth.join("\n")}\n`);
    for (const f of ["customers.jsonl", "products.csv"])
      writeFileSync(join(sliceDir, "raw", f), readFileSync(join(dir, "raw", f)));
    const r = await runPipeline(spark, await load({ data_dir: sliceDir }));
    expect(r.status).toBe("succeeded");
    expect(files(untouched)).toEqual(filesBefore);
    const janRows = await spark.read.parquet(out).filter("order_date = DATE'2026-01-05'").collect();
    expect(janRows.length).toBe(3);
    expect(janRows.every((x) => x.country === "XX")).toBe(true);
    expect(await spark.read.parquet(out).filter("order_date = DATE'2026-03-01'").count()).toBeGreaterThan(0);
  });

  it("a run that fails a rule publishes nothing and leaves the previous output intact", async () => {
    const out = join(dir, "out", "daily_revenue");
    const before = await checksum(spark, out);
    // Make every order fail the accepted-values rule severity… by raising it to fail.
    const loaded = await load();
    const validate = loaded.spec.steps.find((s) => s.name === "validate_orders");
    if (validate?.kind !== "clean") throw new Error("fixture changed");
    for (const rule of validate.rules ?? []) if (rule.check === "accepted_values") rule.severity = "fail";
    const r = await runPipeline(spark, loaded);
    expect(r.status).toBe("failed");
    expect(r.error).toMatch(/severity fail/);
    expect(await checksum(spark, out)).toBe(before);
    expect(existsSync(join(dir, "out", ".kindling-staging"))).toBe(false);
  });
});
