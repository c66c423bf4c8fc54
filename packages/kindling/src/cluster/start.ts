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
import { CLUSTER_DEFAULTS, type ClusterOptions, resolveClusterOptions } from "./options.js";
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
  const current: ClusterState = {
    version: 1,
    name,
    status: "starting",
    owner: { pid: process.pid, startTicks: startTicks(process.pid), kind: ownerKind },
    startedAt: new Date().toISOString(),
    sparkVersion: "",
    sparkHome: "",
    workers: opts.workers,
    coresPerWorker: opts.coresPerWorker,
    memoryPerWorker: opts.memoryPerWorker,
    logDir: clusterLogDir(name),
    masterUrl: "",
    masterUiUrl: "",
    workerJvms: [],
  };
  claimName(name, current);

  const started: { kind: string; jvm: OwnedProcess }[] = [];
  let connect: LocalServer | undefined;
  let network: ClusterNetwork | undefined;
  const stop = async () => {
    current.status = "stopping";
    saveIfOwned(current);
    const t0 = Date.now();
    const took = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
    await connect?.stop();
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
    if (network) removeNetwork(name);
    if (readState(name)?.owner.pid === process.pid) removeState(name);
  };
  const onExit = () => {
    if (readState(name)?.owner.pid === process.pid) removeState(name);
  };
  process.on("exit", onExit);

  try {
    reapOrphans();
    checkJava();
    const spark = await ensureSpark({ onProgress: progress, profiles: opts.profiles });
    checkSparkHomeLayout(spark);
    const logDir = rotateLogs ? freshLogDir(name) : clusterLogDir(name);
    mkdirSync(logDir, { recursive: true });
    const java = javaExecutable();
    const marker = clusterMarker(name);
    if (opts.network === "namespaces") {
      const why = namespacesUnavailable();
      if (why) throw new KindlingError(`cluster '${name}': ${why}`, 2);
      network = createNetwork(name, opts.workers);
      current.network = network;
      progress(
        `kindling: cluster '${name}': bridge ${network.bridge} (${network.hostIp}), workers in namespaces ${network.workers.map((w) => `${w.namespace} (${w.ip})`).join(", ")}`,
      );
    }
    // Master and driver bind the bridge's address with namespaces, loopback otherwise.
    const HOST = network?.hostIp ?? LOOPBACK;
    // Workers hand their environment to the executors they launch: SPARK_HOME (with jars/ and
    // RELEASE) and SPARK_SCALA_VERSION are what let them build an executor's class path.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      SPARK_HOME: spark.home,
      SPARK_SCALA_VERSION: "2.13",
      SPARK_LOCAL_IP: HOST,
      SPARK_LOCAL_HOSTNAME: HOST,
    };
    const ports = await distinctPorts(2 + 2 * opts.workers);
    const [masterPort, masterUiPort] = [ports[0]!, ports[1]!];
    const masterUrl = `spark://${HOST}:${masterPort}`;
    const masterUiUrl = `http://${HOST}:${masterUiPort}`;

    const spawnDaemon = (
      role: string,
      mainArgs: string[],
      logFile: string,
      where?: ClusterNetwork["workers"][number],
    ): OwnedProcess => {
      const roleMarker = `-Dkindling.cluster.jvm=${name}/${role}`;
      const args = [
        `-Xmx${CLUSTER_DEFAULTS.daemonMemory}`,
        ...SPARK_JAVA_OPTIONS,
        marker,
        roleMarker,
        "-cp",
        join(spark.jarsDir, "*"),
        ...mainArgs,
      ];
      const common = { logFile, marker: roleMarker, label: `the ${role}` };
      if (!where) return startOwnedProcess({ ...common, command: java, args, env });
      // In the worker's namespace, on its address (executors inherit both).
      const [cmd, ...prefix] = inNamespace(where.namespace);
      const wenv = { ...env, SPARK_LOCAL_IP: where.ip, SPARK_LOCAL_HOSTNAME: where.ip };
      return startOwnedProcess({ ...common, command: cmd!, args: [...prefix, java, ...args], env: wenv });
    };
    const jvmsUpToNow = () => started.map((s) => s.jvm).concat(connect ? [connect.owned] : []);
    const waitFor = (what: string, check: ReadyWait["check"], timeoutMs: number, diagnose?: () => string) =>
      waitUntilReady({
        what,
        check,
        watch: jvmsUpToNow(),
        timeoutMs,
        intervalMs: 500,
        ...(diagnose ? { diagnose } : {}),
        error: (f) => new KindlingError(f.message),
      });

    const masterLog = join(logDir, "master.log");
    const master = spawnDaemon(
      "master",
      [MASTER_CLASS, "--host", HOST, "--port", String(masterPort), "--webui-port", String(masterUiPort)],
      masterLog,
    );
    started.push({ kind: "master", jvm: master });
    Object.assign(current, { sparkVersion: spark.version, sparkHome: spark.home, masterUrl, masterUiUrl });
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
    await waitFor(
      "the master to answer",
      async () => (await masterJson(masterUiUrl)).status === "ALIVE",
      60_000,
    );

    for (let i = 1; i <= opts.workers; i++) {
      const port = ports[2 * i]!;
      const uiPort = ports[2 * i + 1]!;
      const logFile = join(logDir, `worker-${i}.log`);
      const workDir = join(logDir, "executors", `worker-${i}`);
      mkdirSync(workDir, { recursive: true });
      const where = network?.workers[i - 1];
      const worker = spawnDaemon(
        `worker-${i}`,
        [
          WORKER_CLASS,
          "--host",
          where?.ip ?? HOST,
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
      started.push({ kind: "worker", jvm: worker });
      const record: WorkerRecord = { index: i, pid: worker.pid, port, uiPort, logFile, workDir };
      current.workerJvms.push(record);
      watchExit(worker.child, record, current, progress, `worker-${i}`);
    }
    writeState(current);
    progress(`kindling: cluster '${name}': starting ${opts.workers} worker(s), waiting for them to register`);
    await waitFor(
      `${opts.workers} alive worker(s) in the master`,
      async () =>
        (await masterJson(masterUiUrl)).workers.filter(
          (w) => w.state === "ALIVE" && current.workerJvms.some((r) => r.port === w.port),
        ).length === opts.workers,
      90_000,
    );

    progress(`kindling: cluster '${name}': starting the Spark Connect server (the driver)`);
    try {
      connect = await startLocalServer({
        master: masterUrl,
        profiles: opts.profiles,
        // Delta's jars reach the executors through spark.executor.extraClassPath (add-ons).
        addOns: [DELTA_ADD_ON],
        driverMemory: opts.driverMemory,
        logDir,
        env,
        javaOptions: [marker, `-Dkindling.cluster.jvm=${name}/connect`],
        startTimeoutMs: opts.startTimeoutMs,
        onProgress: progress,
        conf: {
          "spark.app.name": `kindling-cluster-${name}`,
          "spark.driver.host": HOST,
          "spark.driver.bindAddress": HOST,
          "spark.executor.cores": String(opts.coresPerWorker),
          "spark.executor.memory": opts.memoryPerWorker,
          "spark.cores.max": String(opts.workers * opts.coresPerWorker),
          ...deltaSparkConf(),
          ...opts.conf,
          // Tags executors too, so `down` and the chaos commands can find them.
          "spark.executor.extraJavaOptions": [opts.conf["spark.executor.extraJavaOptions"], marker]
            .filter(Boolean)
            .join(" "),
        },
      });
    } catch (err) {
      throw new KindlingError(`cluster '${name}': ${(err as Error).message}`);
    }
    const connectUiUrl = `http://${HOST}:${connect.uiPort}`;
    current.connect = {
      pid: connect.pid,
      port: connect.port,
      uiPort: connect.uiPort,
      logFile: connect.logFile,
    };
    watchExit(connect.process, current.connect, current, progress, "connect server");
    current.connectUiUrl = connectUiUrl;
    writeState(current);

    progress(`kindling: cluster '${name}': waiting for ${opts.workers} executor(s) to register`);
    await waitFor(
      `${opts.workers} executor(s) to register with the driver`,
      async () => (await executors(connectUiUrl)).filter((e) => e.isActive).length >= opts.workers,
      120_000,
      () => executorDiagnosis(logDir),
    );
    current.connectUrl = connect.url;
    current.status = "running";
    writeState(current);
    progress(`kindling: cluster '${name}' is up: ${connect.url} (master UI ${masterUiUrl})`);

    let stopping: Promise<void> | undefined;
    return {
      name,
      connectUrl: connect.url,
      masterUrl,
      masterUiUrl,
      connectUiUrl,
      logDir,
      state: () => structuredClone(current),
      stop: () => {
        stopping ??= stop().finally(() => process.off("exit", onExit));
        return stopping;
      },
    };
  } catch (err) {
    await stop().catch(() => {});
    process.off("exit", onExit);
    if (err instanceof KindlingError) throw err;
    throw new KindlingError(`cluster '${name}' failed to start: ${(err as Error).message}`);
  }
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
