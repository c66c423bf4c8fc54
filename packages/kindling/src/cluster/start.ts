import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  checkJava,
  ensureSpark,
  freePort,
  javaExecutable,
  type LocalServer,
  SPARK_JAVA_OPTIONS,
  type SparkHome,
  startLocalServer,
} from "@kindling/spark-connect";
import {
  type OwnedProcess,
  type ReadyWait,
  reapOrphans,
  startOwnedProcess,
  waitUntilReady,
} from "@kindling/spark-connect/local";
import { DELTA_ADD_ON, deltaSparkConf } from "../delta/server.js";
import { KindlingError } from "../errors.js";
import {
  type ClusterNetwork,
  createNetwork,
  inNamespace,
  namespacesUnavailable,
  removeNetwork,
} from "./netns.js";
import {
  CLUSTER_DEFAULTS,
  type ClusterOptions,
  type ResolvedClusterOptions,
  resolveClusterOptions,
} from "./options.js";
import { clusterDir, clusterLogDir, clusterStateFile } from "./paths.js";
import { clusterJvms, clusterMarker, signal, startTicks, waitForExit } from "./procs.js";
import { executorDiagnosis } from "./readiness.js";
import { executors, masterJson } from "./rest.js";
import {
  type ClusterState,
  cleanStale,
  type JvmRecord,
  liveState,
  readState,
  removeState,
  type WorkerRecord,
  writeState,
} from "./state.js";

const MASTER_CLASS = "org.apache.spark.deploy.master.Master";
const WORKER_CLASS = "org.apache.spark.deploy.worker.Worker";
const LOOPBACK = "127.0.0.1";

/** A running local standalone cluster owned by this process. */
export interface ClusterHandle {
  name: string;
  /** `sc://127.0.0.1:<port>`: give it to `SparkSession.builder().remote(…)`. */
  connectUrl: string;
  /** `spark://127.0.0.1:<port>` */
  masterUrl: string;
  masterUiUrl: string;
  /** The application's Spark UI (REST API under `/api/v1`). */
  connectUiUrl: string;
  logDir: string;
  /** The current state (what `state.json` says), including JVMs that have exited. */
  state(): ClusterState;
  /**
   * Stops the Connect server, the workers (and so their executors) and the master, kills any
   * JVM of the cluster still left, and removes the state file. Idempotent.
   */
  stop(): Promise<void>;
}

/**
 * Starts a local Spark standalone cluster owned by this process: a master, `workers` workers and
 * a Spark Connect server whose master is that cluster. Resolves once every worker is alive in the
 * master, the Connect server answers and one executor per worker has registered. The JVMs are
 * stopped by `stop()` or when this process ends (they never outlive it).
 * Throws KindlingError when a cluster of that name is already running, an option is invalid
 * (exit code 2) or a JVM fails to come up (the message includes its log's tail).
 */
export function startCluster(options: ClusterOptions = {}): Promise<ClusterHandle> {
  return launchCluster(options, "in-process");
}

/** {@link startCluster} for a given kind of owner (the supervisor uses `supervisor`). */
export async function launchCluster(
  options: ClusterOptions,
  ownerKind: ClusterState["owner"]["kind"],
  { rotateLogs = true }: { rotateLogs?: boolean } = {},
): Promise<ClusterHandle> {
  const opts = resolveClusterOptions(options);
  const progress = options.onProgress ?? (() => {});
  const { name } = opts;
  const stale = await cleanStale(name);
  if (stale)
    progress(
      `kindling: cleaned up stale cluster '${name}' (owner pid ${stale.ownerPid} is gone; killed ${stale.killed.length} JVM(s))`,
    );
  const launch: Launch = { name, opts, progress, current: initialState(opts, ownerKind), started: [] };
  claimName(name, launch.current);
  const onExit = () => removeStateIfOwned(name);
  process.on("exit", onExit);
  try {
    const jvms = await prepareJvms(launch, rotateLogs);
    const { masterUrl, masterUiUrl } = await startMaster(launch, jvms);
    await startWorkers(launch, jvms, masterUrl, masterUiUrl);
    const connect = await startDriver(launch, jvms, masterUrl);
    await waitForExecutors(launch, jvms, connect);
    return clusterHandle(launch, jvms, connect, onExit);
  } catch (err) {
    await stopLaunch(launch).catch(() => {});
    process.off("exit", onExit);
    if (err instanceof KindlingError) throw err;
    throw new KindlingError(`cluster '${name}' failed to start: ${(err as Error).message}`);
  }
}

