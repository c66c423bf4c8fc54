/**
 * One writer per output folder. A run takes a lock beside each output it writes before it touches
 * anything there (recovery included), and releases it when it is done. Locally the lock is a file
 * created with O_EXCL (`wx`), so exactly one of two racing runs creates it; the file names its
 * owner so a second run can say who holds it, and so a lock left by a killed run (a pid that no
 * longer lives on this host) can be taken over.
 */
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { KindlingError } from "../errors.js";

/** Who holds a lock: written into the lock file or object as JSON. */
export interface LockOwner {
  runId: string;
  pid: number;
  host: string;
  /** ISO 8601, when the run started. */
  startedAt: string;
}

/** The owner record for the current process. */
export function currentOwner(runId: string, startedAt: string): LockOwner {
  return { runId, pid: process.pid, host: hostname(), startedAt };
}

/** Whether a process with this pid runs on this host (signal 0 checks without sending anything). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A lock that can be taken over: its owner ran on this host and its pid is gone. */
export function isStale(owner: LockOwner | undefined): boolean {
  return owner !== undefined && owner.host === hostname() && !pidAlive(owner.pid);
}

/** The `locked` error a second run gets, naming the holder. */
export function lockedError(output: string, owner: LockOwner | undefined, lockPath: string): KindlingError {
  const who = owner
    ? `run ${owner.runId} (pid ${owner.pid} on ${owner.host}, started ${owner.startedAt})`
    : "another run (its lock could not be read)";
  return new KindlingError(
    `${output} is being written by ${who}. Wait for it to finish; if that process is gone, remove ${lockPath}.`,
    "locked",
  );
}

function readOwner(path: string): LockOwner | undefined {
  try {
    const v = JSON.parse(readFileSync(path, "utf8"));
    return typeof v?.runId === "string" && typeof v?.pid === "number" ? (v as LockOwner) : undefined;
  } catch {
    return undefined;
  }
}

function createExclusive(path: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  }
  try {
    writeSync(fd, JSON.stringify(owner));
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Takes the lock file `lockPath` for `output`. A stale lock (dead pid on this host) is moved aside
 * and taken; the move is checked afterwards so two runs taking over the same stale lock cannot
 * both win. Returns what it did about a stale lock, if anything.
 * @throws KindlingError `locked` when another live run (or one on another host) holds it;
 *   the file system's error when the folder cannot be written.
 */
export function acquireLocalLock(lockPath: string, output: string, owner: LockOwner): string | undefined {
  if (createExclusive(lockPath, owner)) return undefined;
  const holder = readOwner(lockPath);
  if (!isStale(holder)) throw lockedError(output, holder, lockPath);
  const aside = `${lockPath}.stale-${owner.runId}`;
  try {
    renameSync(lockPath, aside);
  } catch {
    throw lockedError(output, readOwner(lockPath), lockPath);
  }
  const moved = readOwner(aside);
  if (moved?.runId !== holder!.runId) {
    // Someone else took it over between our read and our move: give it back.
    renameSync(aside, lockPath);
    throw lockedError(output, moved, lockPath);
  }
  rmSync(aside, { force: true });
  if (!createExclusive(lockPath, owner)) throw lockedError(output, readOwner(lockPath), lockPath);
  return `took over the lock of run ${holder!.runId} (pid ${holder!.pid} is gone) on ${output}`;
}

/** Removes a lock file if (and only if) this run still owns it. */
export function releaseLocalLock(lockPath: string, runId: string): void {
  if (readOwner(lockPath)?.runId === runId) rmSync(lockPath, { force: true });
}
