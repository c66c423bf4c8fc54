/**
 * Safe publishing on S3 (s3a:// outputs). S3 has no atomic rename, so completeness is carried by
 * the `_SUCCESS` marker, written last: Spark writes the run's output under a staging prefix; when
 * the whole run has succeeded, the destination's marker is removed first, the new objects are
 * copied in (server-side, under new unique names, beside the old ones), the objects the new output
 * replaces are deleted, and the marker is written. At every moment either the previous output
 * with its marker, or an output without a marker (incomplete: readers must not trust it) is there
 * — never a partial output that looks complete. The next run finishes any interrupted publish.
 */
import { CopyObjectCommand, DeleteObjectsCommand, type S3Client } from "@aws-sdk/client-s3";
import { credentialsFromEnv } from "../storage/credentials.js";
import { listObjects, putObject, s3Client } from "../storage/objects.js";
import type { PublishMode } from "./publish.js";

const STAGING = ".kindling-staging";
const SUCCESS = "_SUCCESS";

export function isS3Path(p: string): boolean {
  return /^s3a?:\/\//i.test(p);
}

/** `s3a://bucket/a/b` → { bucket, key: "a/b" } (no trailing slash). */
export function parseS3(uri: string): { bucket: string; key: string } {
  const m = uri.match(/^s3a?:\/\/([^/]+)\/?(.*)$/i);
  if (!m) throw new Error(`not an S3 URI: ${uri}`);
  return { bucket: m[1]!, key: m[2]!.replace(/\/+$/, "") };
}

const parentOf = (key: string) => (key.includes("/") ? key.slice(0, key.lastIndexOf("/")) : "");
const baseOf = (key: string) => key.slice(key.lastIndexOf("/") + 1);

/** The S3 client for outputs: endpoint from KINDLING_S3_ENDPOINT (or AWS_ENDPOINT_URL), credentials from the environment. */
export function outputS3Client(): S3Client {
  const endpoint = process.env.KINDLING_S3_ENDPOINT ?? process.env.AWS_ENDPOINT_URL;
  if (!endpoint)
    throw new Error("s3a outputs need KINDLING_S3_ENDPOINT (or AWS_ENDPOINT_URL) to publish them");
  return s3Client(endpoint, credentialsFromEnv());
}

export function s3StagingPathFor(finalPath: string, runId: string): string {
  const { bucket, key } = parseS3(finalPath);
  const parent = parentOf(key);
  return `s3a://${bucket}/${parent ? `${parent}/` : ""}${STAGING}/${runId}/${baseOf(key)}`;
}

async function deleteKeys(client: S3Client, bucket: string, keys: string[]): Promise<void> {
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

/** Removes stale staging prefixes next to `finalPath`; reports an output left without its marker. */
export async function recoverS3Output(client: S3Client, finalPath: string): Promise<string[]> {
  const done: string[] = [];
  const { bucket, key } = parseS3(finalPath);
  const parent = parentOf(key);
  const staging = `${parent ? `${parent}/` : ""}${STAGING}/`;
  const stale = await listObjects(client, bucket, staging);
  if (stale.length) {
    await deleteKeys(
      client,
      bucket,
      stale.map((o) => o.key),
    );
    done.push(`removed ${stale.length} stale staging object(s) under s3a://${bucket}/${staging}`);
  }
  const existing = await listObjects(client, bucket, `${key}/`);
  if (existing.length && !existing.some((o) => o.key === `${key}/${SUCCESS}`)) {
    done.push(`s3a://${bucket}/${key} has no ${SUCCESS} (an interrupted publish): it will be replaced`);
  }
  return done;
}

/** Publishes a staged output (see the module comment). */
export async function publishS3Output(
  client: S3Client,
  stagingPath: string,
  finalPath: string,
  mode: PublishMode,
): Promise<void> {
  const src = parseS3(stagingPath);
  const dst = parseS3(finalPath);
  const staged = (await listObjects(client, src.bucket, `${src.key}/`)).filter(
    (o) => !o.key.endsWith(`/${SUCCESS}`),
  );
  const old = await listObjects(client, dst.bucket, `${dst.key}/`);
  await deleteKeys(
    client,
    dst.bucket,
    old.filter((o) => o.key === `${dst.key}/${SUCCESS}`).map((o) => o.key),
  );
  const written = new Set<string>();
  for (const o of staged) {
    const rel = o.key.slice(src.key.length + 1);
    const target = `${dst.key}/${rel}`;
    await client.send(
      new CopyObjectCommand({
        Bucket: dst.bucket,
        Key: target,
        CopySource: `${src.bucket}/${encodeURIComponent(o.key).replace(/%2F/g, "/")}`,
      }),
    );
    written.add(target);
  }
  let replaced: string[] = [];
  if (mode === "overwrite") replaced = old.map((o) => o.key);
  else if (mode === "dynamic") {
    const partitions = new Set([...written].map((k) => k.slice(dst.key.length + 1).split("/")[0]!));
    replaced = old
      .map((o) => o.key)
      .filter((k) => partitions.has(k.slice(dst.key.length + 1).split("/")[0]!));
  }
  await deleteKeys(
    client,
    dst.bucket,
    replaced.filter((k) => !written.has(k) && !k.endsWith(`/${SUCCESS}`)),
  );
  await putObject(client, dst.bucket, `${dst.key}/${SUCCESS}`, "");
  await deleteKeys(
    client,
    src.bucket,
    (await listObjects(client, src.bucket, `${src.key}/`)).map((o) => o.key),
  );
}

/** Removes what is left under a run's staging prefixes. */
export async function discardS3Staging(client: S3Client, stagingPaths: string[]): Promise<void> {
  for (const p of stagingPaths) {
    const { bucket, key } = parseS3(p);
    await deleteKeys(
      client,
      bucket,
      (await listObjects(client, bucket, `${key}/`)).map((o) => o.key),
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