/** What one launch has started so far: {@link stopLaunch} tears down exactly this. */
interface Launch {
  name: string;
  opts: ResolvedClusterOptions;
  progress: (line: string) => void;
  /** The state file's content, kept current as JVMs start and exit. */
  current: ClusterState;
  started: { kind: string; jvm: OwnedProcess }[];
  connect?: LocalServer;
  network?: ClusterNetwork;
}

/** What every JVM of a launch starts from. */
interface JvmSetup {
  spark: SparkHome;
  logDir: string;
  java: string;
  /** `-Dkindling.cluster=<name>`: tags every JVM of the cluster, executors included. */
  marker: string;
  /** The address master and driver bind (the bridge's with namespaces, loopback otherwise). */
  host: string;
  env: NodeJS.ProcessEnv;
  /** Master port, master UI port, then a port and a UI port per worker. */
  ports: number[];
}

function initialState(opts: ResolvedClusterOptions, ownerKind: ClusterState["owner"]["kind"]): ClusterState {
  return {
    version: 1,
    name: opts.name,
    status: "starting",
    owner: { pid: process.pid, startTicks: startTicks(process.pid), kind: ownerKind },
    startedAt: new Date().toISOString(),
    sparkVersion: "",
    sparkHome: "",
    workers: opts.workers,
    coresPerWorker: opts.coresPerWorker,
    memoryPerWorker: opts.memoryPerWorker,
    logDir: clusterLogDir(opts.name),
    masterUrl: "",
    masterUiUrl: "",
    workerJvms: [],
  };
}

/** Checks Java and Spark's layout, fetches Spark, makes the log folder, network and ports. */
async function prepareJvms(launch: Launch, rotateLogs: boolean): Promise<JvmSetup> {
  const { name, opts, progress } = launch;
  reapOrphans();
  checkJava();
  const spark = await ensureSpark({ onProgress: progress, profiles: opts.profiles });
  checkSparkHomeLayout(spark);
  const logDir = rotateLogs ? freshLogDir(name) : clusterLogDir(name);
  mkdirSync(logDir, { recursive: true });
  const java = javaExecutable();
  const marker = clusterMarker(name);
  if (opts.network === "namespaces") setUpNamespaces(launch);
  const host = launch.network?.hostIp ?? LOOPBACK;
  // Workers hand their environment to the executors they launch: SPARK_HOME (with jars/ and
  // RELEASE) and SPARK_SCALA_VERSION are what let them build an executor's class path.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SPARK_HOME: spark.home,
    SPARK_SCALA_VERSION: "2.13",
    SPARK_LOCAL_IP: host,
    SPARK_LOCAL_HOSTNAME: host,
  };
  const ports = await distinctPorts(2 + 2 * opts.workers);
  return { spark, logDir, java, marker, host, env, ports };
}

/** Creates the bridge and one network namespace per worker; records it in the state. */
function setUpNamespaces(launch: Launch): void {
  const { name, opts, progress, current } = launch;
  const why = namespacesUnavailable();
  if (why) throw new KindlingError(`cluster '${name}': ${why}`, 2);
  const network = createNetwork(name, opts.workers);
  launch.network = network;
  current.network = network;
  progress(
    `kindling: cluster '${name}': bridge ${network.bridge} (${network.hostIp}), workers in namespaces ${network.workers.map((w) => `${w.namespace} (${w.ip})`).join(", ")}`,
  );
}

/** Starts a master or worker JVM, in the worker's namespace when `where` is given. */
function spawnDaemon(
  launch: Launch,
  jvms: JvmSetup,
  role: string,
  mainArgs: string[],
  logFile: string,
  where?: ClusterNetwork["workers"][number],
): OwnedProcess {
  const roleMarker = `-Dkindling.cluster.jvm=${launch.name}/${role}`;
  const args = [
    `-Xmx${CLUSTER_DEFAULTS.daemonMemory}`,
    ...SPARK_JAVA_OPTIONS,
    jvms.marker,
    roleMarker,
    "-cp",
    join(jvms.spark.jarsDir, "*"),
    ...mainArgs,
  ];
  const common = { logFile, marker: roleMarker, label: `the ${role}` };
  const { java, env } = jvms;
  if (!where) return startOwnedProcess({ ...common, command: java, args, env });
  // In the worker's namespace, on its address (executors inherit both).
  const [cmd, ...prefix] = inNamespace(where.namespace);
  const wenv = { ...env, SPARK_LOCAL_IP: where.ip, SPARK_LOCAL_HOSTNAME: where.ip };
  return startOwnedProcess({ ...common, command: cmd!, args: [...prefix, java, ...args], env: wenv });
}

