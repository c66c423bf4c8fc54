/**
 * A run whose Spark Connect server goes away mid-run, waited through: on Kubernetes the driver is a
 * Deployment running the Connect server, and changing its executor count (`kindling k8s scale`)
 * replaces the pod, which ends every Spark Connect session. Spark's dynamic allocation cannot set a
 * live driver's executor count on demand (it follows the task backlog between min and max), so the
 * restart is waited through instead: wait until the server answers again, then run the whole
 * pipeline once more with a fresh session. Safe because a failed run publishes nothing (every
 * output is staged and swapped in as one set after Spark is done; see run/runner.ts), unless a
 * Delta commit had begun: that goes through Spark, so such a run is not run again.
 */
import { SparkConnectError, SparkSession } from "@kindling/spark-connect";
import { KindlingError } from "../errors.js";
import type { RunEvent, RunResult, ServerLoss, ServerRestart } from "./result.js";

/**
 * Spark's error classes for a server that no longer knows the client's session or operation:
 * it was restarted while the client re-attached (Spark Connect's `INVALID_HANDLE` conditions).
 */
const RESTARTED_SERVER = /^INVALID_HANDLE\.(SESSION_CHANGED|SESSION_NOT_FOUND|OPERATION_NOT_FOUND)/;
/**
 * Spark's words for a query that met the server's SparkContext stopping: a Kubernetes driver pod
 * being replaced stops its SparkContext (SIGTERM, shutdown hook) while the Connect server still
 * answers for a moment (seen on the local cluster: "Cannot call methods on a stopped SparkContext").
 */
const STOPPING_SERVER = /Cannot call methods on a stopped SparkContext|because SparkContext was shut down/;

/**
 * How the Spark Connect server was lost, from `e` or an error in its `cause` chain: `gone` for the
 * client's code `UNAVAILABLE` (the connection failed and re-attaching gave up) or a server that
 * came back without the session (`INVALID_HANDLE.SESSION_CHANGED|SESSION_NOT_FOUND|OPERATION_NOT_FOUND`);
 * `stopping` for a query failed by the server's SparkContext stopping. Undefined for anything else.
 */
export function serverLoss(e: unknown): ServerLoss | undefined {
  let c: unknown = e;
  for (let hops = 0; c && hops < 8; hops++, c = (c as { cause?: unknown }).cause) {
    if (!(c instanceof SparkConnectError)) continue;
    if (c.code === "UNAVAILABLE" || RESTARTED_SERVER.test(c.errorClass ?? "")) return "gone";
    if (STOPPING_SERVER.test(`${c.message} ${c.rootCause?.message ?? ""}`)) return "stopping";
  }
  return undefined;
}

/** True when {@link serverLoss} recognises `e`. */
export function serverWentAway(e: unknown): boolean {
  return serverLoss(e) !== undefined;
}

/** How {@link runRerunningAfterServerLoss} waits and how often it runs again. */
export interface ServerLossOptions {
  /** The server's address, for messages (`sc://host:port`). */
  url: string;
  /** How long to wait for the server to answer again, seconds; 0: do not wait (the failure as it was). */
  waitSeconds: number;
  /**
   * Whether a server that does not answer at the first run's start is waited for too (default
   * true). The CLI waits there only when `--wait-for-server` was given (a Job started while its
   * driver restarts): by default a mistyped `--remote` fails at once.
   */
  waitAtStart?: boolean;
  /** Runs of the whole pipeline at most, the first included. Default 3. */
  maxAttempts?: number;
  /** Whether the server answers now; default {@link connectServerAnswers} on `url`. */
  answers?: () => Promise<boolean>;
  /** Time between two asks while waiting, ms. Default 2000. */
  pollMs?: number;
  /** One line per event (the loss, the wait's outcome); the CLI prints them on stderr. */
  say: (line: string) => void;
}

/** One run of the pipeline: `n` counts from 1; `watch` must see the run's events (its Delta commits). */
export type PipelineAttempt = (n: number, watch: (e: RunEvent) => void) => Promise<RunResult>;

/**
 * Runs `attempt` and, while it fails because the server went away ({@link serverWentAway}), waits
 * up to `waitSeconds` for the server to answer and runs it again from the start, at most
 * `maxAttempts` times in all. The result is the last attempt's, with `restarts` listing each
 * earlier attempt that the server's loss ended (run id, error, seconds waited). A server that does
 * not answer at the first run's start is waited for the same way unless `waitAtStart` is false. A server that does not come
 * back ends the run as failed with code `environment` and a message that says so.
 * Throws what `attempt` throws when that is not a lost server (or it is and cannot be waited for:
 * a KindlingError `environment` then).
 */
