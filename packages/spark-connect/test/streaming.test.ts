/**
 * Structured Streaming through Spark Connect on the real server: files arriving in a folder are
 * read by `spark.readStream`, written by `df.writeStream`, and the queries are driven and watched
 * through StreamingQuery and `spark.streams`. Every expected row is made by the test.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { functions as F, SparkConnectError, type SparkSession } from "../src/index.js";
import { canonical, testSession } from "./support/session.js";

let spark: SparkSession;
const dir = mkdtempSync(join(tmpdir(), "kindling-stream-"));
const SCHEMA = "id INT, name STRING";

/** Writes one JSON-lines file of rows into `folder` (a new file is what a file stream picks up). */
function drop(folder: string, file: string, rows: { id: number; name: string }[]) {
  mkdirSync(folder, { recursive: true });
  const tmp = join(dir, `.${file}.tmp`);
  writeFileSync(tmp, rows.map((r) => JSON.stringify(r)).join("\n"));
  // Written elsewhere, then renamed in: the source never sees a half-written file.
  renameSync(tmp, join(folder, file));
}

/** Rows a micro-batch read: the sum over its sources (the progress JSON has no top-level total). */
const inputRows = (p: Record<string, unknown>) =>
  ((p.sources ?? []) as { numInputRows: number }[]).reduce((n, s) => n + s.numInputRows, 0);

beforeAll(async () => {
  spark = await testSession();
});

afterAll(async () => {
  for (const q of (await spark?.streams.active()) ?? []) await q.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("Structured Streaming", () => {
  it("availableNow processes each arriving file once; a restart from the checkpoint takes only new files", async () => {
    const input = join(dir, "in1");
    const output = join(dir, "out1");
    const checkpoint = join(dir, "cp1");
    drop(input, "a.json", [
      { id: 1, name: "ann" },
      { id: 2, name: "bob" },
    ]);
    const run = async () => {
      const q = await spark.readStream
        .schema(SCHEMA)
        .json(input)
        .withColumn("upper", F.upper("name"))
        .writeStream.format("parquet")
        .option("checkpointLocation", checkpoint)
        .trigger({ availableNow: true })
        .start(output);
      expect(await q.awaitTermination()).toBe(true);
      return q;
    };
    const first = await run();
    expect(canonical(await spark.read.parquet(output).collect())).toEqual(
      canonical([
        { id: 1, name: "ann", upper: "ANN" },
        { id: 2, name: "bob", upper: "BOB" },
      ]),
    );
    const progress = await first.recentProgress();
    expect(progress.reduce((n, p) => n + inputRows(p), 0)).toBe(2);

    drop(input, "b.json", [{ id: 3, name: "cleo" }]);
    const second = await run();
    expect(second.id).toBe(first.id); // same checkpoint, same query
    expect(second.runId).not.toBe(first.runId);
    expect(canonical(await spark.read.parquet(output).collect())).toEqual(
      canonical([
        { id: 1, name: "ann", upper: "ANN" },
        { id: 2, name: "bob", upper: "BOB" },
        { id: 3, name: "cleo", upper: "CLEO" },
      ]),
    );
    expect((await second.recentProgress()).reduce((n, p) => n + inputRows(p), 0)).toBe(1);
  });

  it("a running query on the memory sink: processAllAvailable, progress, spark.streams, stop", async () => {
    const input = join(dir, "in2");
    drop(input, "a.json", [{ id: 1, name: "x" }]);
    await spark.streams.resetTerminated();
    const q = await spark.readStream
      .schema(SCHEMA)
      .json(input)
      .groupBy("name")
      .count()
      .writeStream.format("memory")
      .queryName("kb_stream_counts")
      .outputMode("complete")
      .option("checkpointLocation", join(dir, "cp2"))
      .trigger({ processingTime: "1 second" })
      .start();
    expect(q.name).toBe("kb_stream_counts");
    await q.processAllAvailable();
    drop(input, "b.json", [
      { id: 2, name: "x" },
      { id: 3, name: "y" },
    ]);
    await q.processAllAvailable();
    expect(canonical(await spark.table("kb_stream_counts").collect())).toEqual(
      canonical([
        { name: "x", count: 2n },
        { name: "y", count: 1n },
      ]),
    );
    expect((await spark.streams.active()).map((a) => a.id)).toContain(q.id);
    expect((await spark.streams.get(q.id))?.runId).toBe(q.runId);
    expect((await q.status()).isActive).toBe(true);
    expect(await q.lastProgress()).toMatchObject({ name: "kb_stream_counts" });
    expect(await q.awaitTermination(200)).toBe(false);

    await q.stop();
    expect(await q.awaitTermination()).toBe(true);
    expect(await q.isActive()).toBe(false);
    expect(await q.exception()).toBeUndefined();
    expect(await spark.streams.awaitAnyTermination(60_000)).toBe(true);
    expect((await spark.streams.active()).map((a) => a.id)).not.toContain(q.id);
  });

  it("a failing query ends with its error, reported by awaitTermination and exception()", async () => {
    const input = join(dir, "in3");
    drop(input, "a.json", [{ id: 1, name: "not a number" }]);
    const q = await spark.readStream
      .schema(SCHEMA)
      .json(input)
      .select(F.col("name").cast("int").alias("n")) // ANSI: the cast fails on this row
      .writeStream.format("memory")
      .queryName("kb_stream_fails")
      .option("checkpointLocation", join(dir, "cp3"))
      .trigger({ availableNow: true })
      .start();
    await expect(q.awaitTermination()).rejects.toBeInstanceOf(SparkConnectError);
    const error = await q.exception();
    expect(error?.message).toMatch(/not a number|CAST_INVALID_INPUT/);
  });
});