/** Waits for `check`, failing early (with the log's tail) when a JVM started so far exits. */
function waitForCluster(
  launch: Launch,
  what: string,
  check: ReadyWait["check"],
  timeoutMs: number,
  diagnose?: () => string,
): Promise<void> {
  const watch = launch.started.map((s) => s.jvm).concat(launch.connect ? [launch.connect.owned] : []);
  return waitUntilReady({
    what,
    check,
    watch,
    timeoutMs,
    intervalMs: 500,
    ...(diagnose ? { diagnose } : {}),
    error: (f) => new KindlingError(f.message),
  });
}

/** Starts the master and waits until it answers ALIVE. */
async function startMaster(
  launch: Launch,
  jvms: JvmSetup,
): Promise<{ masterUrl: string; masterUiUrl: string }> {
  const { name, progress, current } = launch;
  const [masterPort, masterUiPort] = [jvms.ports[0]!, jvms.ports[1]!];
  const masterUrl = `spark://${jvms.host}:${masterPort}`;
  const masterUiUrl = `http://${jvms.host}:${masterUiPort}`;
  const masterLog = join(jvms.logDir, "master.log");
  const master = spawnDaemon(
    launch,
    jvms,
    "master",
    [MASTER_CLASS, "--host", jvms.host, "--port", String(masterPort), "--webui-port", String(masterUiPort)],
    masterLog,
  );
  launch.started.push({ kind: "master", jvm: master });
  Object.assign(current, {
    sparkVersion: jvms.spark.version,
    sparkHome: jvms.spark.home,
    masterUrl,
    masterUiUrl,
  });
  const masterRecord: JvmRecord = {
    pid: master.pid,
    port: masterPort,
    uiPort: masterUiPort,
    logFile: masterLog,
  };
  current.master = masterRecord;
  watchExit(master.child, masterRecord, current, progress, "master");
  writeState(current);
  progress(`kindling: cluster '${name}': starting master ${masterUrl} (log: ${masterLog})`);
  await waitForCluster(
    launch,
    "the master to answer",
    async () => (await masterJson(masterUiUrl)).status === "ALIVE",
    60_000,
  );
  return { masterUrl, masterUiUrl };
}

/** Starts every worker, then waits until the master lists them all ALIVE. */
async function startWorkers(
  launch: Launch,
  jvms: JvmSetup,
  masterUrl: string,
  masterUiUrl: string,
): Promise<void> {
  const { name, opts, progress, current } = launch;
  for (let i = 1; i <= opts.workers; i++) startWorker(launch, jvms, i, masterUrl);
  writeState(current);
  progress(`kindling: cluster '${name}': starting ${opts.workers} worker(s), waiting for them to register`);
  await waitForCluster(
    launch,
    `${opts.workers} alive worker(s) in the master`,
    async () =>
      (await masterJson(masterUiUrl)).workers.filter(
        (w) => w.state === "ALIVE" && current.workerJvms.some((r) => r.port === w.port),
      ).length === opts.workers,
    90_000,
  );
}

/** Starts worker `i` (1-based) and records it in the state (not yet written). */
function startWorker(launch: Launch, jvms: JvmSetup, i: number, masterUrl: string): void {
  const { opts, progress, current } = launch;
  const port = jvms.ports[2 * i]!;
  const uiPort = jvms.ports[2 * i + 1]!;
  const logFile = join(jvms.logDir, `worker-${i}.log`);
  const workDir = join(jvms.logDir, "executors", `worker-${i}`);
  mkdirSync(workDir, { recursive: true });
  const where = launch.network?.workers[i - 1];
  const worker = spawnDaemon(
    launch,
    jvms,
    `worker-${i}`,
    [
      WORKER_CLASS,
      "--host",
      where?.ip ?? jvms.host,
      "--port",
      String(port),
      "--webui-port",
      String(uiPort),
      "--cores",
      String(opts.coresPerWorker),
      "--memory",
      opts.memoryPerWorker,
      "--work-dir",
      workDir,
      masterUrl,
    ],
    logFile,
    where,
  );
  launch.started.push({ kind: "worker", jvm: worker });
  const record: WorkerRecord = { index: i, pid: worker.pid, port, uiPort, logFile, workDir };
  current.workerJvms.push(record);
  watchExit(worker.child, record, current, progress, `worker-${i}`);
}

