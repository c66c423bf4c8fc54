/**
 * The groups of tests that need something beyond Node, Java and Maven, and the explicit opt-out
 * `KINDLING_TEST_SKIP=<need>,<need>…` that leaves such a group (and its setup) out of a run.
 * No import of the Spark client here: the setup reads this before the protocol code exists.
 */
import { KindlingError } from "../errors.js";

/** What each opt-out key covers (printed in messages and at the end of a run that used it). */
export const TEST_NEEDS = {
  s3: "the S3 tests (a real SeaweedFS, Spark's s3a connector)",
  minio: "the MinIO compatibility test (a real MinIO; it runs inside the S3 tests, so s3 implies minio)",
  metrics: "the metrics tests (a real Prometheus + Pushgateway, the JMX exporter agent)",
  browser: "the browser tests (headless Chromium)",
  netns: "the worker network-namespace test (root, iproute2, iptables)",
  k8s: "the Kubernetes manifest validation (kubeconform + a server-side dry run on a real kube-apiserver)",
} as const;

/** One opt-out key: a group of tests and the setup steps only they need. */
export type TestNeed = keyof typeof TEST_NEEDS;

/** The environment variable that opts groups of tests out of a run. */
export const TEST_SKIP_VARIABLE = "KINDLING_TEST_SKIP";

/**
 * Parses `KINDLING_TEST_SKIP` (comma- or space-separated keys of {@link TEST_NEEDS}; empty or
 * unset: nothing is skipped); `s3` implies `minio`. Throws KindlingError (code `usage`) naming the unknown key and the
 * valid ones, so a typo cannot silently run or skip the wrong tests.
 */
export function parseTestSkip(value: string | undefined = process.env[TEST_SKIP_VARIABLE]): Set<TestNeed> {
  const keys = (value ?? "")
    .split(/[\s,]+/)
    .map((k) => k.trim().toLowerCase())
    .filter(Boolean);
  const unknown = keys.filter((k) => !(k in TEST_NEEDS));
  if (unknown.length)
    throw new KindlingError(
      `${TEST_SKIP_VARIABLE}=${value}: unknown ${unknown.length === 1 ? "key" : "keys"} ` +
        `${unknown.map((k) => `'${k}'`).join(", ")}; the keys are ${Object.keys(TEST_NEEDS).join(", ")}.`,
      "usage",
    );
  const skip = new Set(keys as TestNeed[]);
  if (skip.has("s3")) skip.add("minio");
  return skip;
}

/** The line a run prints at its end when groups were opted out (undefined when none were). */
export function optOutSummary(skip: ReadonlySet<TestNeed>): string | undefined {
  if (!skip.size) return undefined;
  const what = [...skip].map((k) => `  ${k}: ${TEST_NEEDS[k]}`).join("\n");
  return `${TEST_SKIP_VARIABLE}=${[...skip].join(",")}: NOT TESTED in this run (explicit opt-out):\n${what}`;
}
