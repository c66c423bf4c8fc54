/**
 * The example pipeline on S3, as a user runs it: `kindling generate --to s3a://…` puts the dataset
 * into a real SeaweedFS, `kindling run --s3-endpoint …` reads and writes s3a:// paths, outputs are
 * published with their _SUCCESS marker last, and a failed run leaves the previous output as it was.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, expect, it } from "vitest";
import { scaled } from "../../../spark-connect/test/support/timeouts.js";
import {
  createBucket,
  listObjects,
  type S3Server,
  s3Client,
  startS3Server,
} from "../../src/storage/index.js";
import { examplePipeline } from "../pipeline/support.js";
import { kindling } from "../support/cli.js";
import { describeWith } from "../support/needs.js";

const ACCESS_KEY = "kindling-pipeline-key";
const SECRET_KEY = `kindling-pipeline-secret-${process.pid}`;
const BUCKET = "lake";

let dir: string;
let store: S3Server;
let s3: S3Client;

/** The CLI with the store's credentials and endpoint in its environment, as a user would set them. */
const s3Cli = () => ({
  timeoutMs: scaled(600_000),
  env: {
    AWS_ACCESS_KEY_ID: ACCESS_KEY,
    AWS_SECRET_ACCESS_KEY: SECRET_KEY,
    KINDLING_S3_ENDPOINT: store.endpoint,
    KINDLING_DRIVER_MEMORY: "1g",
    KINDLING_MASTER: "local[2]",
  },
});

const keys = async (prefix: string) => (await listObjects(s3, BUCKET, prefix)).map((o) => o.key);

describeWith("s3", "the example pipeline on S3 (SeaweedFS)", { timeout: scaled(600_000) }, () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "kindling-s3-pipeline-"));
    store = await startS3Server({
      dataDir: join(dir, "store"),
      startTimeoutMs: scaled(90_000),
      accessKey: ACCESS_KEY,
      secretKey: SECRET_KEY,
    });
    s3 = s3Client(store.endpoint, store.credentials);
    await createBucket(s3, BUCKET);
  });
  afterAll(async () => {
    s3?.destroy();
    await store?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("generate --to s3a:// uploads the dataset", async () => {
    const r = await kindling(
      ["generate", "--rows", "30000", "--seed", "3", "--to", `s3a://${BUCKET}/data/raw`],
      s3Cli(),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain(SECRET_KEY);
    return keys("data/raw/").then((k) => {
      expect(k).toEqual(
        expect.arrayContaining([
          "data/raw/customers.jsonl",
          "data/raw/products.csv",
          "data/raw/manifest.json",
        ]),
      );
      expect(k.some((x) => /^data\/raw\/orders\/part-\d+\.csv$/.test(x))).toBe(true);
    });
  });

  it("run reads and writes s3a:// paths; every output carries its _SUCCESS marker; counts add up", async () => {
    const r = await kindling(
      [
        "run",
        examplePipeline,
        "--json",
        "--set",
        `data_dir=s3a://${BUCKET}/data`,
        "--set",
        `out_dir=s3a://${BUCKET}/out`,
      ],
      s3Cli(),
    );
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.status).toBe("succeeded");
    expect(result.counts.reconciliations[0].holds).toBe(true);
    expect(result.counts.reconciliations[0].rowsIn).toBe(30000);
    for (const out of ["orders_clean", "daily_revenue", "quarantine"]) {
      const k = await keys(`out/${out}/`);
      expect(k, out).toContain(`out/${out}/_SUCCESS`);
      expect(
        k.some((x) => x.endsWith(".parquet")),
        out,
      ).toBe(true);
    }
    expect(await keys("out/.kindling-staging/")).toEqual([]);
    expect(await keys("out/reports/")).toEqual(
      expect.arrayContaining(["out/reports/report.json", "out/reports/report.html"]),
    );
    expect(result.reports).toContain(`s3a://${BUCKET}/out/reports/report.html`);
    expect(r.stdout + r.stderr).not.toContain(SECRET_KEY);
  });

  it("a failing run leaves the previous S3 output exactly as it was", async () => {
    const before = await listObjects(s3, BUCKET, "out/daily_revenue/");
    const failing = join(dir, "failing.yaml");
    writeFileSync(
      failing,
      readFileSync(examplePipeline, "utf8").replace(
        "values: [placed, shipped, delivered, cancelled, returned]",
        "values: [placed, shipped, delivered, cancelled, returned]\n        severity: fail",
      ),
    );
    const r = await kindling(
      ["run", failing, "--set", `data_dir=s3a://${BUCKET}/data`, "--set", `out_dir=s3a://${BUCKET}/out`],
      s3Cli(),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/severity fail/);
    expect(await listObjects(s3, BUCKET, "out/daily_revenue/")).toEqual(before);
    expect(await keys("out/.kindling-staging/")).toEqual([]);
  });
});
