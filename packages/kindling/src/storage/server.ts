import type { ChildProcess } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { cacheRoot, freePort, startOwnedProcess, waitUntilReady } from "@kindling/spark-connect/local";
import { type S3Credentials, s3Credentials } from "./credentials.js";
import { S3StoreError } from "./errors.js";
import { listBuckets, s3Client } from "./objects.js";
import { type S3StoreKind, storeBinary } from "./versions.js";

export interface S3ServerOptions {
  /** Where the store keeps its data (created if missing). Reusing it keeps buckets across restarts. */
  dataDir: string;
  /** S3 port on 127.0.0.1. Default: a free one. */
  port?: number;
  /** The key pair the store accepts (its admin identity). Handed over in its environment only. */
  accessKey: string;
  secretKey: string;
  /** Which store to start. Default `seaweedfs` (see infra/storage/README.md). */
  store?: S3StoreKind;
  /** Folder for the store's log. Default `<cache>/logs`. */
  logDir?: string;
  /** How long to wait for the store to answer a signed S3 call on an idle machine, ms (times `busyMachineScale()`). Default 90 s. */
  startTimeoutMs?: number;
}

/** A local S3-compatible server started and owned by this process. */
export interface S3Server {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  port: number;
  pid: number;
  store: S3StoreKind;
  version: string;
  logFile: string;
  dataDir: string;
  /** The credentials the server accepts (printing this object does not show the secret). */
  credentials: S3Credentials;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. Idempotent. */
  stop(): Promise<void>;
  /** The process handle (for fault-injection tests). */
  readonly process: ChildProcess;
}

/**
 * Starts the pinned S3-compatible store on 127.0.0.1 (SeaweedFS by default, built by
 * `infra/storage/build.sh`) and resolves once it answers a signed ListBuckets. The process is owned:
 * it is stopped by `stop()`, and killed when this Node process exits. The credentials reach it only
 * through its environment, never its command line. Throws {@link S3StoreError}: `BINARY_MISSING`
 * (with the build command) or `START_FAILED` (with the log's tail).
 */
export async function startS3Server(options: S3ServerOptions): Promise<S3Server> {
  const kind = options.store ?? "seaweedfs";
  const binary = storeBinary(kind);
  if (!existsSync(binary.path)) {
    throw new S3StoreError(
      "BINARY_MISSING",
      `${kind} ${binary.version} is not built (${binary.path} is missing). Build it with '${binary.buildCommand}'.`,
    );
  }
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const port = options.port ?? (await freePort());
  const logDir = options.logDir ?? join(cacheRoot(), "logs");
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `s3-${kind}-${port}-${Date.now()}.log`);
  const { args, env, marker } =
    kind === "seaweedfs"
      ? await seaweedCommand(dataDir, port, options)
      : await minioCommand(dataDir, port, options);

  const owned = startOwnedProcess({
    command: binary.path,
    args,
    logFile,
    marker,
    env: { ...baseEnv(), ...env },
    label: `${kind} ${binary.version}`,
    // SeaweedFS lingers after SIGTERM (its master keeps retrying the stopped filer): 5 s is plenty.
    stopGraceMs: 5_000,
  });
  const credentials = s3Credentials(options.accessKey, options.secretKey, "given");
  const server: S3Server = {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    pid: owned.pid,
    store: kind,
    version: binary.version,
    logFile,
    dataDir,
    credentials,
    process: owned.child,
    stop: () => owned.stop(),
  };
  const client = s3Client(server.endpoint, credentials, { maxAttempts: 1 });
  try {
    await waitUntilReady({
      what: `${kind} to answer a signed S3 ListBuckets on port ${port}`,
      check: async () => {
        await listBuckets(client);
        return true;
      },
      watch: [owned],
      timeoutMs: options.startTimeoutMs ?? 90_000,
      error: (f) => new S3StoreError("START_FAILED", f.message, logFile),
    });
  } catch (err) {
    await owned.stop();
    throw err;
  } finally {
    client.destroy();
  }
  return server;
}

interface Command {
  args: string[];
  env: Record<string, string>;
  /** A string unique to this command line (how an orphan is recognised later). */
  marker: string;
}

async function seaweedCommand(dataDir: string, port: number, o: S3ServerOptions): Promise<Command> {
  // All-in-one `weed server`: master, volume and filer on their own free ports (gRPC ports too,
  // since their default of port+10000 may be taken or out of range), S3 on `port`.
  const [master, masterGrpc, volume, volumeGrpc, filer, filerGrpc, s3Grpc] = await freePorts(7);
  return {
    args: [
      "-logtostderr=true", // logs go to our log file, not to /tmp/weed.*
      "server",
      "-ip=127.0.0.1",
      "-ip.bind=127.0.0.1",
      `-dir=${dataDir}`,
      `-master.port=${master}`,
      `-master.port.grpc=${masterGrpc}`,
      "-master.telemetry=false",
      // Small volumes, count derived from free disk: each bucket is a collection with its own volumes.
      "-master.volumeSizeLimitMB=256",
      "-volume.max=0",
      `-volume.port=${volume}`,
      `-volume.port.grpc=${volumeGrpc}`,
      "-volume.preStopSeconds=0",
      "-filer",
      `-filer.port=${filer}`,
      `-filer.port.grpc=${filerGrpc}`,
      "-s3",
      `-s3.port=${port}`,
      `-s3.port.grpc=${s3Grpc}`,
      "-s3.port.iceberg=0",
      "-s3.port.lance=0",
    ],
    // With no -s3.config, SeaweedFS makes this key pair its S3 admin identity.
    env: { AWS_ACCESS_KEY_ID: o.accessKey, AWS_SECRET_ACCESS_KEY: o.secretKey },
    marker: `-s3.port=${port}`,
  };
}

async function minioCommand(dataDir: string, port: number, o: S3ServerOptions): Promise<Command> {
  const console = await freePort();
  return {
    args: [
      "server",
      dataDir,
      "--address",
      `127.0.0.1:${port}`,
      "--console-address",
      `127.0.0.1:${console}`,
      "--quiet",
    ],
    env: { MINIO_ROOT_USER: o.accessKey, MINIO_ROOT_PASSWORD: o.secretKey, MINIO_BROWSER: "off" },
    marker: `127.0.0.1:${port}`,
  };
}

/** This process's environment without AWS/MinIO credentials of its own (the store gets only ours). */
function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(AWS_|MINIO_)/.test(k)) env[k] = v;
  return env;
}

async function freePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}
