import {
  CreateBucketCommand,
  GetObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import type { S3Credentials } from "./credentials.js";

/** One object of a listing. */
export interface S3ObjectInfo {
  key: string;
  size: number;
}

export interface S3ClientOptions {
  /** Default `us-east-1` (what local stores expect). */
  region?: string;
  /** Attempts per call, first included. Default 3 (the SDK's standard retry with backoff). */
  maxAttempts?: number;
}

/**
 * An S3 client for an S3-compatible endpoint: path-style addressing (`http://host/bucket/key`),
 * checksums only where the API requires them (some stores reject the SDK's newer default trailers).
 * Call `destroy()` when done.
 */
export function s3Client(
  endpoint: string,
  credentials: S3Credentials,
  options: S3ClientOptions = {},
): S3Client {
  return new S3Client({
    endpoint,
    region: options.region ?? "us-east-1",
    forcePathStyle: true,
    maxAttempts: options.maxAttempts ?? 3,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
    },
  });
}

/** Names of the buckets the credentials can see. Throws the SDK's error when the call fails. */
export async function listBuckets(client: S3Client): Promise<string[]> {
  const out = await client.send(new ListBucketsCommand({}));
  return (out.Buckets ?? []).map((b) => b.Name ?? "").filter(Boolean);
}

/** Creates a bucket; a bucket that already exists and is ours is fine. Throws on any other failure. */
export async function createBucket(client: S3Client, bucket: string): Promise<void> {
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (e) {
    if (e instanceof S3ServiceException && /BucketAlreadyOwnedByYou|BucketAlreadyExists/.test(e.name)) return;
    throw e;
  }
}

/** Writes one object (a single PUT: it appears whole or not at all). */
export async function putObject(
  client: S3Client,
  bucket: string,
  key: string,
  body: string | Uint8Array,
): Promise<void> {
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

/** Reads one object as UTF-8 text. Throws the SDK's `NoSuchKey` error when it is missing. */
export async function getObjectText(client: S3Client, bucket: string, key: string): Promise<string> {
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await out.Body?.transformToString("utf8")) ?? "";
}

/** Every object under `prefix` (all pages), in key order. */
export async function listObjects(client: S3Client, bucket: string, prefix = ""): Promise<S3ObjectInfo[]> {
  const out: S3ObjectInfo[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) if (o.Key) out.push({ key: o.Key, size: o.Size ?? 0 });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
