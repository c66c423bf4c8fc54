/** Waiting until a started server is ready, and saying clearly why it is not. */
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { availableParallelism, loadavg } from "node:os";
import { SparkConnectError } from "../errors.js";
import type { OwnedProcess } from "./processes.js";

/** A process whose exit ends a wait early: an {@link OwnedProcess}, or anything that says the same. */
export type WatchedProcess = Pick<OwnedProcess, "label" | "pid" | "logFile" | "exitDescription">;

/** Why {@link waitUntilReady} gave up. */
export interface ReadyFailure {
  reason: "exited" | "timeout";
  /** The whole message: what was awaited, why it failed, and the log's last lines. */
  message: string;
  /** The log of the process that exited (or of the first watched one, on a timeout). */
  logFile?: string;
}

/** What {@link waitUntilReady} waits for. */
export interface ReadyWait {
  /** What is awaited, completing "waiting for …", e.g. `the master to answer`. */
  what: string;
  /** True once ready. A throw counts as "not yet"; the last error is quoted on a timeout. */
  check: () => boolean | Promise<boolean>;
  /** Processes whose exit ends the wait at once with their log's last lines. */
  watch?: readonly WatchedProcess[];
  /** The limit on an idle machine, ms; the wait allows this times {@link busyMachineScale}. */
  timeoutMs: number;
  /** Poll interval, ms. Default 250. */
  intervalMs?: number;
  /** Extra explanation for a timeout (e.g. an executor's stderr), appended to the message. */
  diagnose?: () => string;
  /** Builds the error thrown (the caller's error family). Default: a `ProcessNotReadyError`. */
  error?: (failure: ReadyFailure) => Error;
}

/** The default error of {@link waitUntilReady}: code `SERVER_START`. */
export class ProcessNotReadyError extends SparkConnectError {
  readonly reason: ReadyFailure["reason"];
  readonly logFile: string | undefined;
  constructor(failure: ReadyFailure) {
    super("SERVER_START", failure.message);
    this.name = "ProcessNotReadyError";
    this.reason = failure.reason;
    this.logFile = failure.logFile;
  }
}

const MAX_LOAD_SCALE = 5;

/**
 * How much longer than on an idle machine a start may take now: 1 + the load average (the
 * larger of 1 and 5 minutes) per core, at most 5. Load 13 on 2 cores (several Spark JVMs and a
 * Go build, measured on these machines) gives 5 where an idle machine gives 1.
 */
export function busyMachineScale(load: number[] = loadavg(), cores: number = availableParallelism()): number {
  const perCore = Math.max(load[0] ?? 0, load[1] ?? 0) / Math.max(1, cores);
  return Math.round(Math.min(MAX_LOAD_SCALE, 1 + perCore) * 10) / 10;
}

/**
 * Polls `check` until it returns true. Throws (through `error`, default
 * {@link ProcessNotReadyError}) as soon as a watched process exits — naming it, its log file and
 * the log's last lines — or when the limit passes — naming what was awaited, the last error of
 * `check` or `diagnose()`, and the first watched process's log tail. Stops nothing itself.
 */
export async function waitUntilReady(wait: ReadyWait): Promise<void> {
  const limitMs = Math.round(wait.timeoutMs * busyMachineScale());
  const deadline = Date.now() + limitMs;
  const watched = wait.watch ?? [];
  const fail = (f: ReadyFailure) => (wait.error ?? ((x) => new ProcessNotReadyError(x)))(f);
  let lastError = "";
  for (;;) {
    const dead = watched.find((p) => p.exitDescription() !== undefined);
    if (dead) throw fail(exitFailure(dead, wait.what));
    try {
      if (await wait.check()) return;
      lastError = "";
    } catch (err) {
      lastError = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
    if (Date.now() > deadline) {
      // It may have died while the last check ran: that is the better explanation.
      const late = watched.find((p) => p.exitDescription() !== undefined);
      throw fail(late ? exitFailure(late, wait.what) : timeoutFailure(wait, limitMs, lastError));
    }
    await new Promise((r) => setTimeout(r, wait.intervalMs ?? 250));
  }
}

function exitFailure(p: WatchedProcess, what: string): ReadyFailure {
  return {
    reason: "exited",
    logFile: p.logFile,
    message:
      `${p.label} (pid ${p.pid}) ${p.exitDescription()} while waiting for ${what}. ` +
      `Last lines of ${p.logFile}:\n${logTail(p.logFile)}`,
  };
}

function timeoutFailure(wait: ReadyWait, limitMs: number, lastError: string): ReadyFailure {
  const first = wait.watch?.[0];
  const detail = wait.diagnose?.() || (lastError ? ` (last error: ${lastError})` : "");
  const tail = first && !wait.diagnose ? `. Last lines of ${first.logFile}:\n${logTail(first.logFile)}` : "";
  return {
    reason: "timeout",
    ...(first ? { logFile: first.logFile } : {}),
    message: `timed out after ${Math.round(limitMs / 1000)} s waiting for ${wait.what}${detail}${tail}`,
  };
}

/** The last `lines` lines of a log file (for error messages); `(no log)` when it cannot be read. */
export function logTail(file: string, lines = 25): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/** True when something accepts TCP connections on 127.0.0.1:`port` (a readiness check). */
export function portAccepts(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, host);
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

/** True when GET `url` answers 2xx within 2 s (a readiness check, e.g. Prometheus's `/-/ready`). */
export async function httpOk(url: string): Promise<boolean> {
  const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
  return r.ok;
}
