import type { S3Client } from "@aws-sdk/client-s3";
import { KindlingError } from "../errors.js";
import { parseS3 } from "../run/publish-s3.js";
import { getObjectText, listObjects } from "../storage/objects.js";

/** The pipeline Job's report path on the cluster (`out_dir=s3a://kindling/out`, k8s/jobs/jobs.yaml). */
export const CLUSTER_REPORTS = "s3://kindling/out/reports";

export type StoredReportFormat = "md" | "json" | "html";

/**
 * Reads one run's report from an S3 store laid out as `writeReports()` writes it: the latest run at
 * `<location>/report.<format>`, every run at `<location>/runs/<run id>/report.<format>`.
 * `location` is `s3://bucket/prefix` (s3a:// works too). Without `run`, the latest.
 * Throws KindlingError `environment` naming the object that is missing and, for a run id that is not
 * there, the run ids that are (newest last, at most 10).
 */
export async function readStoredReport(
  client: S3Client,
  location: string,
  format: StoredReportFormat,
  run?: string,
): Promise<string> {
  if (run !== undefined && !/^\w[\w.-]*$/.test(run))
    throw new KindlingError(
      `'${run.slice(0, 80)}' is not a run id (letters, digits, '-', '_', '.').`,
      "usage",
    );
  const { bucket, key: base } = parseS3(location);
  const key = run ? `${base}/runs/${run}/report.${format}` : `${base}/report.${format}`;
  try {
    return await getObjectText(client, bucket, key);
  } catch (e) {
    if (!isMissing(e)) throw e;
  }
  const runs = await storedRuns(client, bucket, base);
  const known = runs.length
    ? `runs there: ${runs.slice(-10).join(", ")}`
    : "no run has written a report there yet (run the pipeline Job first)";
  throw new KindlingError(
    `no report at s3://${bucket}/${key}${run ? ` (no run '${run}')` : ""}: ${known}.`,
    "environment",
  );
}

/** The run ids under `<base>/runs/` that have a report, in key order (run ids start with the time). */
async function storedRuns(client: S3Client, bucket: string, base: string): Promise<string[]> {
  const objects = await listObjects(client, bucket, `${base}/runs/`);
  const ids = objects.map((o) => o.key.slice(base.length + "/runs/".length).split("/")[0] ?? "");
  return [...new Set(ids.filter(Boolean))];
}

function isMissing(e: unknown): boolean {
  const name = (e as { name?: string }).name ?? "";
  return name === "NoSuchKey" || name === "NotFound" || name === "NoSuchBucket";
}
