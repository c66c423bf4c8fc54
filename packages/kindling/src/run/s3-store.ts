/**
 * {@link OutputStore} for an S3 prefix (s3a:// outputs). S3 has no rename, so a swap is copies:
 *  1. `<output>.kindling-old-<run>/.kindling-swap-started` is written (the swap began);
 *  2. the previous version is copied aside under `<output>.kindling-old-<run>/`, then
 *     `.kindling-aside-complete` is written there;
 *  3. the previous objects are deleted and the staged ones copied in, `_SUCCESS` and
 *     `_kindling.json` last.
 * Rolling back: no aside → the swap never began; an aside without its completion object → the
 * output was not touched yet (the aside is dropped); a complete aside → the output is restored
 * from it. During 3 the output has no `_SUCCESS`: readers that check it (or the run's commit
 * record) never take it for complete. Costs one extra copy of the previous version per run.
 */
import { CopyObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { KindlingError } from "../errors.js";
import { getObjectText, listObjects, putObject } from "../storage/objects.js";
import type { LockOwner } from "./lock.js";
import {
  LOCK_SUFFIX,
  MARKER,
  OLD_SUFFIX,
  type OutputMarker,
  type OutputStore,
  type PublishMode,
  SCRATCH_SUFFIX,
  STAGING_DIR,
  SUCCESS,
} from "./output-store.js";
import { baseOf, deleteKeys, parentOf, parseS3, s3StagingPathFor } from "./publish-s3.js";
import { acquireS3Lock, releaseS3Lock } from "./s3-lock.js";

const STARTED = ".kindling-swap-started";
const COMPLETE = ".kindling-aside-complete";

export class S3OutputStore implements OutputStore {
  readonly stagingPath: string;
  readonly scratchPath: string;
  private readonly bucket: string;
  private readonly key: string;
  private readonly staging: string;

  constructor(
    readonly path: string,
    private readonly runId: string,
    private readonly client: () => S3Client,
  ) {
    ({ bucket: this.bucket, key: this.key } = parseS3(path));
    this.stagingPath = s3StagingPathFor(path, runId);
    this.staging = parseS3(this.stagingPath).key;
    this.scratchPath = `${this.stagingPath}${SCRATCH_SUFFIX}`;
  }

  private list(prefix: string) {
    return listObjects(this.client(), this.bucket, `${prefix}/`);
  }

  /** Copies every object under `from/` to the same relative key under `to/`; `last` names go last. */
  private async copyTree(from: string, to: string, skip: (rel: string) => boolean = () => false) {
    const objs = (await this.list(from)).map((o) => o.key.slice(from.length + 1)).filter((r) => !skip(r));
    const lastOnes = [SUCCESS, MARKER];
    const ordered = [
      ...objs.filter((r) => !lastOnes.includes(r)),
      ...objs.filter((r) => lastOnes.includes(r)),
    ];
    for (const rel of ordered) {
      await this.client().send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: `${to}/${rel}`,
          CopySource: `${this.bucket}/${encodeURIComponent(`${from}/${rel}`).replace(/%2F/g, "/")}`,
        }),
      );
    }
  }

  private async deleteTree(prefix: string) {
    await deleteKeys(
      this.client(),
      this.bucket,
      (await this.list(prefix)).map((o) => o.key),
    );
  }

  async lock(owner: LockOwner): Promise<string[]> {
    const took = await acquireS3Lock(
      this.client(),
      this.bucket,
      `${this.key}${LOCK_SUFFIX}`,
      this.path,
      owner,
    );
    return took ? [took] : [];
  }

  async unlock(): Promise<void> {
    await releaseS3Lock(this.client(), this.bucket, `${this.key}${LOCK_SUFFIX}`, this.runId);
  }

  async removeStaleStaging(): Promise<string[]> {
    const parent = parentOf(this.key);
    const root = `${parent ? `${parent}/` : ""}${STAGING_DIR}`;
    const name = baseOf(this.key);
    const stale = (await this.list(root)).filter((o) => {
      const [run, output] = o.key.slice(root.length + 1).split("/");
      return run !== this.runId && (output === name || output === `${name}${SCRATCH_SUFFIX}`);
    });
    if (!stale.length) return [];
    await deleteKeys(
      this.client(),
      this.bucket,
      stale.map((o) => o.key),
    );
    return [`removed ${stale.length} stale staging object(s) of ${this.path}`];
  }

  async checkReplaceable(force: boolean): Promise<void> {
    const objs = await this.list(this.key);
    if (force || objs.length === 0 || objs.some((o) => o.key === `${this.key}/${MARKER}`)) return;
    throw new KindlingError(
      `${this.path} holds ${objs.length} object(s) that Kindling did not write (no ${MARKER}), so a run will not replace them. Point the output elsewhere, or pass --force to replace it.`,
      "output",
    );
  }

  async probeWritable(): Promise<void> {
    const probe = `${parentOf(this.staging)}/.probe-${baseOf(this.key)}`;
    await putObject(this.client(), this.bucket, probe, "kindling write probe\n");
    await deleteKeys(this.client(), this.bucket, [probe]);
  }

  async prepare(mode: PublishMode, marker: OutputMarker): Promise<void> {
    if (mode !== "overwrite") {
      const staged = new Set(
        (await this.list(this.staging)).map((o) => o.key.slice(this.staging.length + 1)),
      );
      const partitions = new Set([...staged].map((r) => r.split("/")[0]!));
      await this.copyTree(this.key, this.staging, (rel) => {
        const top = rel.split("/")[0]!;
        if (rel === SUCCESS || rel === MARKER || top.startsWith(".") || staged.has(rel)) return true;
        return mode === "dynamic" && (partitions.has(top) || !top.includes("="));
      });
    }
    await putObject(this.client(), this.bucket, `${this.staging}/${SUCCESS}`, "");
    await putObject(this.client(), this.bucket, `${this.staging}/${MARKER}`, `${JSON.stringify(marker)}\n`);
  }

  async swapIn(runId: string): Promise<void> {
    const aside = `${this.key}${OLD_SUFFIX}${runId}`;
    await putObject(this.client(), this.bucket, `${aside}/${STARTED}`, "");
    await this.copyTree(this.key, aside);
    await putObject(this.client(), this.bucket, `${aside}/${COMPLETE}`, "");
    await this.deleteTree(this.key);
    await this.copyTree(this.staging, this.key);
    await this.deleteTree(this.staging);
  }

  async rollBack(runId: string): Promise<string | undefined> {
    const aside = `${this.key}${OLD_SUFFIX}${runId}`;
    const kept = (await this.list(aside)).map((o) => o.key.slice(aside.length + 1));
    if (!kept.length) return undefined;
    if (kept.includes(COMPLETE)) {
      await this.deleteTree(this.key);
      await this.copyTree(aside, this.key, (rel) => rel === STARTED || rel === COMPLETE);
    }
    await this.deleteTree(aside);
    return kept.includes(COMPLETE)
      ? `restored the previous ${this.path} (run ${runId} did not commit)`
      : `dropped a partial copy of ${this.path} (run ${runId} died before touching it)`;
  }

  async rollForward(runId: string): Promise<string | undefined> {
    const aside = `${this.key}${OLD_SUFFIX}${runId}`;
    if (!(await this.list(aside)).length) return undefined;
    await this.deleteTree(aside);
    return `removed the version of ${this.path} that run ${runId} replaced`;
  }

  async discardStaging(): Promise<void> {
    await this.deleteTree(this.staging);
    await this.deleteTree(`${this.staging}${SCRATCH_SUFFIX}`);
  }

  async marker(): Promise<OutputMarker | undefined> {
    try {
      return JSON.parse(
        await getObjectText(this.client(), this.bucket, `${this.key}/${MARKER}`),
      ) as OutputMarker;
    } catch {
      return undefined;
    }
  }
}