/** Starts the Spark Connect server (the driver) on the cluster and records it in the state. */
async function startDriver(launch: Launch, jvms: JvmSetup, masterUrl: string): Promise<LocalServer> {
  const { name, opts, progress, current } = launch;
  progress(`kindling: cluster '${name}': starting the Spark Connect server (the driver)`);
  let connect: LocalServer;
  try {
    connect = await startLocalServer({
      master: masterUrl,
      profiles: opts.profiles,
      // Delta's jars reach the executors through spark.executor.extraClassPath (add-ons).
      addOns: [DELTA_ADD_ON],
      driverMemory: opts.driverMemory,
      logDir: jvms.logDir,
      env: jvms.env,
      javaOptions: [jvms.marker, `-Dkindling.cluster.jvm=${name}/connect`],
      startTimeoutMs: opts.startTimeoutMs,
      onProgress: progress,
      conf: driverConf(opts, jvms),
    });
  } catch (err) {
    throw new KindlingError(`cluster '${name}': ${(err as Error).message}`);
  }
  launch.connect = connect;
  current.connect = {
    pid: connect.pid,
    port: connect.port,
    uiPort: connect.uiPort,
    logFile: connect.logFile,
  };
  watchExit(connect.process, current.connect, current, progress, "connect server");
  current.connectUiUrl = `http://${jvms.host}:${connect.uiPort}`;
  writeState(current);
  return connect;
}

/** The driver's Spark conf: executors sized to the workers, Delta, then the user's conf. */
function driverConf(opts: ResolvedClusterOptions, jvms: JvmSetup): Record<string, string> {
  return {
    "spark.app.name": `kindling-cluster-${opts.name}`,
    "spark.driver.host": jvms.host,
    "spark.driver.bindAddress": jvms.host,
    "spark.executor.cores": String(opts.coresPerWorker),
    "spark.executor.memory": opts.memoryPerWorker,
    "spark.cores.max": String(opts.workers * opts.coresPerWorker),
    ...deltaSparkConf(),
    ...opts.conf,
    // Tags executors too, so `down` and the chaos commands can find them.
    "spark.executor.extraJavaOptions": [opts.conf["spark.executor.extraJavaOptions"], jvms.marker]
      .filter(Boolean)
      .join(" "),
  };
}

/** Waits for one executor per worker, then marks the cluster running. */
async function waitForExecutors(launch: Launch, jvms: JvmSetup, connect: LocalServer): Promise<void> {
  const { name, opts, progress, current } = launch;
  const connectUiUrl = `http://${jvms.host}:${connect.uiPort}`;
  progress(`kindling: cluster '${name}': waiting for ${opts.workers} executor(s) to register`);
  await waitForCluster(
    launch,
    `${opts.workers} executor(s) to register with the driver`,
    async () => (await executors(connectUiUrl)).filter((e) => e.isActive).length >= opts.workers,
    120_000,
    () => executorDiagnosis(jvms.logDir),
  );
  current.connectUrl = connect.url;
  current.status = "running";
  writeState(current);
  progress(`kindling: cluster '${name}' is up: ${connect.url} (master UI ${current.masterUiUrl})`);
}

function clusterHandle(
  launch: Launch,
  jvms: JvmSetup,
  connect: LocalServer,
  onExit: () => void,
): ClusterHandle {
  const { current } = launch;
  let stopping: Promise<void> | undefined;
  return {
    name: launch.name,
    connectUrl: connect.url,
    masterUrl: current.masterUrl,
    masterUiUrl: current.masterUiUrl,
    connectUiUrl: `http://${jvms.host}:${connect.uiPort}`,
    logDir: jvms.logDir,
    state: () => structuredClone(current),
    stop: () => {
      stopping ??= stopLaunch(launch).finally(() => process.off("exit", onExit));
      return stopping;
    },
  };
}

