/**
 * `kindling k8s report` reads a run's report from the cluster's S3 store. The reading is tested here
 * against a real SeaweedFS with the layout writeReports() makes (the port-forward to the cluster's
 * store is exercised by the k8s e2e only: no cluster in `npm test`).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, expect, it } from "vitest";
import { KindlingError } from "../../src/errors.js";
import { readStoredReport } from "../../src/k8s/stored-report.js";
import { createBucket, putObject, type S3Server, s3Client, startS3Server } from "../../src/storage/index.js";
import { describeWith } from "../support/needs.js";

let store: S3Server;
let client: S3Client;
let dataDir: string;

describeWith("s3", "reports stored in the cluster's S3 store", {}, () => {
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "kindling-k8s-report-"));
    store = await startS3Server({
      dataDir,
      accessKey: "report-test",
      secretKey: `report-test-${process.pid}`,
    });
    client = s3Client(store.endpoint, store.credentials);
    await createBucket(client, "kindling");
    // Two runs as writeReports() leaves them: each under runs/<id>/, the latest also at the top.
    for (const id of ["20261130T070000-aaaa1111", "20261130T080000-bbbb2222"]) {
      await putObject(client, "kindling", `out/reports/runs/${id}/report.md`, `# run ${id}\n`);
      await putObject(client, "kindling", `out/reports/runs/${id}/report.json`, `{"runId":"${id}"}\n`);
    }
    await putObject(client, "kindling", "out/reports/report.md", "# run 20261130T080000-bbbb2222\n");
  }, 180_000);
  afterAll(async () => {
    client?.destroy();
    await store?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("reads the latest run's report, or a named run's in the format asked", async () => {
    expect(await readStoredReport(client, "s3a://kindling/out/reports", "md")).toBe(
      "# run 20261130T080000-bbbb2222\n",
    );
    expect(
      await readStoredReport(client, "s3://kindling/out/reports/", "json", "20261130T070000-aaaa1111"),
    ).toBe('{"runId":"20261130T070000-aaaa1111"}\n');
  });

  it("names the missing object and the runs that are there", async () => {
    const err = await readStoredReport(
      client,
      "s3://kindling/out/reports",
      "md",
      "20991231T000000-cccc3333",
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KindlingError);
    expect((err as KindlingError).code).toBe("environment");
    expect((err as Error).message).toBe(
      "no report at s3://kindling/out/reports/runs/20991231T000000-cccc3333/report.md (no run '20991231T000000-cccc3333'): " +
        "runs there: 20261130T070000-aaaa1111, 20261130T080000-bbbb2222.",
    );
    const none = await readStoredReport(client, "s3://kindling/elsewhere", "html").catch((e: unknown) => e);
    expect((none as Error).message).toBe(
      "no report at s3://kindling/elsewhere/report.html: no run has written a report there yet (run the pipeline Job first).",
    );
  });

  it("refuses a run id that is not one (no path tricks)", async () => {
    const err = await readStoredReport(client, "s3://kindling/out/reports", "md", "../../secrets").catch(
      (e: unknown) => e,
    );
    expect((err as KindlingError).code).toBe("usage");
    expect((err as Error).message).toBe("'../../secrets' is not a run id (letters, digits, '-', '_', '.').");
  });
});
