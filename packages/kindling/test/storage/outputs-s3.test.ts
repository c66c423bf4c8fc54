/**
 * Outputs on S3 as a set, against a real SeaweedFS: the store honours conditional create
 * (If-None-Match: *) so the lock object admits one writer; a run SIGKILLed between its swaps is
 * rolled back whole by the next run, one killed after its commit record rolled forward; a reader
 * that checks the commit record never takes a mix for the committed set.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { readCommittedSet } from "../../src/run/run-commit.js";
import { S3OutputStore } from "../../src/run/s3-store.js";
import {
  createBucket,
  credentialsEnv,
  getObjectText,
  listObjects,
  type S3Server,
  s3Client,
  startS3Server,
  storeBinary,
} from "../../src/storage/index.js";
import { killAt, killStarted, start } from "../run/support/publisher.js";
import { describeWith } from "../support/needs.js";

const binary = storeBinary("seaweedfs");
const BUCKET = "kindling-outputs";

let dataDir: string;
let store: S3Server;
let s3: S3Client;
let env: Record<string, string>;
let n = 0;

/** A fresh prefix per test, with outputs a and b. */
function prefix() {
  const root = `s3a://${BUCKET}/t${++n}-${Date.now()}`;
  return { root, a: `${root}/a`, b: `${root}/b` };
}

/** The data objects (relative key → content) of an output. */
async function content(path: string): Promise<Record<string, string>> {
  const key = path.replace(`s3a://${BUCKET}/`, "");
  const out: Record<string, string> = {};
  for (const o of await listObjects(s3, BUCKET, `${key}/`)) {
    const rel = o.key.slice(key.length + 1);
    if (!rel.startsWith("_") && !rel.startsWith(".")) out[rel] = await getObjectText(s3, BUCKET, o.key);
  }
  return out;
}

const storeFor = (p: string) => new S3OutputStore(p, "reader", () => s3);

describeWith("s3", `outputs on S3 (SeaweedFS ${binary.version})`, {}, () => {
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "kindling-s3-outputs-"));
    store = await startS3Server({
      dataDir,
      accessKey: "kindling-test-access-key",
      secretKey: `kindling-test-secret-${process.pid}`,
    });
    s3 = s3Client(store.endpoint, store.credentials);
    await createBucket(s3, BUCKET);
    env = { ...credentialsEnv(store.credentials), KINDLING_S3_ENDPOINT: store.endpoint };
  }, 180_000);
  afterEach(killStarted);
  afterAll(async () => {
    s3?.destroy();
    await store?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("the store refuses a second create of the same key under If-None-Match: * (412)", async () => {
    const put = () =>
      s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `cond-${n}`, Body: "x", IfNoneMatch: "*" }));
    await put();
    await expect(put()).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
  });

  it("a second run fails at once naming the first, while the first holds the lock", async () => {
    const { root, a } = prefix();
    const first = start({ root, runId: "r1", outputs: { [a]: { "x.txt": "a1" } } }, "staged", env);
    await first.reached("kindling-test: paused at staged");
    const second = await start({ root, runId: "r2", outputs: { [a]: { "x.txt": "a2" } } }, undefined, env)
      .exited;
    expect(second.code).toBe(3);
    expect(second.stderr).toMatch(
      new RegExp(`^locked: ${a} is being written by run r1 \\(pid ${first.p.pid} on `, "m"),
    );
    first.p.kill("SIGKILL");
    await first.exited;
    const third = await start({ root, runId: "r3", outputs: { [a]: { "x.txt": "a3" } } }, undefined, env)
      .exited;
    expect(third.code, third.stderr).toBe(0);
    expect(await content(a)).toEqual({ "x.txt": "a3" });
  });

  it("a run killed between two swaps is rolled back whole; one killed after its commit rolled forward", async () => {
    const { root, a, b } = prefix();
    const r1 = await start(
      { root, runId: "r1", outputs: { [a]: { "x.txt": "a1" }, [b]: { "x.txt": "b1" } } },
      undefined,
      env,
    ).exited;
    expect(r1.code, r1.stderr).toBe(0);
    await killAt(
      { root, runId: "r2", outputs: { [a]: { "y.txt": "a2" }, [b]: { "y.txt": "b2" } } },
      "swap:1",
      env,
    );
    expect([await content(a), await content(b)]).toEqual([{ "y.txt": "a2" }, { "x.txt": "b1" }]);
    await expect(readCommittedSet(root, "p", storeFor, () => s3)).rejects.toThrow(/not the committed set/);
    const r3 = start({ root, runId: "r3", outputs: { [a]: { "z.txt": "a3" } } }, "staged", env);
    await r3.reached("kindling-test: paused at staged");
    expect([await content(a), await content(b)]).toEqual([{ "x.txt": "a1" }, { "x.txt": "b1" }]);
    expect((await readCommittedSet(root, "p", storeFor, () => s3)).runId).toBe("r1");
    r3.p.kill("SIGKILL");
    await r3.exited;
    await killAt(
      { root, runId: "r4", outputs: { [a]: { "w.txt": "a4" }, [b]: { "w.txt": "b4" } } },
      "commit",
      env,
    );
    expect((await readCommittedSet(root, "p", storeFor, () => s3)).outputs).toEqual({ [a]: "r4", [b]: "r4" });
    const r5 = await start({ root, runId: "r5", outputs: { [b]: { "v.txt": "b5" } } }, undefined, env).exited;
    expect(r5.code, r5.stderr).toBe(0);
    expect([await content(a), await content(b)]).toEqual([{ "w.txt": "a4" }, { "v.txt": "b5" }]);
    expect((await readCommittedSet(root, "p", storeFor, () => s3)).outputs).toEqual({ [a]: "r4", [b]: "r5" });
    // Nothing left over: no asides, no staging, no locks, no journal.
    const key = root.replace(`s3a://${BUCKET}/`, "");
    const left = (await listObjects(s3, BUCKET, `${key}/`)).map((o) => o.key.slice(key.length + 1));
    expect(left.filter((k) => !/^(a|b)\/|^_kindling\/p\.commit\.json$/.test(k))).toEqual([]);
  });
});
