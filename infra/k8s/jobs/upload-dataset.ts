/**
 * Uploads a local folder (a dataset from `kindling generate`) to S3 under s3://<bucket>/<prefix>/,
 * creating the bucket when needed. Used by the data-loading Job of k8s/ inside the Kindling image;
 * works against any S3-compatible endpoint.
 *
 *   node --import tsx infra/k8s/jobs/upload-dataset.ts <dir> s3://<bucket>/<prefix>
 *
 * Endpoint and credentials come from the environment: S3_ENDPOINT, AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY. Exits 1 with a message when an upload fails.
 */
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { createBucket, credentialsFromEnv, putObject, s3Client } from "@kindling/kindling";

async function* files(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield path;
  }
}

const [dir, target] = process.argv.slice(2);
const match = target?.match(/^s3a?:\/\/([^/]+)\/?(.*)$/);
const endpoint = process.env.S3_ENDPOINT;
if (!dir || !match || !endpoint) {
  process.stderr.write(
    "usage: upload-dataset.ts <dir> s3://<bucket>/<prefix> (env S3_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)\n",
  );
  process.exit(2);
}
const [, bucket = "", prefix = ""] = match;
const client = s3Client(endpoint, credentialsFromEnv());
try {
  await createBucket(client, bucket);
  let count = 0;
  let bytes = 0;
  for await (const file of files(dir)) {
    const body = await readFile(file);
    const key = [prefix.replace(/\/$/, ""), relative(dir, file)].filter(Boolean).join("/");
    await putObject(client, bucket, key, body);
    count++;
    bytes += body.length;
  }
  process.stdout.write(`uploaded ${count} files (${bytes} bytes) to s3://${bucket}/${prefix}\n`);
} catch (err) {
  process.stderr.write(`upload failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
} finally {
  client.destroy();
}
