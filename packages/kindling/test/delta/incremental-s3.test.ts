/**
 * Incremental runs and Delta sinks on the S3 store: a real SeaweedFS, a Spark Connect server with
 * Delta and the s3a connector, pipelines/incremental.yaml reading s3a://…/orders/*.csv and writing
 * Delta tables under s3a://. A generated dataset and two appended batches land in the bucket one
 * after another; each run reads only the new file, and the tables end with the manifest's
 * expected figures.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { type LocalServer, SparkSession, startLocalServer } from "@kindling/spark-connect";
import { afterAll, beforeAll, expect, it } from "vitest";
import { scaled } from "../../../spark-connect/test/support/timeouts.js";
import { appendOrders, generate, type Manifest } from "../../src/datagen/index.js";
import { DELTA_ADD_ON, deltaSparkConf } from "../../src/delta/server.js";
import { deltaHistory } from "../../src/delta/table.js";
import { runPipeline } from "../../src/run/runner.js";
import { loadPipeline } from "../../src/spec/index.js";
import {
  createBucket,
  putObject,
  type S3Server,
  s3Client,
  sparkS3ServerOptions,
  startS3Server,
} from "../../src/storage/index.js";
import { describeWith } from "../support/needs.js";
import { scratch } from "./support.js";

const ACCESS_KEY = "kindling-delta-key";
const SECRET_KEY = `kindling-delta-secret-${process.pid}`;
const BUCKET = "lake";
const RUN_LIMIT = 1_200_000;

let dir: string;
let store: S3Server;
let s3: S3Client;
let server: LocalServer;
let spark: SparkSession;
/** The runner's own S3 client (locks, publishing) reads the endpoint and credentials from the environment. */
const ENV_KEYS = ["KINDLING_S3_ENDPOINT", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] as const;
const envBefore = new Map<string, string | undefined>();

/** Uploads dataset files (paths relative to the local dataset folder) under s3a://lake/data/raw/. */
async function upload(raw: string, files: readonly string[]): Promise<void> {
  for (const f of files) await putObject(s3, BUCKET, `data/raw/${f}`, readFileSync(join(raw, f)));
}

describeWith(
  "s3",
  "incremental runs and Delta tables on S3 (SeaweedFS)",
  { timeout: scaled(600_000) },
  () => {
    beforeAll(async () => {
      dir = scratch("delta-s3");
      store = await startS3Server({
        dataDir: join(dir, "store"),
        startTimeoutMs: scaled(90_000),
        accessKey: ACCESS_KEY,
        secretKey: SECRET_KEY,
      });
      s3 = s3Client(store.endpoint, store.credentials);
      await createBucket(s3, BUCKET);
      for (const k of ENV_KEYS) envBefore.set(k, process.env[k]);
      process.env.KINDLING_S3_ENDPOINT = store.endpoint;
      process.env.AWS_ACCESS_KEY_ID = ACCESS_KEY;
      process.env.AWS_SECRET_ACCESS_KEY = SECRET_KEY;
      const s3Options = sparkS3ServerOptions({ endpoint: store.endpoint, credentials: store.credentials });
      server = await startLocalServer({
        master: "local[2]",
        driverMemory: "2g",
        addOns: [DELTA_ADD_ON],
        profiles: s3Options.profiles,
        env: s3Options.env,
        conf: {
          ...deltaSparkConf(),
          ...s3Options.conf,
          "spark.sql.shuffle.partitions": "4",
          "spark.databricks.delta.snapshotPartitions": "2",
        },
        onProgress: (l) => process.stderr.write(`${l}\n`),
        startTimeoutMs: 400_000,
      });
      spark = await SparkSession.builder().remote(server.url).getOrCreate();
    }, 900_000);
    afterAll(async () => {
      await spark?.stop();
      await server?.stop();
      s3?.destroy();
      await store?.stop();
      for (const [k, v] of envBefore) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    });

    it(
      "three incremental runs over batches landing in the bucket give the manifest's expected figures",
      async () => {
        const raw = join(dir, "data", "raw");
        const first = await generate({ outDir: raw, rows: 2000, seed: 9, dirtyRate: 0.05, files: 1 });
        await upload(
          raw,
          first.manifest.orders.files.map((f) => f.path),
        );
        const file = join(import.meta.dirname, "..", "..", "..", "..", "pipelines", "incremental.yaml");
        const loaded = await loadPipeline(file, {
          set: { data_dir: `s3a://${BUCKET}/data`, out_dir: `s3a://${BUCKET}/out/incremental` },
        });
        const read: string[][] = [];
        const run = async () => {
          const r = await runPipeline(spark, loaded);
          expect(r.error).toBeUndefined();
          expect(r.counts?.reconciliations.every((x) => x.holds)).toBe(true);
          read.push(r.incremental!.sources[0]!.files.map((f) => f.replace(/^.*\/data\/raw\//, "")));
          return r;
        };
        await run();
        let manifest: Manifest = first.manifest;
        for (const rows of [300, 200]) {
          const appended = await appendOrders({ outDir: raw, rows, updateRate: 0.1 });
          await upload(raw, appended.batch.files);
          manifest = appended.manifest;
          await run();
        }
        expect(read).toEqual([
          ["orders/part-00000.csv"],
          ["orders/part-00001.csv"],
          ["orders/part-00002.csv"],
        ]);
        const out = `s3a://${BUCKET}/out/incremental`;
        for (const t of ["orders", "daily_revenue"])
          expect((await deltaHistory(spark, `${out}/${t}`)).map((c) => [c.version, c.operation])).toEqual([
            [2, "MERGE"],
            [1, "MERGE"],
            [0, "WRITE"],
          ]);
        const e = manifest.expected;
        expect(await spark.read.format("delta").load(`${out}/orders`).count()).toBe(e.validOut);
        const rows = await spark.read.format("delta").load(`${out}/daily_revenue`).collect();
        const day = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v));
        expect(rows.map((r) => `${day(r.order_date)}|${r.country}|${r.orders}|${r.revenue}`).sort()).toEqual(
          e.revenueByDateCountry.map((g) => `${g.orderDate}|${g.country}|${g.orders}|${g.revenue}`).sort(),
        );
      },
      RUN_LIMIT * 2,
    );
  },
);
