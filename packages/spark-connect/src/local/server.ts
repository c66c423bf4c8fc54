import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { SparkServerStartError } from "../errors.js";
import { type AddOnJars, ensureAddOnJars } from "./add-ons.js";
import { SPARK_JAVA_OPTIONS } from "./jvm.js";
import { cacheRoot } from "./paths.js";
import { type OwnedProcess, reapOrphans, startOwnedProcess } from "./processes.js";
import { checkJava, ensureSpark, javaExecutable, type SparkHome } from "./provision.js";
import { portAccepts, waitUntilReady } from "./readiness.js";

export const CONNECT_SERVER_CLASS = "org.apache.spark.sql.connect.service.SparkConnectServer";

/** How {@link startLocalServer} starts the server; every field is optional. */
export interface LocalServerOptions {
  /** Spark master, e.g. `local[*]`, `local[2]` or `spark://host:7077`. Default `local[*]`. */
  master?: string;
  /** Spark configuration passed to the server (`spark.*` keys). */
  conf?: Record<string, string>;
  /** JVM heap for the driver, e.g. `2g`. Default `2g`. */
  driverMemory?: string;
  /** Extra JVM options (e.g. a javaagent). */
  javaOptions?: string[];
  /** Extra entries for the class path (e.g. hadoop-aws jars). */
  extraClassPath?: string[];
  /** Environment for the JVM (e.g. AWS credentials for s3a). Defaults to this process's. */
  env?: NodeJS.ProcessEnv;
  /** Folder for the server log. Default `<cache>/logs`. */
  logDir?: string;
  /** How long to wait for the server to answer on an idle machine, ms (times `busyMachineScale()`). Default 180 s. */
  startTimeoutMs?: number;
  /** Progress lines while Spark is provisioned or starting. */
  onProgress?: (line: string) => void;
  /** Extra Maven profiles of spark/pom.xml to provision (e.g. `s3`). */
  profiles?: string[];
  /**
   * Add-on profiles of spark/pom.xml (e.g. `delta`) whose jars live in their own versioned cache
   * folder ({@link ensureAddOnJars}); they go on the server's class path and, with a non-local
   * master, through `spark.executor.extraClassPath` on executors started on this machine. Any Spark conf an
   * add-on needs (extensions, catalogs) is the caller's to pass in `conf`.
   */
  addOns?: string[];
  /** The Spark Connect gRPC port; default a free one. A fixed port lets a restarted server keep its address. */
  port?: number;
  /** The Spark UI port; default a free one. */
  uiPort?: number;
}

/** A Spark Connect server JVM started and owned by this process. */
export interface LocalServer {
  /** The add-ons on the server's class path (see {@link LocalServerOptions.addOns}). */
  addOns: AddOnJars[];
  /** `sc://127.0.0.1:<port>` */
  url: string;
  /** The Spark Connect gRPC port (a free one unless chosen). */
  port: number;
  /** Port of the Spark UI (and its REST API and metrics servlets). */
  uiPort: number;
  /** The JVM's process id. */
  pid: number;
  /** The server's log file (Spark's driver log). */
  logFile: string;
  /** The Spark installation it runs from. */
  spark: SparkHome;
  /** Stops the JVM (SIGTERM, then SIGKILL) and waits for it to exit. Idempotent. */
  stop(): Promise<void>;
  /** The process handle (for fault-injection tests). */
  readonly process: ChildProcess;
  /** The JVM as an owned process (to watch it while waiting for something else). */
  readonly owned: OwnedProcess;
}

/** Returns a TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Provisions the pinned Spark if needed and starts a local Spark Connect server on free ports.
 * Resolves once the server answers gRPC calls. Throws {@link SparkServerStartError} (with the log's
 * tail) if the JVM exits or does not answer in time, and SparkProvisionError if Java or Maven is
 * missing. The JVM is stopped when `stop()` is called or this Node process ends.
 */
