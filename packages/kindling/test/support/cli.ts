/** The real `kindling` CLI in a child process, as a user runs it: the one helper every CLI test uses. */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { scaled } from "../../../spark-connect/test/support/timeouts.js";

/** The repository root and the CLI's entry, as a user runs it (`npx kindling …`). */
export const REPO_ROOT = join(fileURLToPath(import.meta.url), "../../../../..");
export const KINDLING_BIN = join(REPO_ROOT, "packages/kindling/bin/kindling.mjs");

export interface CliResult {
  stdout: string;
  stderr: string;
  /** The process's exit code (null when a signal ended it). */
  code: number | null;
  /** The signal that ended it, if one did (e.g. SIGKILL after `timeoutMs`). */
  signal: NodeJS.Signals | null;
}

export interface CliOptions {
  /** Default: the repository root. */
  cwd?: string;
  /** Added to this process's environment. */
  env?: Record<string, string>;
  /** Kill the CLI (SIGKILL) after this long, ms; default 10 min × the load-aware test scale. */
  timeoutMs?: number;
}

/** A CLI process still running (see {@link startKindling}). */
export interface RunningCli {
  readonly child: ChildProcess;
  readonly pid: number;
  /** What it printed so far. */
  stdout(): string;
  stderr(): string;
  /**
   * Resolves once stdout or stderr contains `text`; rejects (with its output) if the CLI exits
   * first or after `timeoutMs` (default 5 min × the test scale).
   */
  waitForOutput(text: string | RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves when it exits. */
  readonly finished: Promise<CliResult>;
}

/** Starts the real CLI and returns at once, for tests that act while it runs (kill it, race it). */
export function startKindling(args: string[], options: CliOptions = {}): RunningCli {
  const child = spawn(process.execPath, [KINDLING_BIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let closed = false;
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const l of listeners) l();
  };
  child.stdout!.on("data", (d: Buffer) => {
    stdout += d.toString();
    changed();
  });
  child.stderr!.on("data", (d: Buffer) => {
    stderr += d.toString();
    changed();
  });
  const killer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? scaled(600_000));
  const finished = new Promise<CliResult>((resolve) => {
    child.once("close", (code, signal) => {
      clearTimeout(killer);
      closed = true;
      changed();
      resolve({ stdout, stderr, code, signal });
    });
  });
  const label = `kindling ${args.join(" ")}`;
  const waitForOutput = (text: string | RegExp, timeoutMs = scaled(300_000)) =>
    new Promise<void>((resolve, reject) => {
      const seen = () =>
        typeof text === "string" ? `${stdout}${stderr}`.includes(text) : text.test(`${stdout}\n${stderr}`);
      const timer = setTimeout(
        () => done(new Error(`timed out waiting for ${text} from ${label}:\n${stderr}`)),
        timeoutMs,
      );
      const check = () => {
        if (seen()) done();
        else if (closed)
          done(
            new Error(
              `${label} exited (${child.exitCode ?? child.signalCode}) before printing ${text}:\n${stderr}`,
            ),
          );
      };
      const done = (err?: Error) => {
        clearTimeout(timer);
        listeners.delete(check);
        if (err) reject(err);
        else resolve();
      };
      listeners.add(check);
      check();
    });
  return { child, pid: child.pid!, stdout: () => stdout, stderr: () => stderr, waitForOutput, finished };
}

/** Runs the real `kindling` CLI in a child process and resolves with its output and exit code. */
export function kindling(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return startKindling(args, options).finished;
}
