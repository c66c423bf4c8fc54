/**
 * `kindling k8s scale --executors N`: the executor count of the Spark Connect driver in namespace
 * kindling, changed the way the overlay sets it. The count is `spark.executor.instances` in the
 * overlay's executors.properties, which kustomize turns into the ConfigMap `spark-conf-<hash>`;
 * a new count is a new ConfigMap name in the driver's pod template, so the Deployment replaces the
 * driver (strategy Recreate) and the new one starts N executor pods. Writing the file (not patching
 * the live objects) keeps a later `kubectl apply -k` of the overlay at N, with nothing to change.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { KindlingError } from "../errors.js";
import { type Kubectl, kubectlOutput } from "./cluster-store.js";
import { DRIVER_SELECTOR, EXECUTOR_SELECTOR, isLive, isReady, NAMESPACE, podsOf } from "./pods.js";

const INSTANCES = /^spark\.executor\.instances=(.*)$/m;

/** The count `spark.executor.instances` in an executors.properties text, or undefined. */
export function executorCount(properties: string): number | undefined {
  const value = properties.match(INSTANCES)?.[1]?.trim();
  return value === undefined ? undefined : Number(value);
}

/** Throws KindlingError `usage` unless `n` is a whole number from 1 to 64 (`--executors`). */
export function checkExecutorCount(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new KindlingError(`--executors must be a whole number from 1 to 64 (got ${n}).`, "usage");
}

/**
 * The executors.properties text with `spark.executor.instances=<n>`; every other line as it was.
 * Throws KindlingError `usage` for a count that is not a whole number from 1 to 64, `environment`
 * when `file` has no such line.
 */
export function withExecutorCount(properties: string, n: number, file: string): string {
  checkExecutorCount(n);
  if (!INSTANCES.test(properties))
    throw new KindlingError(
      `${file} has no spark.executor.instances line: add one (e.g. spark.executor.instances=2) and run this again.`,
      "environment",
    );
  return properties.replace(INSTANCES, `spark.executor.instances=${n}`);
}

/** What {@link scaleExecutors} did and how long the driver and its executors took, seconds. */
export interface ScaleOutcome {
  from: number | undefined;
  to: number;
  /** The driver pod that runs now and its executors' count. */
  driver: string;
  /** Seconds from the apply until the new driver was Ready (0 when it was not replaced). */
  driverReadySeconds: number;
  /** Seconds from the apply until N executor pods of that driver were Running. */
  seconds: number;
}

export interface ScaleOptions {
  /** The overlay folder (k8s/overlays/local or kind), whose executors.properties is rewritten. */
  overlay: string;
  executors: number;
  /** How long to wait for the driver and N executor pods, seconds. */
  timeoutSeconds: number;
  say: (line: string) => void;
}

/**
 * Writes the count into the overlay, applies it, and waits until a driver pod that was not there
 * before is Ready (unless the count was already N and nothing changed) and exactly N executor
 * pods owned by it are Running. Throws KindlingError `environment` with what was seen when the
 * wait runs out, or with kubectl's message when a call fails.
 */
export async function scaleExecutors(kubectl: Kubectl, options: ScaleOptions): Promise<ScaleOutcome> {
  const file = `${options.overlay}/executors.properties`;
  const text = readFileSync(file, "utf8");
  const from = executorCount(text);
  const next = withExecutorCount(text, options.executors, file);
  const before = new Set((await podsOf(kubectl, DRIVER_SELECTOR)).map((p) => p.metadata.uid));
  if (next !== text) writeFileSync(file, next);
  options.say(
    `${file}: spark.executor.instances ${from ?? "(unset)"} -> ${options.executors} (a later kubectl apply -k of the overlay keeps it)`,
  );
  const started = Date.now();
  const applied = await kubectlOutput(kubectl, ["apply", "-k", options.overlay]);
  for (const line of applied.split("\n").filter((l) => l && !l.endsWith(" unchanged"))) options.say(line);
  const restarts = / configured$/m.test(
    applied
      .split("\n")
      .filter((l) => l.startsWith("deployment.apps/spark-connect"))
      .join("\n"),
  );
  if (restarts)
    options.say(
      "the driver restarts: every Spark Connect session ends. A run in flight (kindling run --remote, the pipeline Job) waits for the new driver and runs again from the start (--wait-for-server); kindling k8s port-forward reconnects by itself.",
    );
  return waitForScale(kubectl, { ...options, from, before: restarts ? before : new Set(), started });
}

/** Polls the pods until a new driver is Ready and N of its executor pods run (see scaleExecutors). */
async function waitForScale(
  kubectl: Kubectl,
  o: ScaleOptions & { from: number | undefined; before: Set<string>; started: number },
): Promise<ScaleOutcome> {
  const deadline = o.started + o.timeoutSeconds * 1000;
  const secs = () => Math.round((Date.now() - o.started) / 1000);
  let driverReadySeconds: number | undefined;
  let seen = "no driver pod yet";
  for (;;) {
    const driver = (await podsOf(kubectl, DRIVER_SELECTOR)).find(
      (p) => isReady(p) && !o.before.has(p.metadata.uid),
    );
    if (driver) {
      if (driverReadySeconds === undefined) {
        driverReadySeconds = o.before.size ? secs() : 0;
        if (o.before.size) o.say(`driver ${driver.metadata.name} Ready after ${driverReadySeconds} s`);
      }
      const running = (await podsOf(kubectl, EXECUTOR_SELECTOR)).filter(
        (p) =>
          isLive(p) &&
          p.status?.phase === "Running" &&
          p.metadata.ownerReferences?.some((r) => r.uid === driver.metadata.uid),
      );
      seen = `driver ${driver.metadata.name} Ready, ${running.length} of ${o.executors} executor pods Running`;
      if (running.length === o.executors) {
        o.say(`${o.executors} executor pod(s) Running after ${secs()} s`);
        return {
          from: o.from,
          to: o.executors,
          driver: driver.metadata.name,
          driverReadySeconds,
          seconds: secs(),
        };
      }
    }
    if (Date.now() > deadline)
      throw new KindlingError(
        `the driver did not reach ${o.executors} executor pods within ${o.timeoutSeconds} s (${seen}); see kubectl -n ${NAMESPACE} logs deploy/spark-connect and kubectl -n ${NAMESPACE} get events.`,
        "environment",
      );
    await new Promise((r) => setTimeout(r, 2000));
  }
}
