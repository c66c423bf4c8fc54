/**
 * A run's publishing without Spark, as a real process a test can kill: locks the outputs (local
 * paths, or s3a:// with KINDLING_S3_ENDPOINT and AWS_* credentials in the environment), writes each
 * one's staged files (what Spark would write), then publishes them as one set.
 * argv[2]: JSON { root, pipeline, runId, outputs: { <path>: { <file>: <content> } }, mode? }.
 * Exit 0 after publishing; on a KindlingError prints `code: message` to stderr and exits 3.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { KindlingError } from "../../../src/errors.js";
import type { PublishMode } from "../../../src/run/output-store.js";
import { isS3Path, parseS3 } from "../../../src/run/publish-s3.js";
import { RunOutputs, testPause } from "../../../src/run/run-commit.js";
import { OutputStores } from "../../../src/run/stores.js";
import { putObject } from "../../../src/storage/objects.js";

const args = JSON.parse(process.argv[2]!) as {
  root: string;
  pipeline: string;
  runId: string;
  outputs: Record<string, Record<string, string>>;
  mode?: PublishMode;
  force?: boolean;
};

async function main() {
  const paths = Object.keys(args.outputs);
  const stores = new OutputStores();
  const run = await RunOutputs.open(paths, {
    pipeline: args.pipeline,
    runId: args.runId,
    startedAt: new Date().toISOString(),
    root: args.root,
    storeFor: (p) => stores.storeFor(p, args.runId),
    force: args.force ?? false,
    s3: () => stores.s3Client(),
  });
  try {
    process.stderr.write(`kindling-test: locked\n`);
    for (const p of paths) {
      await run.probe(p);
      for (const [file, content] of Object.entries(args.outputs[p]!)) {
        if (isS3Path(p)) {
          const { bucket, key } = parseS3(run.stagingPath(p));
          await putObject(stores.s3Client(), bucket, `${key}/${file}`, content);
          continue;
        }
        const f = join(run.stagingPath(p), file);
        mkdirSync(dirname(f), { recursive: true });
        writeFileSync(f, content);
      }
    }
    testPause("staged");
    await run.publish(new Map(paths.map((p) => [p, args.mode ?? "overwrite"])));
    await run.discard();
  } finally {
    await run.release();
    stores.close();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(e instanceof KindlingError ? `${e.code}: ${e.message}\n` : `${e?.stack ?? e}\n`);
    process.exit(e instanceof KindlingError ? 3 : 1);
  },
);
