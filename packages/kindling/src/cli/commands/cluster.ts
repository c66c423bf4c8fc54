import { type Command, InvalidArgumentError, Option } from "commander";
import { killExecutor, killWorker } from "../../cluster/chaos.js";
import { type ClusterStatus, clusterDown, clusterStatus, clusterUp } from "../../cluster/control.js";
import { namespacesUnavailable, setWorkerLink } from "../../cluster/netns.js";
import { CLUSTER_DEFAULTS, DEFAULT_CLUSTER_NAME } from "../../cluster/options.js";
import { type ClusterState, liveState } from "../../cluster/state.js";
import { KindlingError } from "../../errors.js";
import { ensureJmxAgent } from "../../metrics/jmx.js";
import { sparkMetricsConf } from "../../metrics/spark-conf.js";
import { credentialsFromEnv } from "../../storage/credentials.js";
import { sparkS3ServerOptions } from "../../storage/spark-s3.js";

/** Options of `kindling cluster up`, as commander parses them. */
interface UpOptions {
  name: string;
  workers: number;
  cores: number;
  memory: string;
  driverMemory: string;
  conf: Record<string, string>;
  json?: boolean;
  metrics: boolean;
  netns?: boolean;
  s3Endpoint?: string;
}

/** Options shared by the other cluster and chaos commands. */
interface NameOptions {
  name: string;
  json?: boolean;
}

/**
 * Adds `kindling cluster up|status|down`: a local Spark standalone cluster (master, workers,
 * Spark Connect server) kept alive by a detached supervisor until `down`.
 */
export function registerCluster(program: Command): void {
  const cluster = program
    .command("cluster")
    .description("Run a real Spark standalone cluster on this machine (master, workers, Connect server).");
  registerUp(cluster);
  registerStatus(cluster);
  registerDown(cluster);
}

function registerUp(cluster: Command): void {
  cluster
    .command("up")
    .description(
      "Start a local cluster in the background; returns once every worker is alive and the Connect server answers.",
    )
    .option(
      "--name <name>",
      "cluster name (its folder is ~/.cache/kindling/cluster/<name>)",
      DEFAULT_CLUSTER_NAME,
    )
    .option("--workers <n>", "number of worker JVMs", wholeNumber("--workers", 1), CLUSTER_DEFAULTS.workers)
    .option(
      "--cores <n>",
      "cores per worker (each worker runs one executor of this size)",
      wholeNumber("--cores", 1),
      CLUSTER_DEFAULTS.coresPerWorker,
    )
    .option(
      "--memory <size>",
      "memory per worker = executor heap, e.g. 512m, 2g",
      CLUSTER_DEFAULTS.memoryPerWorker,
    )
    .option(
      "--driver-memory <size>",
      "heap of the Connect server (the driver)",
      CLUSTER_DEFAULTS.driverMemory,
    )
    .addOption(
      new Option("--conf <key=value>", "Spark configuration for the application (repeatable)")
        .argParser(confEntry)
        .default({}, "none"),
    )
    .option("--json", "print the cluster's state as JSON")
    .option(
      "--s3-endpoint <url>",
      "S3 endpoint for s3a:// paths (default KINDLING_S3_ENDPOINT); credentials from AWS_*",
    )
    .option("--no-metrics", "do not configure Prometheus metrics (driver servlet, executor JMX exporter)")
    .option(
      "--netns",
      "each worker and its executors in their own network namespace on a bridge (root; implies --no-metrics)",
    )
    .action(clusterUpCommand);
}

/** `cluster up`: the S3 and metrics settings from the options, then the cluster, then its URLs. */
async function clusterUpCommand(opts: UpOptions): Promise<void> {
  const endpoint = opts.s3Endpoint ?? process.env.KINDLING_S3_ENDPOINT;
  const s3 = endpoint ? sparkS3ServerOptions({ endpoint, credentials: credentialsFromEnv() }) : undefined;
  // Metrics on by default: Prometheus endpoints on the driver, the JMX exporter on executors.
  const why = opts.netns ? namespacesUnavailable() : undefined;
  if (why) throw new KindlingError(`--netns: ${why}`, 2);
  // Executor exporters bind 127.0.0.1 inside their namespace, out of Prometheus' reach.
  const metrics =
    opts.metrics === false || opts.netns
      ? { conf: {} }
      : sparkMetricsConf({ mode: "cluster", agent: await ensureJmxAgent() });
  const result = await clusterUp({
    name: opts.name,
    ...(opts.netns ? { network: "namespaces" as const } : {}),
    workers: opts.workers,
    coresPerWorker: opts.cores,
    memoryPerWorker: opts.memory,
    driverMemory: opts.driverMemory,
    // s3a: the connector's jars on every JVM, the endpoint in the conf; credentials stay in the
    // environment (AWS_*), which the supervisor, workers and executors inherit.
    conf: { ...metrics.conf, ...(s3 ? s3.conf : {}), ...opts.conf },
    ...(s3 ? { profiles: s3.profiles } : {}),
    onProgress: (line) => process.stderr.write(`${line}\n`),
  });
  if (result.stale)
    process.stderr.write(
      `kindling: cleaned up a dead cluster '${opts.name}' first (${result.stale.killed.length} JVM(s) killed)\n`,
    );
  const s = result.state;
  process.stdout.write(opts.json ? `${JSON.stringify(s, null, 2)}\n` : formatUp(s));
}

