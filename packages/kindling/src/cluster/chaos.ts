/** Fault injection on a running local cluster: kill -9 an executor or a worker, as a crash would. */
import { KindlingError } from "../errors.js";
import { requireRunning } from "./control.js";
import { DEFAULT_CLUSTER_NAME } from "./options.js";
import { clusterMarker, findProcesses, isRunning, type ProcessInfo, signal, waitForExit } from "./procs.js";
import { applicationId, executors } from "./rest.js";

const EXECUTOR_CLASS = "org.apache.spark.executor.CoarseGrainedExecutorBackend";

/** An executor JVM that {@link killExecutor} killed. */
export interface KilledExecutor {
  cluster: string;
  appId: string;
  executorId: string;
  hostPort: string;
  pid: number;
  /** 1-based index of the worker that launched it, when known. */
  workerIndex?: number;
  /** Tasks the driver listed as running on it when it was killed. */
  activeTasks: number;
}

/**
 * Kills (SIGKILL) one executor JVM of the running cluster `name`: executor `id` if given,
 * otherwise the active executor running the most tasks (lowest id on a tie). The executor is
 * chosen from the Connect server's REST API and its pid found in /proc by its command line
 * (`CoarseGrainedExecutorBackend --executor-id <id> --app-id <app>`). Throws KindlingError when
 * no cluster runs, no such active executor exists, or its process cannot be found.
 */
export async function killExecutor(
  options: { name?: string; id?: string | number } = {},
): Promise<KilledExecutor> {
  const name = options.name ?? DEFAULT_CLUSTER_NAME;
  const state = requireRunning(name);
  const ui = state.connectUiUrl!;
  const appId = await applicationId(ui);
  const active = (await executors(ui, appId)).filter((e) => e.isActive);
  if (active.length === 0) throw new KindlingError(`cluster '${name}' has no active executor to kill.`);
  const wanted = options.id === undefined ? undefined : String(options.id);
  const target =
    wanted === undefined
      ? [...active].sort((a, b) => b.activeTasks - a.activeTasks || Number(a.id) - Number(b.id))[0]!
      : active.find((e) => e.id === wanted);
  if (!target)
    throw new KindlingError(
      `cluster '${name}' has no active executor ${wanted}; active: ${active.map((e) => e.id).join(", ")}.`,
      2,
    );
  const proc = executorProcesses(name, appId).find((p) => argAfter(p.args, "--executor-id") === target.id);
  if (!proc)
    throw new KindlingError(
      `executor ${target.id} (${target.hostPort}) of ${appId} is listed as active but no such JVM runs here.`,
    );
  signal(proc.pid, "SIGKILL");
  await waitForExit([proc.pid], 5_000);
  const workerPort = Number(argAfter(proc.args, "--worker-url")?.split(":").pop());
  const workerIndex = state.workerJvms.find((w) => w.port === workerPort)?.index;
  return {
    cluster: name,
    appId,
    executorId: target.id,
    hostPort: target.hostPort,
    pid: proc.pid,
    activeTasks: target.activeTasks,
    ...(workerIndex !== undefined ? { workerIndex } : {}),
  };
}

/** A worker JVM that {@link killWorker} killed, with the executors it had launched. */
export interface KilledWorker {
  cluster: string;
  index: number;
  pid: number;
  port: number;
  executorPids: number[];
}

/**
 * Kills (SIGKILL) worker `index` (1-based; default: the first one still running) of the running
 * cluster `name`, and the executor JVMs it launched. The supervisor records the exit and does not
 * restart it. Throws KindlingError when no cluster runs or there is no such running worker.
 */
export async function killWorker(options: { name?: string; index?: number } = {}): Promise<KilledWorker> {
  const name = options.name ?? DEFAULT_CLUSTER_NAME;
  const state = requireRunning(name);
  const running = state.workerJvms.filter((w) => !w.exited && isRunning(w.pid));
  const worker = options.index === undefined ? running[0] : running.find((w) => w.index === options.index);
  if (!worker)
    throw new KindlingError(
      options.index === undefined
        ? `cluster '${name}' has no running worker left.`
        : `cluster '${name}' has no running worker ${options.index}; running: ${running.map((w) => w.index).join(", ") || "none"}.`,
      options.index === undefined ? 1 : 2,
    );
  const children = executorProcesses(name).filter((p) =>
    argAfter(p.args, "--worker-url")?.endsWith(`:${worker.port}`),
  );
  signal(worker.pid, "SIGKILL");
  for (const p of children) signal(p.pid, "SIGKILL");
  await waitForExit([worker.pid, ...children.map((p) => p.pid)], 5_000);
  return {
    cluster: name,
    index: worker.index,
    pid: worker.pid,
    port: worker.port,
    executorPids: children.map((p) => p.pid),
  };
}

/** Executor JVMs of the cluster (optionally of one application), found by their command lines. */
function executorProcesses(name: string, appId?: string): ProcessInfo[] {
  const marker = clusterMarker(name);
  return findProcesses(
    (args) =>
      args.includes(EXECUTOR_CLASS) &&
      args.includes(marker) &&
      (appId === undefined || argAfter(args, "--app-id") === appId),
  );
}

function argAfter(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}
