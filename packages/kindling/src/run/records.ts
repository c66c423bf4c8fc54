/**
 * Small records of a run root (`<root>/_kindling/<name>`): the publish journal and the commit
 * record. Each write replaces the record whole or not at all: locally a temporary file renamed
 * over it, on S3 a single PUT.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DeleteObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { getObjectText, putObject } from "../storage/objects.js";
import { localOf } from "./publish.js";
import { isS3Path, parseS3 } from "./publish-s3.js";

/** The folder (or prefix) under the run root that holds Kindling's run records. */
export const RECORDS_DIR = "_kindling";

export interface RecordStore {
  /** The record's text, or undefined when there is none. */
  read(name: string): Promise<string | undefined>;
  write(name: string, text: string): Promise<void>;
  remove(name: string): Promise<void>;
}

/** The record store of a run root: a local folder, or an S3 prefix (then `s3` gives the client). */
export function recordStoreFor(root: string, s3?: () => S3Client): RecordStore {
  if (isS3Path(root)) {
    if (!s3) throw new Error(`${root}: an S3 run root needs an S3 client`);
    return s3Records(root, s3);
  }
  const dir = join(localOf(root), RECORDS_DIR);
  return {
    async read(name) {
      return existsSync(join(dir, name)) ? readFileSync(join(dir, name), "utf8") : undefined;
    },
    async write(name, text) {
      mkdirSync(dir, { recursive: true });
      const tmp = join(dir, `.${name}.${process.pid}.tmp`);
      writeFileSync(tmp, text);
      renameSync(tmp, join(dir, name));
    },
    async remove(name) {
      rmSync(join(dir, name), { force: true });
    },
  };
}

function s3Records(root: string, s3: () => S3Client): RecordStore {
  const { bucket, key } = parseS3(root);
  const keyOf = (name: string) => `${key ? `${key}/` : ""}${RECORDS_DIR}/${name}`;
  return {
    async read(name) {
      try {
        return await getObjectText(s3(), bucket, keyOf(name));
      } catch (e) {
        if ((e as { name?: string }).name === "NoSuchKey") return undefined;
        throw e;
      }
    },
    async write(name, text) {
      await putObject(s3(), bucket, keyOf(name), text);
    },
    async remove(name) {
      await s3().send(new DeleteObjectCommand({ Bucket: bucket, Key: keyOf(name) }));
    },
  };
}
