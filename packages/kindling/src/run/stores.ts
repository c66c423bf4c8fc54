import type { S3Client } from "@aws-sdk/client-s3";
import { listObjects } from "../storage/objects.js";
import {
  cleanupStaging,
  outputStats,
  type PublishMode,
  publishOutput,
  recoverOutput,
  stagingPathFor,
} from "./publish.js";
import {
  discardS3Staging,
  isS3Path,
  outputS3Client,
  parseS3,
  publishS3Output,
  recoverS3Output,
  s3OutputStats,
  s3StagingPathFor,
} from "./publish-s3.js";

/**
 * Where outputs live — a local (or mounted) filesystem, or S3 through s3a — and how each is
 * staged, published, repaired and measured. The runner talks only to this.
 */
export class OutputStores {
  private client: S3Client | undefined;

  private s3(): S3Client {
    this.client ??= outputS3Client();
    return this.client;
  }

  stagingPathFor(path: string, runId: string): string {
    return isS3Path(path) ? s3StagingPathFor(path, runId) : stagingPathFor(path, runId);
  }

  async recover(path: string): Promise<string[]> {
    return isS3Path(path) ? recoverS3Output(this.s3(), path) : recoverOutput(path);
  }

  async publish(staging: string, final: string, mode: PublishMode, runId: string): Promise<void> {
    if (isS3Path(final)) await publishS3Output(this.s3(), staging, final, mode);
    else publishOutput(staging, final, mode, runId);
  }

  async cleanup(stagings: string[]): Promise<void> {
    const s3 = stagings.filter(isS3Path);
    if (s3.length) await discardS3Staging(this.s3(), s3);
    cleanupStaging(stagings.filter((p) => !isS3Path(p)));
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
