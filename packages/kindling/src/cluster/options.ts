import { KindlingError } from "../errors.js";

/** The cluster name used when none is given (`~/.cache/kindling/cluster/default`). */
export const DEFAULT_CLUSTER_NAME = "default";
/** Defaults of `kindling cluster up` and {@link startCluster}; the CLI help and README quote these. */
export const CLUSTER_DEFAULTS = {
  workers: 2,
  coresPerWorker: 1,
  memoryPerWorker: "1g",
  driverMemory: "1g",
  /** Heap of the master and worker daemons (they only schedule; executors do the work). */
  daemonMemory: "512m",
  startTimeoutMs: 300_000,
} as const;

/** Options of a local standalone cluster. */
export interface ClusterOptions {
  /** Name of the cluster: its folder is `<cache>/cluster/<name>`. Default `default`. */
  name?: string;
  /**
   * `loopback` (default): every JVM on 127.0.0.1. `namespaces`: each worker (and its executors)
   * in its own network namespace on a bridge, so executors talk over a network (root only; netns.ts).
   */
  network?: "loopback" | "namespaces";
  /** Number of worker JVMs. Default 2. */
  workers?: number;
  /** Cores each worker offers (= cores of its executor). Default 1. */
  coresPerWorker?: number;
  /** Memory each worker offers (= heap of its executor), e.g. `512m`, `1g`. Default `1g`. */
  memoryPerWorker?: string;
  /** Heap of the Spark Connect server (the driver). Default `1g`. */
  driverMemory?: string;
  /** Extra Spark configuration for the Connect server (the application), e.g. shuffle partitions. */
  conf?: Record<string, string>;
  /** How long to wait for the whole cluster (and its executors) to come up. Default 300 s. */
  startTimeoutMs?: number;
  /** Progress lines while Spark is provisioned and the JVMs start. */
  onProgress?: (line: string) => void;
  /** Extra Maven profiles of spark/pom.xml on every JVM's class path (e.g. `s3` for s3a). */
  profiles?: string[];
}

/** {@link ClusterOptions} with every default filled in and checked. */
export interface ResolvedClusterOptions {
  name: string;
  network: "loopback" | "namespaces";
  workers: number;
  coresPerWorker: number;
  memoryPerWorker: string;
  driverMemory: string;
  conf: Record<string, string>;
  startTimeoutMs: number;
  profiles: string[];
}

const MEMORY = /^[1-9]\d*[mg]$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** Fills in defaults and validates; throws KindlingError (exit code 2) for a bad value. */
export function resolveClusterOptions(options: ClusterOptions = {}): ResolvedClusterOptions {
  const resolved: ResolvedClusterOptions = {
    name: checkName(options.name ?? DEFAULT_CLUSTER_NAME),
    network: options.network ?? "loopback",
    workers: options.workers ?? CLUSTER_DEFAULTS.workers,
    coresPerWorker: options.coresPerWorker ?? CLUSTER_DEFAULTS.coresPerWorker,
    memoryPerWorker: (options.memoryPerWorker ?? CLUSTER_DEFAULTS.memoryPerWorker).toLowerCase(),
    driverMemory: (options.driverMemory ?? CLUSTER_DEFAULTS.driverMemory).toLowerCase(),
    conf: options.conf ?? {},
    startTimeoutMs: options.startTimeoutMs ?? CLUSTER_DEFAULTS.startTimeoutMs,
    profiles: options.profiles ?? [],
  };
  if (!Number.isInteger(resolved.workers) || resolved.workers < 1 || resolved.workers > 64)
    throw new KindlingError(`workers must be a whole number from 1 to 64, got ${resolved.workers}.`, 2);
  if (!Number.isInteger(resolved.coresPerWorker) || resolved.coresPerWorker < 1)
    throw new KindlingError(
      `cores per worker must be a whole number >= 1, got ${resolved.coresPerWorker}.`,
      2,
    );
  for (const [what, value] of [
    ["worker memory", resolved.memoryPerWorker],
    ["driver memory", resolved.driverMemory],
  ] as const) {
    if (!MEMORY.test(value)) throw new KindlingError(`${what} must look like 512m or 2g, got '${value}'.`, 2);
  }
  // Spark refuses executors below 450 MiB (1.5 x its 300 MiB reserve): fail here, not in a log.
  if (megabytes(resolved.memoryPerWorker) < 512)
    throw new KindlingError(
      `worker memory ${resolved.memoryPerWorker} is too small: Spark executors need at least 512m.`,
      2,
    );
  return resolved;
}

/** Validates a cluster name (it becomes a folder name); throws KindlingError (exit code 2). */
export function checkName(name: string): string {
  if (!NAME.test(name))
    throw new KindlingError(
      `cluster name '${name}' is not valid: use letters, digits, '.', '_' or '-' (at most 63).`,
      2,
    );
  return name;
}

/** `512m` → 512, `2g` → 2048. */
export function megabytes(memory: string): number {
  const n = Number.parseInt(memory, 10);
  return memory.endsWith("g") ? n * 1024 : n;
}