/** What `cluster up` prints: the cluster's URLs and how to stop it. */
function formatUp(s: ClusterState): string {
  return [
    `Cluster '${s.name}' is up: Spark ${s.sparkVersion}, ${s.workers} worker(s) x ${s.coresPerWorker} core(s), ${s.memoryPerWorker}`,
    `  connect    ${s.connectUrl}`,
    `  master     ${s.masterUrl}`,
    `  master UI  ${s.masterUiUrl}`,
    `  Spark UI   ${s.connectUiUrl}`,
    `  logs       ${s.logDir}`,
    `Stop it with \`kindling cluster down${nameFlag(s.name)}\`.`,
    "",
  ].join("\n");
}

function registerStatus(cluster: Command): void {
  cluster
    .command("status")
    .description(
      "Show the running cluster: URLs, workers, executors and applications (from the master's /json/).",
    )
    .option("--name <name>", "cluster name", DEFAULT_CLUSTER_NAME)
    .option("--json", "print the status as JSON")
    .action(async (opts: NameOptions) => {
      const status = await clusterStatus(opts.name);
      if (status.stale)
        process.stderr.write(
          `kindling: cluster '${opts.name}' had died (owner pid ${status.stale.ownerPid}); cleaned up its state\n`,
        );
      process.stdout.write(opts.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
      if (!status.running) process.exitCode = 1;
    });
}

function registerDown(cluster: Command): void {
  cluster
    .command("down")
    .description("Stop the cluster and check that none of its JVMs is left.")
    .option("--name <name>", "cluster name", DEFAULT_CLUSTER_NAME)
    .option("--json", "print the result as JSON")
    .action(async (opts: NameOptions) => {
      const result = await clusterDown(opts.name);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      const line = result.wasRunning
        ? `Stopped cluster '${result.name}' (${result.stoppedPids.length} JVMs); none is left.`
        : result.stale
          ? `Cluster '${result.name}' had already died; cleaned up its state (${result.stale.killed.length} leftover JVM(s) killed).`
          : `No cluster '${result.name}' is running.`;
      process.stdout.write(`${line}\n`);
    });
}

/** Adds `kindling chaos kill-executor|kill-worker`: fault injection on the running local cluster. */
export function registerChaos(program: Command): void {
  const chaos = program
    .command("chaos")
    .description("Break the running local cluster on purpose (kill -9), to see Spark recover.");

  chaos
    .command("kill-executor")
    .description("kill -9 one executor JVM (default: the one running the most tasks).")
    .option("--name <name>", "cluster name", DEFAULT_CLUSTER_NAME)
    .option("--id <n>", "executor id, as the Spark UI shows it", wholeNumber("--id", 0))
    .option("--json", "print what was killed as JSON")
    .action(async (opts: NameOptions & { id?: number }) => {
      const killed = await killExecutor({
        name: opts.name,
        ...(opts.id !== undefined ? { id: opts.id } : {}),
      });
      process.stdout.write(
        opts.json
          ? `${JSON.stringify(killed, null, 2)}\n`
          : `Killed executor ${killed.executorId} (pid ${killed.pid}, ${killed.hostPort}` +
              `${killed.workerIndex !== undefined ? `, worker ${killed.workerIndex}` : ""}, ` +
              `${killed.activeTasks} running task(s)) of ${killed.appId}.\n`,
      );
    });

  chaos
    .command("kill-worker")
    .description("kill -9 one worker JVM and the executors it launched (it is not restarted).")
    .option("--name <name>", "cluster name", DEFAULT_CLUSTER_NAME)
    .option(
      "--index <n>",
      "worker number, from 1 (default: the first one running)",
      wholeNumber("--index", 1),
    )
    .option("--json", "print what was killed as JSON")
    .action(async (opts: NameOptions & { index?: number }) => {
      const killed = await killWorker({
        name: opts.name,
        ...(opts.index !== undefined ? { index: opts.index } : {}),
      });
      process.stdout.write(
        opts.json
          ? `${JSON.stringify(killed, null, 2)}\n`
          : `Killed worker ${killed.index} (pid ${killed.pid}) and ${killed.executorPids.length} executor(s)` +
              `${killed.executorPids.length ? ` (pid ${killed.executorPids.join(", ")})` : ""}.\n`,
      );
    });

  chaos
    .command("cut-link")
    .description(
      "Take a worker's network link down (a cluster started with --netns): its JVMs keep running, unreachable.",
    )
    .option("--name <name>", "cluster name", DEFAULT_CLUSTER_NAME)
    .requiredOption("--index <n>", "worker number, from 1", wholeNumber("--index", 1))
    .option("--restore", "bring the link back up instead")
    .action((opts: NameOptions & { index: number; restore?: boolean }) => {
      const state = liveState(opts.name);
      if (!state?.network)
        throw new KindlingError(
          `cluster '${opts.name}' is not running with worker namespaces: start it with \`kindling cluster up --netns\`.`,
          2,
        );
      if (!state.network.workers.some((w) => w.index === opts.index))
        throw new KindlingError(`cluster '${opts.name}' has no worker ${opts.index}.`, 2);
      const veth = setWorkerLink(opts.name, opts.index, Boolean(opts.restore));
      process.stdout.write(`Worker ${opts.index}'s link (${veth}) is ${opts.restore ? "up" : "down"}.\n`);
    });
}

function formatStatus(s: ClusterStatus): string {
  if (!s.running && !s.status)
    return `No cluster '${s.name}' is running; start one with \`kindling cluster up${nameFlag(s.name)}\`.\n`;
  const lines = [
    `Cluster '${s.name}': ${s.status} (Spark ${s.sparkVersion}, supervisor pid ${s.ownerPid}, since ${s.startedAt})`,
    `  connect    ${s.connectUrl ?? "(starting)"}`,
    `  master     ${s.masterUrl}`,
    `  master UI  ${s.masterUiUrl}`,
    `  Spark UI   ${s.connectUiUrl ?? "(starting)"}`,
    `  logs       ${s.logDir}`,
    ...(s.network
      ? [
          `  network    bridge ${s.network.bridge} (${s.network.hostIp}); ${s.network.workers.map((w) => `worker ${w.index} in ${w.namespace} (${w.ip})`).join(", ")}`,
        ]
      : []),
    `  workers    ${s.workersAlive} of ${s.workersExpected} alive`,
  ];
  for (const w of s.workers ?? [])
    lines.push(
      `    ${w.index}  pid ${w.pid}  ${w.running ? "running" : "exited"}  master: ${w.masterState}` +
        `${w.cores !== undefined ? `  cores ${w.coresUsed}/${w.cores}  memory ${w.memoryUsedMb}/${w.memoryMb} MB` : ""}`,
    );
  const execs = s.executors ?? [];
  lines.push(
    `  executors  ${execs.filter((e) => e.isActive).length} active, ${execs.filter((e) => !e.isActive).length} lost`,
  );
  for (const e of execs)
    lines.push(
      `    ${e.id}  ${e.hostPort}  ${e.isActive ? "active" : `lost (${e.removeReason ?? "removed"})`}` +
        `  tasks: ${e.activeTasks} running, ${e.completedTasks} done, ${e.failedTasks} failed`,
    );
  lines.push(`  apps       ${(s.apps ?? []).length} running`);
  for (const a of s.apps ?? []) lines.push(`    ${a.id}  ${a.name}  ${a.cores} core(s)  ${a.state}`);
  for (const p of s.problems) lines.push(`  problem    ${p}`);
  return `${lines.join("\n")}\n`;
}

function nameFlag(name: string): string {
  return name === DEFAULT_CLUSTER_NAME ? "" : ` --name ${name}`;
}

function wholeNumber(flag: string, min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min)
      throw new InvalidArgumentError(`${flag} must be a whole number >= ${min}.`);
    return n;
  };
}

function confEntry(value: string, previous: Record<string, string>): Record<string, string> {
  const i = value.indexOf("=");
  if (i <= 0) throw new InvalidArgumentError(`expected key=value, got '${value}'.`);
  return { ...previous, [value.slice(0, i).trim()]: value.slice(i + 1) };
}
