/**
 * Kindling on S3: a real SeaweedFS (built by infra/storage/build.sh) and a real Spark Connect server
 * with the s3 profile (hadoop-aws and the slim AWS SDK set), writing and reading s3a:// paths.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { functions as F, type LocalServer, SparkSession, startLocalServer } from "@kindling/spark-connect";
import { afterAll, beforeAll, expect, it } from "vitest";
import { scaled, waitFor } from "../../../spark-connect/test/support/timeouts.js";
import {
  committedFiles,
  createBucket,
  listObjects,
  putObject,
  type S3Server,
  S3StoreError,
  s3Client,
  sparkS3ServerOptions,
  startS3Server,
  storeBinary,
} from "../../src/storage/index.js";
import { describeWith, itWith } from "../support/needs.js";

const binary = storeBinary("seaweedfs");

/** True when nothing listens on 127.0.0.1:port (a listen succeeds); undefined otherwise. */
function portIsFree(port: number): Promise<true | undefined> {
  return new Promise((resolve) => {
    const probe = createServer()
      .once("error", () => resolve(undefined))
      .listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}
const ACCESS_KEY = "kindling-test-access-key";
const SECRET_KEY = `kindling-test-secret-${process.pid}-${Date.now()}`;
const BUCKET = "kindling-test";

let dataDir: string;
let store: S3Server;
let spark: LocalServer;
let session: SparkSession;
let s3: S3Client;

describeWith("s3", `S3 storage (SeaweedFS ${binary.version})`, {}, () => {
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "kindling-s3-"));
    store = await startS3Server({
      dataDir,
      accessKey: ACCESS_KEY,
      secretKey: SECRET_KEY,
      startTimeoutMs: scaled(90_000),
    });
    s3 = s3Client(store.endpoint, store.credentials);
    await createBucket(s3, BUCKET);
    const s3a = sparkS3ServerOptions({ endpoint: store.endpoint, credentials: store.credentials });
    spark = await startLocalServer({
      ...s3a,
      master: "local[2]",
      driverMemory: "1g",
      startTimeoutMs: scaled(180_000),
      conf: { ...s3a.conf, "spark.sql.shuffle.partitions": "4", "spark.sql.ansi.enabled": "true" },
      onProgress: (l) => process.stderr.write(`${l}\n`),
    });
    session = await SparkSession.builder().remote(spark.url).getOrCreate();
  });

  afterAll(async () => {
    await session?.stop();
    await spark?.stop();
    s3?.destroy();
    await store?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("creates a bucket, puts objects and lists them back in key order", async () => {
    await createBucket(s3, BUCKET); // a second create of our own bucket is fine
    await putObject(s3, BUCKET, "notes/b.txt", "bee");
    await putObject(s3, BUCKET, "notes/a.txt", "a");
    expect(await listObjects(s3, BUCKET, "notes/")).toEqual([
      { key: "notes/a.txt", size: 1 },
      { key: "notes/b.txt", size: 3 },
    ]);
  });

  it("writes a DataFrame to s3a:// as parquet and reads back exactly the same rows", async () => {
    const rows = [
      { id: 1, name: "Ann", amount: "10.50", day: "2026-11-01" },
      { id: 2, name: "Bob", amount: "0.05", day: "2026-11-02" },
      { id: 3, name: "Cléo", amount: null, day: "2026-11-02" },
    ];
    const df = session.createDataFrame(rows, "id INT, name STRING, amount DECIMAL(10,2), day STRING");
    await df.write.mode("overwrite").parquet(`s3a://${BUCKET}/orders`);
    const back = await session.read.parquet(`s3a://${BUCKET}/orders`).orderBy("id").collect();
    expect(back.map((r) => ({ ...r, amount: r.amount === null ? null : String(r.amount) }))).toEqual(rows);
    const files = await committedFiles(s3, BUCKET, "orders");
    expect(files.length).toBeGreaterThan(0);
    expect(files.every((f) => f.key.endsWith(".parquet") && f.size > 0)).toBe(true);
  });

  it("writes partitioned output that counts and sums exactly (1,000,000 rows, 8 tasks)", async () => {
    const df = session.range(0, 1_000_000, 1, 8).withColumn("bucket", F.expr("id % 10"));
    await df.write.mode("overwrite").partitionBy("bucket").parquet(`s3a://${BUCKET}/big`);
    const back = session.read.parquet(`s3a://${BUCKET}/big`);
    const [agg] = await back.agg(F.expr("count(*) AS n"), F.expr("sum(id) AS s")).collect();
    expect(agg).toEqual({ n: 1_000_000n, s: 499_999_500_000n });
    const files = await committedFiles(s3, BUCKET, "big");
    expect(new Set(files.map((f) => f.key.split("/")[1]))).toEqual(
      new Set(Array.from({ length: 10 }, (_, i) => `bucket=${i}`)),
    );
  });

  it("a job that fails half-way publishes nothing: no _SUCCESS, no part files at the destination", async () => {
    // Tasks succeed for most partitions, then one raises: the job aborts after others committed.
    const df = session.range(0, 100_000, 1, 8).select(F.expr("id"), F.expr("assert_true(id <> 99999) AS ok"));
    await expect(df.write.mode("overwrite").parquet(`s3a://${BUCKET}/failed`)).rejects.toThrow();
    await expect(committedFiles(s3, BUCKET, "failed")).rejects.toMatchObject({ code: "NOT_COMMITTED" });
    const visible = (await listObjects(s3, BUCKET, "failed/")).filter((o) => o.key.endsWith(".parquet"));
    expect(visible.filter((o) => !o.key.includes("/_temporary/"))).toEqual([]);
  });

  it("refuses an output without the _SUCCESS marker as not committed", async () => {
    await putObject(s3, BUCKET, "partial/part-00000.parquet", "not really parquet");
    const err = await committedFiles(s3, BUCKET, "partial").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(S3StoreError);
    expect((err as S3StoreError).code).toBe("NOT_COMMITTED");
  });

  it("keeps the credentials out of the command lines and log files of Spark and the store", async () => {
    for (const pid of [spark.pid, store.pid]) {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      expect(cmdline.length).toBeGreaterThan(0);
      expect(cmdline).not.toContain(SECRET_KEY);
      expect(cmdline).not.toContain(ACCESS_KEY);
    }
    // After the writes above, both logs have plenty in them. The secret is in neither; the access key
    // id (an identifier, not a secret) is absent from Spark's log, and SeaweedFS names it in exactly
    // one start-up line ("Added admin identity from AWS environment variables").
    for (const file of [spark.logFile, store.logFile]) {
      const log = readFileSync(file, "utf8");
      expect(log.length).toBeGreaterThan(0);
      expect(log).not.toContain(SECRET_KEY);
    }
    expect(readFileSync(spark.logFile, "utf8")).not.toContain(ACCESS_KEY);
    const idLines = readFileSync(store.logFile, "utf8")
      .split("\n")
      .filter((l) => l.includes(ACCESS_KEY));
    expect(idLines.length).toBeLessThanOrEqual(1);
    expect(idLines.join("")).not.toMatch(/secret/i);
    // Handed over through the environment instead (readable only by the same user).
    expect(readFileSync(`/proc/${spark.pid}/environ`, "utf8").split("\0")).toContain(
      `AWS_SECRET_ACCESS_KEY=${SECRET_KEY}`,
    );
    expect(JSON.stringify(store.credentials)).not.toContain(SECRET_KEY);
  });

  // MinIO stays usable for those who already run it: same s3a settings, its own endpoint for one bucket
  // (s3a per-bucket settings go in the session's conf, which Spark copies into the Hadoop conf).
  // In the default suite (the setup builds MinIO once, ~7 min): a promise to users that only an
  // opt-in test checked would break unnoticed.
  itWith("minio", "works against MinIO too, for existing users", async () => {
    const minioDir = mkdtempSync(join(tmpdir(), "kindling-minio-"));
    const minio = await startS3Server({
      store: "minio",
      dataDir: minioDir,
      startTimeoutMs: scaled(90_000),
      accessKey: ACCESS_KEY,
      secretKey: SECRET_KEY,
    });
    const client = s3Client(minio.endpoint, minio.credentials);
    try {
      await createBucket(client, "kindling-minio");
      await session.conf.set("fs.s3a.bucket.kindling-minio.endpoint", minio.endpoint);
      const df = session.range(0, 10_000, 1, 4).withColumn("sq", F.expr("id * id"));
      await df.write.mode("overwrite").parquet("s3a://kindling-minio/squares");
      const [agg] = await session.read
        .parquet("s3a://kindling-minio/squares")
        .agg(F.expr("count(*) AS n"), F.expr("sum(sq) AS s"))
        .collect();
      expect(agg).toEqual({ n: 10_000n, s: 333_283_335_000n });
      expect((await committedFiles(client, "kindling-minio", "squares")).length).toBeGreaterThan(0);
      expect(readFileSync(`/proc/${minio.pid}/cmdline`, "utf8")).not.toContain(SECRET_KEY);
      expect(readFileSync(minio.logFile, "utf8")).not.toContain(SECRET_KEY);
    } finally {
      client.destroy();
      await minio.stop();
      rmSync(minioDir, { recursive: true, force: true });
    }
  });

  it("the store restarting in the middle of a write ends in a retried success or a clear failure, never silent loss", async () => {
    const n = 4_000_000;
    const df = session.range(0, n, 1, 16).withColumn("payload", F.expr("sha2(cast(id AS STRING), 256)"));
    const write = df.write
      .mode("overwrite")
      .parquet(`s3a://${BUCKET}/restart`)
      .then(
        () => "ok" as const,
        (e: unknown) => e as Error,
      );
    let settled = false;
    void write.finally(() => {
      settled = true;
    });
    // Mid-write: the first task outputs are in the store (under _temporary), the job is not done.
    await waitFor("the write's first objects in the store", async () =>
      settled || (await listObjects(s3, BUCKET, "restart/")).length > 0 ? true : undefined,
    );
    expect(settled, "the write finished before the store was killed: make it bigger").toBe(false);
    const { port } = store;
    store.process.kill("SIGKILL");
    await store.stop();
    await waitFor(`port ${port} free again`, () => portIsFree(port));
    store = await startS3Server({
      dataDir,
      port,
      accessKey: ACCESS_KEY,
      secretKey: SECRET_KEY,
      startTimeoutMs: scaled(90_000),
    });
    const outcome = await write;
    process.stderr.write(
      `restart test: write ${outcome === "ok" ? "succeeded after the restart" : `failed: ${outcome.message.slice(0, 300)}`}\n`,
    );
    if (outcome === "ok") {
      await committedFiles(s3, BUCKET, "restart");
      const [agg] = await session.read
        .parquet(`s3a://${BUCKET}/restart`)
        .agg(F.expr("count(*) AS n"), F.expr("count(DISTINCT payload) AS d"))
        .collect();
      expect(agg).toEqual({ n: BigInt(n), d: BigInt(n) });
    } else {
      expect(outcome.message.length).toBeGreaterThan(0);
      await expect(committedFiles(s3, BUCKET, "restart")).rejects.toMatchObject({ code: "NOT_COMMITTED" });
    }
  });
});