export async function startLocalServer(options: LocalServerOptions = {}): Promise<LocalServer> {
  reapOrphans();
  checkJava();
  const spark = await ensureSpark({
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.profiles ? { profiles: options.profiles } : {}),
  });
  const addOns: AddOnJars[] = [];
  for (const profile of options.addOns ?? [])
    addOns.push(
      await ensureAddOnJars(profile, {
        spark,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      }),
    );
  const addOnClassPath = addOns.map((a) => join(a.jarsDir, "*"));
  const port = options.port ?? (await freePort());
  const uiPort = options.uiPort ?? (await freePort());
  const logDir = options.logDir ?? join(cacheRoot(), "logs");
  const logFile = join(logDir, `spark-connect-${port}-${Date.now()}.log`);
  const marker = `-Dkindling.connect.port=${port}`;
  const args = serverJvmArgs(options, spark, addOnClassPath, { port, uiPort, marker });
  const env = { ...(options.env ?? process.env), SPARK_HOME: spark.home, SPARK_SCALA_VERSION: "2.13" };
  const owned = startOwnedProcess({
    command: javaExecutable(),
    args,
    logFile,
    marker,
    env,
    label: "the Spark Connect server",
  });
  options.onProgress?.(`kindling: starting Spark Connect ${spark.version} on port ${port} (log: ${logFile})`);

  const server: LocalServer = {
    url: `sc://127.0.0.1:${port}`,
    port,
    uiPort,
    pid: owned.pid,
    logFile,
    spark,
    addOns,
    process: owned.child,
    owned,
    stop: () => owned.stop(),
  };
  try {
    await waitUntilReady({
      what: `the Spark Connect server to answer on port ${port}`,
      // The server logs this line once its gRPC endpoint is bound.
      check: async () => logContains(logFile, "Spark Connect server started") && (await portAccepts(port)),
      watch: [owned],
      timeoutMs: options.startTimeoutMs ?? 180_000,
      intervalMs: 200,
      error: (f) => new SparkServerStartError(f.message, logFile),
    });
  } catch (err) {
    await owned.stop();
    throw err;
  }
  return server;
}

/** The Connect server JVM's arguments: heap, Spark's JVM options, `-D` confs, class path, main class. */
function serverJvmArgs(
  options: LocalServerOptions,
  spark: SparkHome,
  addOnClassPath: string[],
  ports: { port: number; uiPort: number; marker: string },
): string[] {
  const conf: Record<string, string> = {
    "spark.master": options.master ?? "local[*]",
    "spark.app.name": "kindling",
    "spark.connect.grpc.binding.address": "127.0.0.1",
    "spark.connect.grpc.binding.port": String(ports.port),
    "spark.ui.port": String(ports.uiPort),
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    // Tables saved with saveAsTable go to the cache, not the caller's working directory.
    "spark.sql.warehouse.dir": join(cacheRoot(), "warehouse"),
    // Results larger than this arrive in several Arrow batches, which keeps memory flat.
    "spark.connect.grpc.arrow.maxBatchSize": String(4 * 1024 * 1024),
    ...options.conf,
  };
  // Executors of a cluster on this machine need the add-on's classes too; in local mode the
  // executor shares the server's class path (an extra user class path would load them twice).
  if (addOnClassPath.length && !conf["spark.master"]!.startsWith("local")) {
    conf["spark.executor.extraClassPath"] = [conf["spark.executor.extraClassPath"], ...addOnClassPath]
      .filter(Boolean)
      .join(":");
  }
  const classPath = [join(spark.jarsDir, "*"), ...addOnClassPath, ...(options.extraClassPath ?? [])].join(
    ":",
  );
  return [
    `-Xmx${options.driverMemory ?? "2g"}`,
    ...SPARK_JAVA_OPTIONS,
    ...collectorOption(options.javaOptions ?? []),
    ...(options.javaOptions ?? []),
    ports.marker,
    ...Object.entries(conf).map(([k, v]) => `-D${k}=${v}`),
    "-cp",
    classPath,
    CONNECT_SERVER_CLASS,
  ];
}

/**
 * The server's garbage collector: the throughput (parallel) collector rather than Java 17's
 * default G1, unless `javaOptions` picks one (two would stop the JVM). The example pipeline at
 * 1 GB on two servers side by side, one of each, took 159.0 s against 177.2 s and 178.6 s against
 * 213.3 s (bench/jvm-ab.ts; bench/README.md, "The server's garbage collector"): a batch job's
 * throughput matters here, not G1's shorter pauses.
 */
export function collectorOption(javaOptions: readonly string[]): string[] {
  return javaOptions.some((o) => /^-XX:\+Use\w*GC$/.test(o)) ? [] : ["-XX:+UseParallelGC"];
}

function logContains(file: string, needle: string): boolean {
  try {
    return readFileSync(file, "utf8").includes(needle);
  } catch {
    return false;
  }
}
