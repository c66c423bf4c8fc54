/** Session features: config, version, interrupt, progress, streaming, caching, explain, views. */
import { beforeAll, describe, expect, inject, it } from "vitest";
import { functions as F, SparkSession } from "../src/index.js";
import { testSession } from "./support/session.js";
import { waitFor } from "./support/timeouts.js";

let spark: SparkSession;
beforeAll(async () => {
  spark = await testSession();
});

describe("session", () => {
  it("reports the pinned Spark version", async () => {
    expect(await spark.version()).toMatch(/^4\.\d+\.\d+/);
  });

  it("sets, gets and unsets configuration", async () => {
    await spark.conf.set("spark.sql.shuffle.partitions", 7);
    expect(await spark.conf.get("spark.sql.shuffle.partitions")).toBe("7");
    await spark.conf.unset("spark.sql.shuffle.partitions");
    expect(await spark.conf.get("spark.sql.shuffle.partitions")).not.toBe("7");
    expect(await spark.conf.get("kindling.nope", "fallback")).toBe("fallback");
    expect(await spark.conf.getOption("kindling.nope")).toBeUndefined();
  });

  it("sql takes named and positional parameters", async () => {
    expect(await (await spark.sql("SELECT :a * 2 AS v, :s AS s", { a: 21, s: "x" })).collect()).toEqual([
      { v: 42, s: "x" },
    ]);
    expect(await (await spark.sql("SELECT ? + ? AS v", [1n, 2n])).collect()).toEqual([{ v: 3n }]);
  });

  it("temp views and table()", async () => {
    await spark.range(3).createOrReplaceTempView("three");
    expect(await spark.table("three").count()).toBe(3);
    expect(await (await spark.sql("SELECT sum(id) s FROM three")).collect()).toEqual([{ s: 3n }]);
  });
});

describe("execution", () => {
  const slow = () => spark.range(0, 20_000_000_000, 1, 2).agg(F.sum(F.col("id").mod(7)).alias("s"));

  it("interrupts by tag", async () => {
    let running = false;
    const run = slow().collect({ tags: ["kindling-test-tag"], onProgress: () => (running = true) });
    await waitFor("the query's first progress report (it runs on the server)", () => running || undefined);
    const ids = await spark.interruptTag("kindling-test-tag");
    expect(ids.length).toBe(1);
    await expect(run).rejects.toMatchObject({ code: expect.stringMatching(/INTERRUPTED|EXECUTION/) });
  });

  it("interrupts all", async () => {
    let running = false;
    const run = slow().collect({ onProgress: () => (running = true) });
    await waitFor("the query's first progress report (it runs on the server)", () => running || undefined);
    expect((await spark.interruptAll()).length).toBeGreaterThan(0);
    await expect(run).rejects.toMatchObject({ code: expect.stringMatching(/INTERRUPTED|EXECUTION/) });
  });

  it("aborting the signal cancels the operation", async () => {
    const ac = new AbortController();
    const run = slow().collect({ signal: ac.signal });
    setTimeout(() => ac.abort(), 1000);
    await expect(run).rejects.toMatchObject({ code: "INTERRUPTED" });
  });

  it("reports stage and task progress while a query runs", async () => {
    // The server reports progress every 2 s by default; a quick query on a quiet machine could
    // finish between two reports, so this test asks for reports every 100 ms.
    await spark.conf.set("spark.connect.progress.reportInterval", "100ms");
    const seen: number[] = [];
    try {
      await spark
        .range(0, 300_000_000, 1, 4)
        .groupBy(F.col("id").mod(10))
        .count()
        .collect({ onProgress: (p) => seen.push(p.stages.length) });
    } finally {
      await spark.conf.unset("spark.connect.progress.reportInterval");
    }
    expect(seen.length).toBeGreaterThan(0);
    expect(Math.max(...seen)).toBeGreaterThan(0);
  });

  it("streams results batch by batch", async () => {
    let batches = 0;
    let rows = 0;
    for await (const e of spark
      .range(0, 1_000_000)
      .select("id", F.col("id").cast("string").alias("s"))
      .stream()) {
      if (e.type === "rows") {
        batches++;
        rows += e.rows.length;
      }
    }
    expect(rows).toBe(1_000_000);
    expect(batches).toBeGreaterThan(1);
  });

  it("plan metrics and observed metrics come with collected results", async () => {
    const r = await spark
      .range(1000)
      .observe("o", F.max("id").alias("mx"))
      .filter("id % 2 = 0")
      .collectResult();
    expect(r.rows.length).toBe(500);
    expect(r.observedMetrics.o).toEqual({ mx: 999n });
    expect(r.planMetrics.find((m) => m.node === "Filter" && m.name === "numOutputRows")?.value).toBe(500n);
  });

  it("cache, persist and unpersist", async () => {
    const df = spark.range(100);
    await df.cache();
    expect(await df.count()).toBe(100);
    await df.unpersist();
    const mem = await df.persist("MEMORY_ONLY");
    expect(await mem.count()).toBe(100);
    await mem.unpersist(true);
  });

  it("explain, printSchema, columns, first, take, isEmpty, toArrow, show", async () => {
    const df = spark.range(5).withColumn("sq", F.col("id").multiply(F.col("id")));
    expect(await df.explainString("formatted")).toMatch(/Range/);
    expect(await df.schemaTreeString()).toContain("|-- sq: bigint");
    expect(await df.columns()).toEqual(["id", "sq"]);
    expect(await df.first()).toEqual({ id: 0n, sq: 0n });
    expect((await df.take(2)).length).toBe(2);
    expect(await df.isEmpty()).toBe(false);
    expect(await df.filter("id > 100").isEmpty()).toBe(true);
    const t = await df.toArrow();
    expect(t.numRows).toBe(5);
    expect(t.schema.fields.map((f) => f.name)).toEqual(["id", "sq"]);
    expect(await df.showString()).toContain("| id| sq|");
  });
});

