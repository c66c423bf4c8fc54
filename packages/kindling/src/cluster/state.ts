import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { KindlingError } from "../errors.js";
import { type ClusterNetwork, removeNetwork } from "./netns.js";
import { checkName, DEFAULT_CLUSTER_NAME } from "./options.js";
import { clusterStateFile } from "./paths.js";
import { clusterJvms, isRunning, signal, startTicks, waitForExit } from "./procs.js";

/** How a JVM of the cluster ended, as its owner saw it (nothing is restarted). */
export interface ExitRecord {
  code: number | null;
  signal: string | null;
  at: string;
}

/** One JVM of the cluster. */
export interface JvmRecord {
  pid: number;
  /** Spark RPC port (master, workers) or gRPC port (Connect server). */
  port: number;
  /** Web UI port (for the Connect server: the application's Spark UI and REST API). */
  uiPort: number;
  logFile: string;
  /** Set once the JVM has exited. */
  exited?: ExitRecord;
}

/** A worker JVM and the folder where it keeps its executors' stdout/stderr. */
export interface WorkerRecord extends JvmRecord {
  /** 1-based. */
  index: number;
  workDir: string;
}

/** `state.json`: what a running cluster is made of. Written only by the process that owns its JVMs. */
export interface ClusterState {
  version: 1;
  name: string;
  status: "starting" | "running" | "stopping";
  /** The process that owns the JVMs (the detached supervisor, or a program using startCluster). */
  owner: { pid: number; startTicks: number | undefined; kind: "supervisor" | "in-process" };
  startedAt: string;
  sparkVersion: string;
  sparkHome: string;
  workers: number;
  coresPerWorker: number;
  memoryPerWorker: string;
  logDir: string;
  /** `spark://127.0.0.1:<port>` (empty until the master is started). */
  masterUrl: string;
  masterUiUrl: string;
  /** `sc://127.0.0.1:<port>` once the Connect server answers. */
  connectUrl?: string;
  /** The application's Spark UI (REST API under `/api/v1`). */
  connectUiUrl?: string;
  /** Set once the master JVM is started. */
  master?: JvmRecord;
  workerJvms: WorkerRecord[];
  connect?: JvmRecord;
  /** With `network: namespaces`: the bridge and each worker's namespace and address. */
  network?: ClusterNetwork;
}

/** Reads a cluster's state file, or undefined when there is none (or it is unreadable). */
export function readState(name: string): ClusterState | undefined {
  const file = clusterStateFile(name);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as ClusterState;
  } catch {
    return undefined;
  }
}

/** Writes the state file atomically (readers never see half a file). */
export function writeState(state: ClusterState): void {
  const file = clusterStateFile(state.name);
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, file);
}

export function removeState(name: string): void {
  rmSync(clusterStateFile(name), { force: true });
}

/** True when the process that owns the cluster is still the one recorded (not dead, not a reused pid). */
export function ownerAlive(state: ClusterState): boolean {
  if (!isRunning(state.owner.pid)) return false;
  return state.owner.startTicks === undefined || startTicks(state.owner.pid) === state.owner.startTicks;
}

/** An unreadable state file younger than 5 s may be a claim being written: leave it alone. */
function justWritten(name: string): boolean {
  try {
    return Date.now() - statSync(clusterStateFile(name)).mtimeMs < 5_000;
  } catch {
    return false;
  }
}

/** What {@link cleanStale} did. */
export interface StaleCleanup {
  name: string;
  ownerPid: number;
  killed: number[];
}

/**
 * If the cluster's owner died without cleaning up, kills (SIGKILL) every JVM still tagged with the
 * cluster's name and removes the state file. Returns what it did, or undefined when there was no
 * stale state. A live cluster is left alone.
 */
export async function cleanStale(name: string): Promise<StaleCleanup | undefined> {
  const state = readState(name);
  if (!state && (!existsSync(clusterStateFile(name)) || justWritten(name))) return undefined;
  if (state && ownerAlive(state)) return undefined;
  const pids = clusterJvms(name).map((p) => p.pid);
  for (const pid of pids) signal(pid, "SIGKILL");
  await waitForExit(pids, 10_000);
  if (state?.network) removeNetwork(name);
  removeState(name);
  return { name, ownerPid: state?.owner.pid ?? 0, killed: pids };
}

/**
 * The state of a cluster whose owner is alive, or undefined. Stale state (dead owner) is cleaned
 * up synchronously on the way (its JVMs get SIGKILL).
 */
export function liveState(name: string): ClusterState | undefined {
  const state = readState(name);
  if (!state) {
    if (existsSync(clusterStateFile(name)) && !justWritten(name)) removeState(name);
    return undefined;
  }
  if (ownerAlive(state)) return state;
  for (const p of clusterJvms(name)) signal(p.pid, "SIGKILL");
  if (state.network) removeNetwork(name);
  removeState(name);
  return undefined;
}

/**
 * The Spark Connect URL (`sc://127.0.0.1:<port>`) of the running local cluster `name`
 * (default `default`). Throws KindlingError when no cluster is running or it is still starting.
 */
export function clusterConnectUrl(name: string = DEFAULT_CLUSTER_NAME): string {
  checkName(name);
  const state = liveState(name);
  const which = name === DEFAULT_CLUSTER_NAME ? "" : ` --name ${name}`;
  if (!state)
    throw new KindlingError(
      `no cluster running${which ? ` named '${name}'` : ""}; start one with \`kindling cluster up${which}\``,
    );
  if (state.status !== "running" || !state.connectUrl)
    throw new KindlingError(
      `cluster '${name}' is ${state.status}, not running yet; wait for \`kindling cluster up${which}\` to finish`,
    );
  return state.connectUrl;
}
