import { readdirSync, readFileSync } from "node:fs";

/** The argument that tags every JVM of a cluster (master, workers, Connect server, executors). */
export function clusterMarker(name: string): string {
  return `-Dkindling.cluster=${name}`;
}

/** The command line of a process as its arguments, or `[]` if it is gone. */
export function commandLine(pid: number): string[] {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return raw.split("\0").filter((a) => a.length > 0);
  } catch {
    return [];
  }
}

/** When the process started (clock ticks since boot), or undefined if it is gone; guards against pid reuse. */
export function startTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Field 22; the command name (field 2) may contain spaces, so count from its closing paren.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[19]);
    return Number.isFinite(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

/** True when the process exists and is not a zombie. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** A process seen in /proc with its arguments. */
export interface ProcessInfo {
  pid: number;
  args: string[];
}

/** Every process whose arguments satisfy `match` (read from /proc; Linux only). */
export function findProcesses(match: (args: string[]) => boolean): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    const args = commandLine(pid);
    if (args.length > 0 && match(args) && isRunning(pid)) found.push({ pid, args });
  }
  return found;
}

/** JVMs tagged with the cluster's marker (see {@link clusterMarker}). */
export function clusterJvms(name: string): ProcessInfo[] {
  const marker = clusterMarker(name);
  return findProcesses((args) => args.includes(marker));
}

/** Every JVM any Kindling cluster started (any name). */
export function allClusterJvms(): ProcessInfo[] {
  return findProcesses((args) => args.some((a) => a.startsWith("-Dkindling.cluster=")));
}

/** Sends a signal; false if the process was already gone. */
export function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

/** Waits until none of the pids runs, up to `timeoutMs`; returns the ones still running. */
export async function waitForExit(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = pids.filter(isRunning);
    if (left.length === 0 || Date.now() > deadline) return left;
    await sleep(100);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
