/** What the `kindling cluster up|status|down` commands do, as functions (the CLI only prints). */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type WatchedProcess, waitUntilReady } from "@kindling/spark-connect/local";
import { KindlingError } from "../errors.js";
import { removeNetwork } from "./netns.js";
import {
  type ClusterOptions,
  checkName,
  DEFAULT_CLUSTER_NAME,
  type ResolvedClusterOptions,
  resolveClusterOptions,
} from "./options.js";
import { clusterDir } from "./paths.js";
import { clusterJvms, isRunning, signal, waitForExit } from "./procs.js";
import { type ExecutorJson, executors, type MasterApp, masterJson } from "./rest.js";
import { freshLogDir } from "./start.js";
import {
  type ClusterState,
  cleanStale,
  liveState,
  readState,
  removeState,
  type StaleCleanup,
} from "./state.js";

const SUPERVISOR = join(dirname(fileURLToPath(import.meta.url)), "supervisor.ts");

/** What {@link clusterUp} returns. */
export interface ClusterUpResult {
  state: ClusterState;
  /** Present when state left by a dead cluster of that name was cleaned up first. */
  stale?: StaleCleanup;
  supervisorLog: string;
}

/**
 * Starts cluster `options.name` under a detached supervisor process that outlives the caller.
 * Resolves once the master shows every worker alive and the Connect server answers (with one
 * executor per worker). Throws KindlingError if it is already running, an option is invalid
 * (exit code 2) or the start fails (with the supervisor log's tail); nothing is left running then.
 */
export async function clusterUp(options: ClusterOptions = {}): Promise<ClusterUpResult> {
  const opts = resolveClusterOptions(options);
  const { name } = opts;
  const progress = options.onProgress ?? (() => {});
  const stale = await cleanStale(name);
  const running = liveState(name);
  if (running)
    throw new KindlingError(
      `cluster '${name}' is already ${running.status} (${running.connectUrl ?? "starting"}, owner pid ` +
        `${running.owner.pid}); stop it first with \`kindling cluster down${nameFlag(name)}\`.`,
    );
  mkdirSync(clusterDir(name), { recursive: true });
  const logDir = freshLogDir(name);
  const supervisorLog = join(logDir, "supervisor.log");
  const supervisor = spawnSupervisor(opts, supervisorLog);
  progress(
    `kindling: cluster '${name}': supervisor pid ${supervisor.pid} starting it (log: ${supervisorLog})`,
  );
  let lastReported = "";
  try {
    await waitUntilReady({
      what: `cluster '${name}' to come up`,
      check: () => {
        const state = readState(name);
        if (state?.owner.pid !== supervisor.pid) return false;
        if (state.status === "running" && state.connectUrl) return true;
        const step = startStep(state);
        if (step !== lastReported) progress(`kindling: cluster '${name}': ${step}…`);
        lastReported = step;
        return false;
      },
      watch: [supervisor],
      timeoutMs: opts.startTimeoutMs + 60_000,
      intervalMs: 500,
      error: (f) => new KindlingError(`cluster '${name}' failed to start: ${f.message}`),
    });
  } catch (err) {
    if (!supervisor.exitDescription()) {
      signal(supervisor.pid, "SIGTERM");
      await waitForExit([supervisor.pid], 30_000);
    }
    await cleanStale(name);
    throw err;
  }
  const state = readState(name)!;
  await verifyUp(state);
  return { state, supervisorLog, ...(stale ? { stale } : {}) };
}

/**
 * Starts the supervisor detached: unlike an owned process it must outlive this one. Its exit is
 * still watched while this process waits for the cluster.
 */
function spawnSupervisor(opts: ResolvedClusterOptions, logFile: string): WatchedProcess {
  const fd = openSync(logFile, "a");
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, ["--import", tsxLoaderUrl(), SUPERVISOR, JSON.stringify(opts)], {
      detached: true,
      stdio: ["ignore", fd, fd],
      env: process.env,
    });
  } finally {
    closeSync(fd);
  }
  child.unref();
  if (child.pid === undefined)
    throw new KindlingError(`could not start the cluster supervisor (${process.execPath})`);
  let ended: string | undefined;
  child.once("exit", (code, sig) => {
    ended = sig ? `was killed by ${sig}` : `exited with code ${code}`;
  });
  return { label: "the cluster supervisor", pid: child.pid, logFile, exitDescription: () => ended };
}