describe("round trips", () => {
  /** The calls made between two rpcCounts() snapshots, methods that did not move left out. */
  const diff = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(
      Object.entries(b).flatMap(([k, v]) => (v - (a[k] ?? 0) ? [[k, v - (a[k] ?? 0)]] : [])),
    );

  it("rpcCounts counts each gRPC call of a known sequence by method", async () => {
    // A fresh session on the same server: nothing asked or cached before.
    const s = await SparkSession.builder().remote(inject("sparkRemote")!).getOrCreate();
    try {
      expect(s.rpcCounts()).toEqual({});
      await s.conf.setAll({ "spark.sql.shuffle.partitions": 5, "spark.sql.ansi.enabled": true });
      expect(s.rpcCounts()).toEqual({ Config: 1 });
      const before = s.rpcCounts();
      expect(await s.range(3).collect()).toEqual([{ id: 0n }, { id: 1n }, { id: 2n }]);
      // One ExecutePlan, and the ReleaseExecute that frees the finished operation on the server.
      expect(diff(before, s.rpcCounts())).toEqual({ ExecutePlan: 1, ReleaseExecute: 1 });
      const df = s.range(2).withColumn("x", F.col("id").plus(1));
      await df.schema();
      await df.columns();
      await s.version();
      await s.version();
      // The schema and the version are asked once each, however often they are read.
      expect(diff(before, s.rpcCounts())).toEqual({ ExecutePlan: 1, ReleaseExecute: 1, AnalyzePlan: 2 });
      await expect(s.conf.get("spark.sql.shuffle.partitions")).resolves.toBe("5");
      await expect(s.conf.get("spark.sql.ansi.enabled")).resolves.toBe("true");
      expect(s.rpcCounts()).toEqual({ Config: 3, ExecutePlan: 1, ReleaseExecute: 1, AnalyzePlan: 2 });
    } finally {
      await s.stop();
    }
  });

  it("a failed schema request is asked again, not kept", async () => {
    const df = spark.range(1).select(F.col("nope"));
    const before = spark.rpcCounts();
    await expect(df.schema()).rejects.toMatchObject({ code: expect.any(String) });
    await expect(df.schema()).rejects.toMatchObject({ code: expect.any(String) });
    expect(spark.rpcCounts().AnalyzePlan! - (before.AnalyzePlan ?? 0)).toBe(2);
  });
});
