import { createReadStream, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";

/**
 * Uploads every file under `localDir` to `s3a://bucket/prefix/…` (one streamed PUT per file, so an
 * object appears whole or not at all). Returns the number of files and bytes uploaded.
 */
export async function uploadDirectory(
  client: S3Client,
  localDir: string,
  bucket: string,
  prefix: string,
  onFile?: (key: string, bytes: number) => void,
): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  const walk = async (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const st = statSync(path);
      if (st.isDirectory()) {
        await walk(path);
        continue;
      }
      const key = `${prefix ? `${prefix.replace(/\/+$/, "")}/` : ""}${relative(localDir, path).split("\\").join("/")}`;
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: createReadStream(path),
          ContentLength: st.size,
        }),
      );
      files++;
      bytes += st.size;
      onFile?.(key, st.size);
    }
  };
  await walk(localDir);
  return { files, bytes };
}
