import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { SparkConnectError } from "../errors.js";
import { cacheRoot } from "./paths.js";
import { isAlive } from "./provision.js";

/**
 * Ownership of the long-lived processes this Node process starts (Spark JVMs, the S3 store,
 * Prometheus, …). Every one is:
 *  - the leader of its own process group, so stopping it also ends what it started itself;
 *  - registered in a pid file (`<cache>/run/<pid>.json`) naming its owner, so that the next start
 *    kills processes whose owner died without cleaning up (e.g. SIGKILL of Node);
 *  - watched by a tiny shell watchdog reading a pipe from Node: when Node dies for any reason the
 *    pipe closes and the watchdog ends the group at once;
 *  - killed on process exit, SIGINT, SIGTERM and SIGHUP.
 */
interface Registration {
  child: ChildProcess;
  watchdog: ChildProcess;
  pidFile: string;
}

const owned = new Map<number, Registration>();
let handlersInstalled = false;

/** What {@link startOwnedProcess} needs. */
export interface OwnedProcessOptions {
  /** The executable (a path or a name on PATH). */
  command: string;
  args: readonly string[];
  /** Both stdout and stderr are appended to this file (its folder is created). */
  logFile: string;
  /** A string unique to the command line: how an orphan is recognised before it is killed. */
  marker: string;
  /** Who it is in messages, e.g. `the Spark Connect server`. Default: the command's name. */
  label?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Default grace between SIGTERM and SIGKILL for {@link OwnedProcess.stop}, ms. Default 10 s. */
  stopGraceMs?: number;
}

/** A process started and owned by this one (see the module comment). */
export interface OwnedProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly label: string;
  readonly logFile: string;
  /** How it ended (`exited with code 1`, `was killed by SIGKILL`), or undefined while it runs. */
  exitDescription(): string | undefined;
  /**
   * Stops its process group: SIGTERM, then SIGKILL after `graceMs` (default: the start option).
   * Resolves once the process has exited. Idempotent.
   */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `command` as a process owned by this one (see the module comment), with its output in
 * `logFile`. Throws SparkConnectError `SERVER_START` when the process cannot be spawned.
 */
export function startOwnedProcess(options: OwnedProcessOptions): OwnedProcess {
  installHandlers();
  mkdirSync(dirname(options.logFile), { recursive: true });
  const label = options.label ?? options.command;
  const fd = openSync(options.logFile, "a");
  let child: ChildProcess;
  try {
    child = spawn(options.command, [...options.args], {
      stdio: ["ignore", fd, fd],
      detached: true, // a process group of its own
      env: options.env ?? process.env,
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
  } finally {
    closeSync(fd);
  }
  let ended: string | undefined;
  // Without a listener a failed spawn (ENOENT) would be an uncaught 'error' event.
  child.once("error", (err) => {
    ended ??= `could not be started (${err.message})`;
  });
  const pid = child.pid;
  if (pid === undefined)
    throw new SparkConnectError(
      "SERVER_START",
      `Could not start ${label} (${options.command}); check that it is installed.`,
    );
  child.once("exit", (code, sig) => {
    ended = sig ? `was killed by ${sig}` : `exited with code ${code}`;
    forget(pid);
  });
  register(child, pid, options.marker);
  return {
    child,
    pid,
    label,
    logFile: options.logFile,
    exitDescription: () => ended,
    stop: (graceMs = options.stopGraceMs ?? 10_000) => stopGroup(child, graceMs),
  };
}

function register(child: ChildProcess, pid: number, marker: string): void {
  // The watchdog blocks on its stdin (a pipe from us); EOF means we are gone. SIGTERM first lets
  // a JVM clean its temp dirs.
  const watchdog = spawn(
    "sh",
    [
      "-c",
      `cat >/dev/null; kill -TERM -${pid} ${pid} 2>/dev/null; sleep 5; kill -KILL -${pid} ${pid} 2>/dev/null`,
    ],
    { stdio: ["pipe", "ignore", "ignore"], detached: true },
  );
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void })?.unref?.();
  const pidFile = join(runDir(), `${pid}.json`);
  writeFileSync(
    pidFile,
    JSON.stringify({ pid, owner: process.pid, marker, started: new Date().toISOString() }),
  );
  owned.set(pid, { child, watchdog, pidFile });
}

function forget(pid: number): void {
  const o = owned.get(pid);
  if (!o) return;
  owned.delete(pid);
  rmSync(o.pidFile, { force: true });
  // With the process gone the watchdog's kill is a no-op; end it so it does not linger.
  try {
    o.watchdog.kill("SIGKILL");
  } catch {
    /* gone */
  }
}

/** Signals the process group led by `pid`, and `pid` itself should it have left the group. */
function signalGroup(pid: number, sig: NodeJS.Signals): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, sig);
    } catch {
      /* gone */
    }
  }
}

async function stopGroup(child: ChildProcess, graceMs: number): Promise<void> {
  const pid = child.pid!;
  if (child.exitCode !== null || child.signalCode !== null) {
    // Whatever it started may still run in its group.
    signalGroup(pid, "SIGKILL");
    forget(pid);
    return;
  }
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  signalGroup(pid, "SIGTERM");
  const timer = setTimeout(() => signalGroup(pid, "SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
  forget(pid);
}

function runDir(): string {
  const dir = join(cacheRoot(), "run");
  mkdirSync(dir, { recursive: true });
  return dir;
}

function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return "";
  }
}

/**
 * Kills processes recorded by earlier Node processes that are gone (the SIGKILL case). Checks the
 * command line before killing so a recycled pid is never hit. Returns the pids killed.
 */
export function reapOrphans(): number[] {
  const killed: number[] = [];
  const dir = runDir();
  for (const name of readdirSync(dir)) {
    if (!name.endsWith(".json")) continue;
    const file = join(dir, name);
    let rec: { pid: number; owner: number; marker: string };
    try {
      rec = JSON.parse(readFileSync(file, "utf8"));
    } catch {
      rmSync(file, { force: true });
      continue;
    }
    if (isAlive(rec.owner) && rec.owner !== process.pid) continue;
    if (owned.has(rec.pid)) continue;
    if (isAlive(rec.pid) && commandLineOf(rec.pid).includes(rec.marker)) {
      signalGroup(rec.pid, "SIGKILL");
      killed.push(rec.pid);
    }
    rmSync(file, { force: true });
  }
  return killed;
}

function killAllNow(signal: NodeJS.Signals): void {
  for (const [pid, o] of owned) {
    signalGroup(pid, signal);
    rmSync(o.pidFile, { force: true });
  }
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  // SIGTERM lets a JVM clean its temp dirs; the watchdog follows up with SIGKILL after 5 s.
  process.on("exit", () => killAllNow("SIGTERM"));
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const handler = () => {
      killAllNow("SIGTERM");
      process.off(sig, handler);
      // Keep the default behaviour (exit by that signal) unless the program handles it itself.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, handler);
  }
}

/** Pids of the processes this process currently owns (for tests and status output). */
export function ownedPids(): number[] {
  return [...owned.keys()];
}
