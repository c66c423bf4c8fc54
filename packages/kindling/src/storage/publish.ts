import type { S3Client } from "@aws-sdk/client-s3";
import { S3StoreError } from "./errors.js";
import { listObjects, type S3ObjectInfo } from "./objects.js";

/** The marker Spark's committer writes last, once every file of a job is in place. */
export const SUCCESS_MARKER = "_SUCCESS";

/**
 * The data files of a committed Spark output at `s3://bucket/prefix/`: the objects next to its
 * `_SUCCESS` marker, in key order, without the marker, hidden files (`_…`, `.…`) and leftovers of `_temporary/`.
 * Throws {@link S3StoreError} `NOT_COMMITTED` when there is no marker: the output is missing, still
 * being written, or was left by a failed job — in every case not to be read as complete.
 */
export async function committedFiles(
  client: S3Client,
  bucket: string,
  prefix: string,
): Promise<S3ObjectInfo[]> {
  const dir = prefix.endsWith("/") ? prefix : `${prefix}/`;
  const objects = await listObjects(client, bucket, dir);
  if (!objects.some((o) => o.key === dir + SUCCESS_MARKER)) {
    throw new S3StoreError(
      "NOT_COMMITTED",
      `s3://${bucket}/${dir} has no ${SUCCESS_MARKER} marker (${objects.length} objects): the output is ` +
        "missing, still being written, or left by a failed job, so it is not treated as complete.",
    );
  }
  return objects.filter((o) => {
    const rest = o.key.slice(dir.length);
    // Partition folders (`day=…/part-…`) are data; `_temporary/`, `.crc` files and folder markers are not.
    return (
      !rest.endsWith("/") && rest.split("/").every((seg) => !seg.startsWith("_") && !seg.startsWith("."))
    );
  });
}
