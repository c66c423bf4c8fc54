/** S3 paths of outputs: parsing s3a:// URIs, the outputs' S3 client, staging keys, sizes. */
import { DeleteObjectsCommand, type S3Client } from "@aws-sdk/client-s3";
import { credentialsFromEnv } from "../storage/credentials.js";
import { listObjects, s3Client } from "../storage/objects.js";

import { STAGING_DIR as STAGING } from "./output-store.js";

export function isS3Path(p: string): boolean {
  return /^s3a?:\/\//i.test(p);
}

/** `s3a://bucket/a/b` → { bucket, key: "a/b" } (no trailing slash). */
export function parseS3(uri: string): { bucket: string; key: string } {
  const m = uri.match(/^s3a?:\/\/([^/]+)\/?(.*)$/i);
  if (!m) throw new Error(`not an S3 URI: ${uri}`);
  return { bucket: m[1]!, key: m[2]!.replace(/\/+$/, "") };
}

export const parentOf = (key: string) => (key.includes("/") ? key.slice(0, key.lastIndexOf("/")) : "");
export const baseOf = (key: string) => key.slice(key.lastIndexOf("/") + 1);

/** The S3 client for outputs: endpoint from KINDLING_S3_ENDPOINT (or AWS_ENDPOINT_URL), credentials from the environment. */
export function outputS3Client(): S3Client {
  const endpoint = process.env.KINDLING_S3_ENDPOINT ?? process.env.AWS_ENDPOINT_URL;
  if (!endpoint)
    throw new Error("s3a outputs need KINDLING_S3_ENDPOINT (or AWS_ENDPOINT_URL) to publish them");
  return s3Client(endpoint, credentialsFromEnv());
}

/** `s3a://b/p/<name>` → `s3a://b/p/.kindling-staging/<run id>/<name>`. */
export function s3StagingPathFor(finalPath: string, runId: string): string {
  const { bucket, key } = parseS3(finalPath);
  const parent = parentOf(key);
  return `s3a://${bucket}/${parent ? `${parent}/` : ""}${STAGING}/${runId}/${baseOf(key)}`;
}

/** Deletes keys in batches of 1000 (the API's limit per call). */
export async function deleteKeys(client: S3Client, bucket: string, keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 1000) {
    const chunk = keys.slice(i, i + 1000);
    if (chunk.length)
      await client.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true },
        }),
      );
  }
}

/** Data files and bytes of an S3 output (or input prefix). */
export async function s3OutputStats(
  client: S3Client,
  path: string,
): Promise<{ files: number; bytes: number }> {
  const { bucket, key } = parseS3(path);
  const objs = (await listObjects(client, bucket, key ? `${key}/` : "")).filter(
    (o) => !/(^|\/)[_.][^/]*$/.test(o.key),
  );
  return { files: objs.length, bytes: objs.reduce((a, o) => a + o.size, 0) };
}
