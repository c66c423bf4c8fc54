import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SparkConnectError } from "../errors.js";
import { cacheRoot } from "./paths.js";
import { isAlive } from "./provision.js";

/**
 * Ownership of the JVMs this Node process starts. Every JVM is:
 *  - registered in a pid file (`<cache>/run/<pid>.json`) naming its owner, so that the next start
 *    kills JVMs whose owner died without cleaning up (e.g. SIGKILL of Node);
 *  - watched by a tiny shell watchdog reading a pipe from Node: when Node dies for any reason the
 *    pipe closes and the watchdog kills the JVM at once;
 *  - killed on process exit, SIGINT, SIGTERM and SIGHUP.
 */
interface Owned {
  child: ChildProcess;
  watchdog: ChildProcess;
  pidFile: string;
}

const owned = new Map<number, Owned>();
let handlersInstalled = false;

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
 * Kills JVMs recorded by earlier Node processes that are gone (the SIGKILL case). Checks the
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
      try {
        process.kill(rec.pid, "SIGKILL");
        killed.push(rec.pid);
      } catch {
        /* already gone */
      }
    }
    rmSync(file, { force: true });
  }
  return killed;
}

/**
 * Starts a JVM owned by this process (see module comment). `marker` is a string unique to the
 * command line (used to recognise it later). Output goes to the given log file descriptor.
 */
export function spawnOwnedJvm(
  java: string,
  args: string[],
  logFd: number,
  marker: string,
  env?: NodeJS.ProcessEnv,
) {
  installHandlers();
  const child = spawn(java, args, {
    stdio: ["ignore", logFd, logFd],
    detached: true,
    env: env ?? process.env,
  });
  const pid = child.pid;
  if (pid === undefined)
    throw new SparkConnectError("SERVER_START", `Could not start ${java}; check that Java is installed.`);
  // The watchdog blocks on its stdin (a pipe from us); EOF means we are gone.
  const watchdog = spawn(
    "sh",
    ["-c", `cat >/dev/null; kill -TERM ${pid} 2>/dev/null; sleep 5; kill -KILL ${pid} 2>/dev/null`],
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
  child.once("exit", () => forget(pid));
  return child;
}

function forget(pid: number): void {
  const o = owned.get(pid);
  if (!o) return;
  owned.delete(pid);
  rmSync(o.pidFile, { force: true });
  // Let the watchdog go: with the JVM gone its kill is a no-op; kill it so it does not linger.
  try {
    o.watchdog.kill("SIGKILL");
  } catch {
    /* gone */
  }
}

/** Stops an owned JVM: SIGTERM, then SIGKILL after `graceMs`. Resolves when it has exited. */
export async function stopOwnedJvm(child: ChildProcess, graceMs = 10_000): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) {
    if (pid !== undefined) forget(pid);
    return;
  }
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    /* gone */
  }
  const timer = setTimeout(() => {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      /* gone */
    }
  }, graceMs);
  await exited;
  clearTimeout(timer);
  forget(pid);
}

function killAllNow(signal: NodeJS.Signals): void {
  for (const [pid, o] of owned) {
    try {
      process.kill(pid, signal);
    } catch {
      /* gone */
    }
    rmSync(o.pidFile, { force: true });
  }
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  // SIGTERM lets the JVM clean its temp dirs; the watchdog follows up with SIGKILL after 5 s.
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

/** Pids of the JVMs this process currently owns (for tests and status output). */
export function ownedPids(): number[] {
  return [...owned.keys()];
}
