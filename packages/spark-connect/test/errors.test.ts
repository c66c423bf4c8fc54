/** Errors read as one clear paragraph, carry Spark's error class, and failures of the server or network are handled. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { functions as F, freePort, type SparkConnectError, SparkSession } from "../src/index.js";
import { type DroppingProxy, startProxy } from "./support/proxy.js";
import { startTestServer } from "./support/server.js";
import { testSession } from "./support/session.js";

let spark: SparkSession;
beforeAll(async () => {
  spark = await testSession();
});

async function failure(p: Promise<unknown>): Promise<SparkConnectError> {
  try {
    await p;
  } catch (e) {
    return e as SparkConnectError;
  }
  throw new Error("expected a failure");
}

function isOneParagraph(message: string) {
  expect(message).not.toMatch(/\n/);
  expect(message).not.toMatch(/\bat org\.apache/);
}

describe("query errors", () => {
  it("an unknown column names the column and suggests the existing ones", async () => {
    const e = await failure(spark.range(3).select(F.col("idd")).collect());
    expect(e.code).toBe("ANALYSIS");
    expect(e.errorClass).toBe("UNRESOLVED_COLUMN.WITH_SUGGESTION");
    expect(e.sqlState).toBe("42703");
    expect(e.messageParameters.objectName).toBe("`idd`");
    expect(e.message).toContain("`idd`");
    expect(e.message).toContain("`id`");
    expect(e.hint).toMatch(/column name/);
    isOneParagraph(e.message);
  });

  it("bad SQL gives the parse error with its position", async () => {
    const e = await failure(spark.sql("SELEC 1 FROM x"));
    expect(e.code).toBe("ANALYSIS");
    expect(e.errorClass).toBe("PARSE_SYNTAX_ERROR");
    expect(e.message).toMatch(/Syntax error at or near 'SELEC'/);
    expect(e.message).toMatch(/line 1, pos 0/);
    isOneParagraph(e.message);
  });

  it("a bad query (lazy) fails at its first action with the same clear error", async () => {
    const df = await spark.sql("SELECT nope FROM range(3)");
    const e = await failure(df.collect());
    expect(e.errorClass).toBe("UNRESOLVED_COLUMN.WITH_SUGGESTION");
    isOneParagraph(e.message);
  });

  it("a missing file names the path", async () => {
    const e = await failure(spark.read.schema("a INT").csv("/no/such/dir/data.csv").collect());
    expect(e.errorClass).toBe("PATH_NOT_FOUND");
    expect(e.message).toContain("/no/such/dir/data.csv");
    isOneParagraph(e.message);
  });

  it("a runtime failure is an EXECUTION error with its class", async () => {
    const e = await failure(
      spark
        .range(1)
        .select(F.lit(1).divide(F.lit(0)).cast("int"))
        .collect(),
    );
    expect(e.code).toBe("EXECUTION");
    expect(e.errorClass).toBe("DIVIDE_BY_ZERO");
    isOneParagraph(e.message);
  });

  it("a failed partitioned write names its root cause (a value colliding with __HIVE_DEFAULT_PARTITION__)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kindling-collide-"));
    try {
      // A null and the text __HIVE_DEFAULT_PARTITION__ both go to folder p=__HIVE_DEFAULT_PARTITION__;
      // written by one task, the second file gets the same name as the first.
      const df = (
        await spark.sql(
          "SELECT * FROM VALUES (1, CAST(NULL AS STRING)), (2, '__HIVE_DEFAULT_PARTITION__'), (3, 'x') AS t(id, p)",
        )
      ).coalesce(1);
      const e = await failure(df.write.mode("overwrite").partitionBy("p").parquet(join(dir, "out")));
      expect(e.code).toBe("EXECUTION");
      expect(e.errorClass).toBe("TASK_WRITE_FAILED");
      expect(e.rootCause?.className).toBe("org.apache.hadoop.fs.FileAlreadyExistsException");
      expect(e.rootCause?.message).toMatch(/p=__HIVE_DEFAULT_PARTITION__\/part-00000-.*\.parquet/);
      expect(e.message).toMatch(/^\[TASK_WRITE_FAILED\] /);
      expect(e.message).toContain(
        `Root cause: org.apache.hadoop.fs.FileAlreadyExistsException: ${e.rootCause?.message}`,
      );
      isOneParagraph(e.message);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("an error without a wrapped cause has no rootCause", async () => {
    const e = await failure(spark.range(3).select(F.col("idd")).collect());
    expect(e.rootCause).toBeUndefined();
    expect(e.message).not.toContain("Root cause");
  });

  it("client-side mistakes are INVALID_ARGUMENT errors, not TypeErrors", async () => {
    const df = spark.range(3);
    const invalid = expect.objectContaining({ name: "SparkConnectError", code: "INVALID_ARGUMENT" });
    expect(() => df.join(spark.range(2), "id", "sideways")).toThrow(invalid);
    expect(() => df.rollup("id").pivot("id")).toThrow(invalid);
    expect(() => spark.range(1.5)).toThrow(invalid);
    expect(() => spark.range(0, 10, Number.NaN)).toThrow(invalid);
    expect(() => df.write.mode("constructor" as "append")).toThrow(invalid); // not an inherited key
    // every spelling Spark's JoinType accepts runs on the server
    const left = await spark.sql("SELECT * FROM VALUES (1, 'a'), (2, 'b') AS t(id, v)");
    const right = await spark.sql("SELECT * FROM VALUES (2, 'B'), (3, 'C') AS t(id, w)");
    const counts: Record<string, number> = {};
    for (const how of [
      "fullouter",
      "full_outer",
      "outer",
      "leftouter",
      "rightouter",
      "leftsemi",
      "semi",
      "leftanti",
      "anti",
    ]) {
      counts[how] = await left.join(right, "id", how).count();
    }
    expect(counts).toEqual({
      fullouter: 3,
      full_outer: 3,
      outer: 3,
      leftouter: 2,
      rightouter: 2,
      leftsemi: 1,
      semi: 1,
      leftanti: 1,
      anti: 1,
    });
  });

  it("the server's stack trace is kept apart from the message", async () => {
    const e = await failure(spark.range(1).select(F.col("nope")).collect());
    expect(e.message).not.toContain("at org.apache");
    expect(e.stack ?? "").not.toContain("org.apache.spark");
  });
});

describe("server and network failures", () => {
  it("a server that is down fails fast with UNAVAILABLE and says where", async () => {
    const port = await freePort();
    const s = await SparkSession.builder()
      .remote(`sc://127.0.0.1:${port}`)
      .retryPolicy({ maxRetries: 2 })
      .getOrCreate();
    const e = await failure(s.range(1).collect());
    expect(e.code).toBe("UNAVAILABLE");
    expect(e.message).toContain(`127.0.0.1:${port}`);
    isOneParagraph(e.message);
  });

  it("a connection dropped mid-stream resumes the same operation without running it again", async () => {
    const uiPort = inject("sparkUiPort");
    const url = new URL(inject("sparkRemote").replace("sc://", "http://"));
    const proxy: DroppingProxy = await startProxy(Number(url.port));
    try {
      const s = await SparkSession.builder().remote(`sc://127.0.0.1:${proxy.port}`).getOrCreate();
      const query = s
        .range(0, 2_000_000, 1, 4)
        .select(F.col("id"), F.col("id").multiply(3).alias("x"), F.col("id").cast("string").alias("s"));
      const jobsBefore = await jobCount(uiPort);
      let rows = 0;
      let dropped = 0;
      let sum = 0n;
      for await (const ev of query.stream()) {
        if (ev.type !== "rows") continue;
        for (const r of ev.rows) sum += r.id as bigint;
        rows += ev.rows.length;
        if (dropped === 0) dropped = proxy.dropAll();
      }
      expect(dropped).toBeGreaterThan(0);
      expect(s.client.reattachCount).toBeGreaterThan(0);
      expect(rows).toBe(2_000_000);
      expect(sum).toBe((1_999_999n * 2_000_000n) / 2n);
      // Same number of Spark jobs as a clean run of the same query: nothing was re-executed.
      const jobsDropped = (await jobCount(uiPort)) - jobsBefore;
      const before2 = await jobCount(uiPort);
      await query.collect();
      const jobsClean = (await jobCount(uiPort)) - before2;
      expect(jobsDropped).toBe(jobsClean);
    } finally {
      await proxy.close();
    }
  });
});

async function jobCount(uiPort: number): Promise<number> {
  const apps = (await (await fetch(`http://127.0.0.1:${uiPort}/api/v1/applications`)).json()) as {
    id: string;
  }[];
  const jobs = (await (
    await fetch(`http://127.0.0.1:${uiPort}/api/v1/applications/${apps[0]!.id}/jobs`)
  ).json()) as unknown[];
  return jobs.length;
}

describe("a server killed mid-stream", () => {
  let own: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    own = await startTestServer();
  });
  afterAll(async () => {
    await own?.stop();
  });

  it("fails the running query with a clear UNAVAILABLE error", async () => {
    const s = await SparkSession.builder()
      .remote(own.url)
      .retryPolicy({ maxRetries: 3, maxBackoffMs: 300 })
      .getOrCreate();
    const started = Date.now();
    const run = s.range(0, 3_000_000_000, 1, 4).agg(F.sum("id")).collect();
    await new Promise((r) => setTimeout(r, 2_500));
    process.kill(own.pid, "SIGKILL");
    const e = await failure(run);
    expect(e.code).toBe("UNAVAILABLE");
    expect(e.message).toMatch(/unreachable or went away/);
    isOneParagraph(e.message);
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});