/** What a starting cluster is doing, from its state file. */
function startStep(state: ClusterState): string {
  if (!state.master) return "provisioning";
  if (state.connect) return "waiting for executors";
  return state.workerJvms.length ? "starting workers and the Connect server" : "starting the master";
}

/** Checks from outside what the supervisor reported: every worker alive in the master. */
async function verifyUp(state: ClusterState): Promise<void> {
  const master = await masterJson(state.masterUiUrl);
  const alive = master.workers.filter((w) => w.state === "ALIVE").length;
  if (alive < state.workers)
    throw new KindlingError(
      `cluster '${state.name}' started but its master shows ${alive} of ${state.workers} workers alive; ` +
        `see ${state.logDir}`,
    );
}

/** What {@link clusterDown} did. */
export interface ClusterDownResult {
  name: string;
  /** False when no cluster of that name was running (nothing to do). */
  wasRunning: boolean;
  /** Present when only stale state of a dead cluster was found and cleaned up. */
  stale?: StaleCleanup;
  /** JVMs that were running and are now gone. */
  stoppedPids: number[];
}

/**
 * Stops cluster `name`: asks its supervisor to stop the JVMs in order, then makes sure no JVM
 * tagged with the cluster is left (SIGKILL as a last resort) and removes its state. Throws
 * KindlingError if the cluster belongs to another program (started in-process) or a JVM survives.
 */
export async function clusterDown(name: string = DEFAULT_CLUSTER_NAME): Promise<ClusterDownResult> {
  checkName(name);
  const stale = await cleanStale(name);
  if (stale) return { name, wasRunning: false, stale, stoppedPids: stale.killed };
  const state = readState(name);
  if (!state) return { name, wasRunning: false, stoppedPids: [] };
  if (state.owner.kind !== "supervisor")
    throw new KindlingError(
      `cluster '${name}' was started in-process by pid ${state.owner.pid} (e.g. a test); it stops with that process.`,
    );
  const before = clusterJvms(name).map((p) => p.pid);
  const owner = state.owner.pid;
  signal(owner, "SIGTERM");
  if ((await waitForExit([owner], 60_000)).length > 0) {
    // Killing the supervisor makes its watchdogs stop the JVMs; the sweep below finishes the job.
    signal(owner, "SIGKILL");
    await waitForExit([owner], 5_000);
  }
  let left = clusterJvms(name).map((p) => p.pid);
  for (const pid of left) signal(pid, "SIGKILL");
  left = await waitForExit(left, 15_000);
  if (left.length > 0)
    throw new KindlingError(`cluster '${name}': JVM(s) ${left.join(", ")} survived SIGKILL; check \`ps\`.`);
  // The supervisor removes the network when it stops the cluster; this covers a killed supervisor.
  if (state.network) removeNetwork(name);
  removeState(name);
  return { name, wasRunning: true, stoppedPids: before };
}

/** A worker in {@link ClusterStatus}. */
export interface WorkerStatus {
  index: number;
  pid: number;
  /** Whether the worker JVM runs. */
  running: boolean;
  /** The master's view: ALIVE, DEAD, … or `unknown` when the master does not list it. */
  masterState: string;
  uiUrl: string;
  cores?: number;
  coresUsed?: number;
  memoryMb?: number;
  memoryUsedMb?: number;
  exited?: ClusterState["workerJvms"][number]["exited"];
}

/** `kindling cluster status --json`. */
export interface ClusterStatus {
  name: string;
  running: boolean;
  /** Present when state of a dead cluster was found (and cleaned up) instead. */
  stale?: StaleCleanup;
  status?: ClusterState["status"];
  ownerPid?: number;
  ownerKind?: ClusterState["owner"]["kind"];
  startedAt?: string;
  /** Worker namespaces and the bridge, for a cluster started with `network: namespaces`. */
  network?: ClusterState["network"];
  sparkVersion?: string;
  masterUrl?: string;
  masterUiUrl?: string;
  connectUrl?: string;
  connectUiUrl?: string;
  logDir?: string;
  workersExpected?: number;
  workersAlive?: number;
  workers?: WorkerStatus[];
  executors?: Pick<
    ExecutorJson,
    "id" | "hostPort" | "isActive" | "activeTasks" | "completedTasks" | "failedTasks" | "removeReason"
  >[];
  apps?: Pick<MasterApp, "id" | "name" | "cores" | "state" | "duration">[];
  /** Endpoints that did not answer (the status is then partial). */
  problems: string[];
}