export async function runRerunningAfterServerLoss(
  attempt: PipelineAttempt,
  options: ServerLossOptions,
): Promise<RunResult> {
  const maxAttempts = options.maxAttempts ?? 3;
  const restarts: ServerRestart[] = [];
  for (let n = 1; ; n++) {
    let committing = false;
    const watch = (e: RunEvent) => {
      if (e.type === "commit") committing = true;
    };
    let result: RunResult | undefined;
    let thrown: unknown;
    try {
      result = await attempt(n, watch);
    } catch (e) {
      if (!serverWentAway(e)) throw e;
      thrown = e;
    }
    if (result && !result.serverLoss) return withRestarts(result, restarts);
    const loss = result?.serverLoss ?? serverLoss(thrown)!;
    // Waiting off: the failure as it was, in the client's own words.
    if (options.waitSeconds <= 0 && !restarts.length) {
      if (result) return result;
      throw thrown;
    }
    // The first run threw before it had a result: the server did not answer at its start (a
    // mistyped --remote, or a Job started while the driver restarts), not "went away mid-run".
    const atStart = !result && n === 1;
    if (atStart && options.waitAtStart === false) throw thrown;
    const error = result?.error ?? (thrown as Error).message;
    const stop = reasonNotToWait(n, maxAttempts, committing);
    const waited = stop ? undefined : await waitThrough(options, loss, atStart);
    if (!waited?.back) {
      const message = atStart
        ? `the Spark Connect server at ${options.url} did not answer within ${options.waitSeconds} s: ${error}`
        : `the Spark Connect server at ${options.url} went away mid-run ${stop ?? `and did not answer again within ${options.waitSeconds} s`}: ${error}`;
      if (!result) throw new KindlingError(message, "environment", { cause: thrown });
      return withRestarts({ ...result, error: message, errorCode: "environment" }, restarts);
    }
    restarts.push({
      attempt: n,
      ...(result ? { runId: result.runId } : {}),
      error,
      waitedMs: waited.ms,
    });
    options.say(
      `kindling: it is back after ${(waited.ms / 1000).toFixed(0)} s: running the pipeline again from the start (attempt ${n + 1} of ${maxAttempts})`,
    );
  }
}

/** Why a lost server is not waited for (in words that follow "went away mid-run"), or undefined. */
function reasonNotToWait(n: number, max: number, committing: boolean): string | undefined {
  if (committing)
    return "while a Delta sink was committing, so the run is not run again (a commit may have landed: see the table's history)";
  if (n >= max) return `again (nothing was published; ${max} attempts made, none finished)`;
  return undefined;
}

/**
 * Says the server went away, then asks it every `pollMs` until it answers or the wait is over. A
 * server whose SparkContext was `stopping` may still answer while its JVM ends: it counts as back
 * only after it was seen not answering once (the new server then answers).
 */
async function waitThrough(
  options: ServerLossOptions,
  loss: ServerLoss,
  atStart: boolean,
): Promise<{ back: boolean; ms: number }> {
  options.say(
    atStart
      ? `kindling: the Spark Connect server at ${options.url} does not answer; waiting up to ${options.waitSeconds} s for it…`
      : `kindling: the Spark Connect server at ${options.url} went away mid-run (nothing was published); waiting up to ${options.waitSeconds} s for it…`,
  );
  const answers = options.answers ?? (() => connectServerAnswers(options.url));
  const pollMs = options.pollMs ?? 2000;
  const started = Date.now();
  const deadline = started + options.waitSeconds * 1000;
  let seenGone = loss === "gone";
  for (;;) {
    if (await answers()) {
      if (seenGone) return { back: true, ms: Date.now() - started };
    } else seenGone = true;
    if (Date.now() + pollMs > deadline) return { back: false, ms: Date.now() - started };
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/**
 * True when the Spark Connect server at `url` answers an AnalyzePlan `sparkVersion` call on a
 * fresh session within `timeoutMs` (no re-attach retries); false on any failure.
 */
export async function connectServerAnswers(url: string, timeoutMs = 10_000): Promise<boolean> {
  let session: SparkSession | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    session = await SparkSession.builder().remote(url).retryPolicy({ maxRetries: 0 }).getOrCreate();
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("no answer")), timeoutMs);
    });
    await Promise.race([session.version(), late]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    await session?.stop().catch(() => undefined);
  }
}

function withRestarts(result: RunResult, restarts: ServerRestart[]): RunResult {
  return restarts.length ? { ...result, restarts } : result;
}

/**
 * The restarts in one line for reports and the summary, e.g. "ran 2 times: run 1
 * (20261130T101500-1a2b3c4d) ended when the Spark Connect server went away (…); it answered again
 * after 41 s".
 */
export function describeRestarts(restarts: readonly ServerRestart[]): string {
  const each = restarts.map(
    (r) =>
      `run ${r.attempt}${r.runId ? ` (${r.runId})` : ""} ended when the Spark Connect server went away (${r.error.slice(0, 300)}); it answered again after ${(r.waitedMs / 1000).toFixed(0)} s`,
  );
  return `ran ${restarts.length + 1} times: ${each.join("; ")}`;
}
