/**
 * The lock of an S3 output: an object created only if absent (`PutObject` with `If-None-Match: *`,
 * S3's conditional write; the store answers 412 Precondition Failed when it exists), so exactly
 * one of two racing runs creates it. A lock left by a dead run on this host is deleted and taken
 * again; between that delete and the new create another run could slip in, a window of one
 * request that only concerns locks of dead runs.
 */
import { DeleteObjectCommand, PutObjectCommand, type S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { getObjectText } from "../storage/objects.js";
import { isStale, type LockOwner, lockedError } from "./lock.js";

async function readOwner(client: S3Client, bucket: string, key: string): Promise<LockOwner | undefined> {
  try {
    const v = JSON.parse(await getObjectText(client, bucket, key));
    return typeof v?.runId === "string" ? (v as LockOwner) : undefined;
  } catch {
    return undefined;
  }
}

async function createIfAbsent(client: S3Client, bucket: string, key: string, owner: LockOwner) {
  try {
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(owner), IfNoneMatch: "*" }),
    );
    return true;
  } catch (e) {
    const status = (e as S3ServiceException).$metadata?.httpStatusCode;
    if (e instanceof S3ServiceException && (status === 412 || status === 409)) return false;
    throw e;
  }
}

/**
 * Takes the lock object `s3a://bucket/key` for `output`.
 * @throws KindlingError `locked` when another live run (or one on another host) holds it.
 */
export async function acquireS3Lock(
  client: S3Client,
  bucket: string,
  key: string,
  output: string,
  owner: LockOwner,
): Promise<string | undefined> {
  if (await createIfAbsent(client, bucket, key, owner)) return undefined;
  const holder = await readOwner(client, bucket, key);
  const where = `s3a://${bucket}/${key}`;
  if (!isStale(holder)) throw lockedError(output, holder, where);
  await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  if (!(await createIfAbsent(client, bucket, key, owner)))
    throw lockedError(output, await readOwner(client, bucket, key), where);
  return `took over the lock of run ${holder!.runId} (pid ${holder!.pid} is gone) on ${output}`;
}

/** Deletes the lock object if this run still owns it. */
export async function releaseS3Lock(client: S3Client, bucket: string, key: string, runId: string) {
  if ((await readOwner(client, bucket, key))?.runId === runId)
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}