/** The state of cluster `name` as its master and Spark UI report it now; cleans up stale state. */
export async function clusterStatus(name: string = DEFAULT_CLUSTER_NAME): Promise<ClusterStatus> {
  checkName(name);
  const stale = await cleanStale(name);
  const state = readState(name);
  if (!state) return { name, running: false, problems: [], ...(stale ? { stale } : {}) };
  const problems: string[] = [];
  const status: ClusterStatus = {
    name,
    running: state.status === "running",
    status: state.status,
    ownerPid: state.owner.pid,
    ownerKind: state.owner.kind,
    startedAt: state.startedAt,
    sparkVersion: state.sparkVersion,
    masterUrl: state.masterUrl,
    masterUiUrl: state.masterUiUrl,
    ...(state.connectUrl ? { connectUrl: state.connectUrl } : {}),
    ...(state.connectUiUrl ? { connectUiUrl: state.connectUiUrl } : {}),
    logDir: state.logDir,
    ...(state.network ? { network: state.network } : {}),
    workersExpected: state.workers,
    problems,
  };
  const master = state.masterUiUrl
    ? await masterJson(state.masterUiUrl).catch((e: Error) => {
        problems.push(`master UI ${state.masterUiUrl}: ${e.message}`);
        return undefined;
      })
    : undefined;
  status.workersAlive = master?.workers.filter((w) => w.state === "ALIVE").length ?? 0;
  status.workers = state.workerJvms.map((w) => {
    const m = master?.workers.find((x) => x.port === w.port);
    return {
      index: w.index,
      pid: w.pid,
      running: !w.exited && isRunning(w.pid),
      masterState: m?.state ?? "unknown",
      uiUrl: `http://${state.network?.workers[w.index - 1]?.ip ?? "127.0.0.1"}:${w.uiPort}`,
      ...(m
        ? { cores: m.cores, coresUsed: m.coresused, memoryMb: m.memory, memoryUsedMb: m.memoryused }
        : {}),
      ...(w.exited ? { exited: w.exited } : {}),
    };
  });
  status.apps = (master?.activeapps ?? []).map(({ id, name: appName, cores, state: s, duration }) => ({
    id,
    name: appName,
    cores,
    state: s,
    duration,
  }));
  if (state.connectUiUrl) {
    const list = await executors(state.connectUiUrl).catch((e: Error) => {
      problems.push(`Spark UI ${state.connectUiUrl}: ${e.message}`);
      return [];
    });
    status.executors = list.map((e) => ({
      id: e.id,
      hostPort: e.hostPort,
      isActive: e.isActive,
      activeTasks: e.activeTasks,
      completedTasks: e.completedTasks,
      failedTasks: e.failedTasks,
      ...(e.removeReason ? { removeReason: e.removeReason } : {}),
    }));
  }
  return status;
}

/** The running state of cluster `name`, or a KindlingError telling how to start one. */
export function requireRunning(name: string = DEFAULT_CLUSTER_NAME): ClusterState {
  checkName(name);
  const state = liveState(name);
  if (state?.status !== "running" || !state.connectUiUrl)
    throw new KindlingError(
      state
        ? `cluster '${name}' is ${state.status}, not running`
        : `no cluster running${name === DEFAULT_CLUSTER_NAME ? "" : ` named '${name}'`}; start one with \`kindling cluster up${nameFlag(name)}\``,
    );
  return state;
}

function nameFlag(name: string): string {
  return name === DEFAULT_CLUSTER_NAME ? "" : ` --name ${name}`;
}

/** tsx's ESM loader as a file URL, so the supervisor runs from any working directory. */
function tsxLoaderUrl(): string {
  const pkg = createRequire(import.meta.url).resolve("tsx/package.json");
  const loader = join(dirname(pkg), "dist", "loader.mjs");
  if (!existsSync(loader)) throw new KindlingError(`tsx's loader is missing (${loader}); run npm install.`);
  return pathToFileURL(loader).href;
}
