import type { S3Client } from "@aws-sdk/client-s3";
import { listObjects } from "../storage/objects.js";
import { LocalOutputStore } from "./local-store.js";
import type { OutputStore } from "./output-store.js";
import { outputStats } from "./publish.js";
import { isS3Path, outputS3Client, parseS3, s3OutputStats } from "./publish-s3.js";
import { S3OutputStore } from "./s3-store.js";

/**
 * Where outputs live — a local (or mounted) filesystem, or S3 through s3a — and how each is
 * staged, published, repaired and measured (see output-store.ts). The runner talks only to this.
 */
export class OutputStores {
  private client: S3Client | undefined;

  private s3(): S3Client {
    this.client ??= outputS3Client();
    return this.client;
  }

  /** The store of one output for one run: chosen once, by the path's scheme. */
  storeFor(path: string, runId: string): OutputStore {
    return isS3Path(path)
      ? new S3OutputStore(path, runId, () => this.s3())
      : new LocalOutputStore(path, runId);
  }

  /** The S3 client, made on first use (for run records under an s3a:// root). */
  s3Client(): S3Client {
    return this.s3();
  }

  async stats(path: string): Promise<{ files: number; bytes: number }> {
    return isS3Path(path) ? s3OutputStats(this.s3(), path) : outputStats(path);
  }

  /** Total size of input files (as Spark lists them: file:… or s3a://…). */
  async inputBytes(files: string[]): Promise<number> {
    let bytes = 0;
    const s3 = files.filter(isS3Path);
    for (const f of files.filter((x) => !isS3Path(x)))
      bytes += outputStats(f.replace(/^file:(\/\/)?/, "")).bytes;
    if (s3.length) {
      const byBucket = new Map<string, Set<string>>();
      for (const f of s3) {
        const { bucket, key } = parseS3(f);
        if (!byBucket.has(bucket)) byBucket.set(bucket, new Set());
        byBucket.get(bucket)!.add(decodeURIComponent(key));
      }
      for (const [bucket, keys] of byBucket) {
        const prefix = commonPrefix([...keys]);
        for (const o of await listObjects(this.s3(), bucket, prefix)) if (keys.has(o.key)) bytes += o.size;
      }
    }
    return bytes;
  }

  close(): void {
    this.client?.destroy();
  }
}

function commonPrefix(keys: string[]): string {
  if (!keys.length) return "";
  let p = keys[0]!;
  for (const k of keys) while (!k.startsWith(p)) p = p.slice(0, -1);
  return p;
}