/**
 * Stops what the launch started, in order: the Connect server, the workers, the master; then
 * kills any JVM of the cluster still left and removes the network and the state file.
 */
async function stopLaunch(launch: Launch): Promise<void> {
  const { name, progress, current, started } = launch;
  current.status = "stopping";
  saveIfOwned(current);
  const t0 = Date.now();
  const took = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
  await launch.connect?.stop();
  progress(`kindling: cluster '${name}': Connect server stopped (${took()})`);
  const workers = started.filter((s) => s.kind === "worker");
  await Promise.all(workers.map((w) => w.jvm.stop()));
  progress(`kindling: cluster '${name}': workers stopped (${took()})`);
  await Promise.all(started.filter((s) => s.kind === "master").map((m) => m.jvm.stop()));
  progress(`kindling: cluster '${name}': master stopped (${took()})`);
  // Executors belong to workers, which stop them; kill any the workers left behind.
  const left = clusterJvms(name).map((p) => p.pid);
  for (const pid of left) signal(pid, "SIGKILL");
  await waitForExit(left, 10_000);
  if (launch.network) removeNetwork(name);
  removeStateIfOwned(name);
}

function removeStateIfOwned(name: string): void {
  if (readState(name)?.owner.pid === process.pid) removeState(name);
}

/**
 * Takes the cluster's name: creates its state file exclusively (status `starting`, owned by this
 * process). Throws KindlingError if a live process already owns that name.
 */
function claimName(name: string, initial: ClusterState): void {
  mkdirSync(clusterDir(name), { recursive: true });
  const file = clusterStateFile(name);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${JSON.stringify(initial, null, 2)}\n`, { flag: "wx" });
      return;
    } catch {
      /* taken: running, starting, or left by a process that died (liveState cleans that up) */
    }
    const state = liveState(name);
    if (state) {
      const stopHint =
        state.owner.kind === "supervisor"
          ? `stop it with \`kindling cluster down${name === "default" ? "" : ` --name ${name}`}\``
          : `process ${state.owner.pid} started it in-process and must stop it`;
      throw new KindlingError(
        `cluster '${name}' is already ${state.status} (owner pid ${state.owner.pid}); ${stopHint}, or use another name.`,
      );
    }
  }
  throw new KindlingError(`cluster '${name}' is being started by another process; try again.`);
}

/** Spark's Worker builds executors' class path from SPARK_HOME: it needs jars/ and a RELEASE file. */
function checkSparkHomeLayout(spark: SparkHome): void {
  if (!existsSync(spark.jarsDir))
    throw new KindlingError(`${spark.home} has no jars/ folder; executors cannot start.`);
  const release = join(spark.home, "RELEASE");
  if (existsSync(release)) return;
  if (spark.external)
    throw new KindlingError(
      `SPARK_HOME=${spark.home} has no RELEASE file, so Spark's workers would look for a source build ` +
        `and fail with "Cannot find any build directories". Create it (any text) or unset SPARK_HOME.`,
    );
  writeFileSync(release, `Spark ${spark.version} (jars fetched by Kindling from Maven Central)\n`);
}

/** Moves the previous run's logs to `logs.previous` and returns an empty `logs` folder. */
export function freshLogDir(name: string): string {
  const logDir = clusterLogDir(name);
  const previous = `${logDir}.previous`;
  if (existsSync(logDir)) {
    rmSync(previous, { recursive: true, force: true });
    renameSync(logDir, previous);
  }
  mkdirSync(logDir, { recursive: true });
  return logDir;
}

async function distinctPorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

/** Records a JVM's exit in the state file (nothing is restarted) and reports it. */
function watchExit(
  child: OwnedProcess["child"],
  record: JvmRecord,
  state: ClusterState,
  progress: (line: string) => void,
  label: string,
): void {
  child.once("exit", (code, sig) => {
    record.exited = { code, signal: sig, at: new Date().toISOString() };
    if (state.status !== "stopping")
      progress(
        `kindling: cluster '${state.name}': ${label} (pid ${record.pid}) exited ` +
          `${sig ? `by ${sig}` : `with code ${code}`}; not restarting it (log: ${record.logFile})`,
      );
    saveIfOwned(state);
  });
}

function saveIfOwned(state: ClusterState): void {
  if (readState(state.name)?.owner.pid === process.pid) writeState(state);
}
