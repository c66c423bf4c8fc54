import type { S3Client } from "@aws-sdk/client-s3";
import { SparkSession as Session, type SparkSession } from "@kindling/spark-connect";
import { clusterConnectUrl } from "../cluster/index.js";
import { credentialsFromEnv } from "../storage/credentials.js";
import { s3Client } from "../storage/objects.js";
import { sparkS3ServerOptions } from "../storage/spark-s3.js";

/** Where a command's Spark runs: `--remote sc://…`, `--cluster [name]`, or a local server (default). */
export interface EngineOptions {
  remote?: string;
  cluster?: boolean | string;
  master?: string;
  driverMemory?: string;
  quiet?: boolean;
  /** S3 endpoint for s3a:// paths (default KINDLING_S3_ENDPOINT). */
  s3Endpoint?: string;
}

/** An S3 client for listing s3a:// inputs before Spark starts, when an endpoint is configured. */
export function inputS3Client(opts: EngineOptions): (() => S3Client) | undefined {
  const endpoint = opts.s3Endpoint ?? process.env.KINDLING_S3_ENDPOINT;
  return endpoint ? () => s3Client(endpoint, credentialsFromEnv()) : undefined;
}

/**
 * Opens a Spark session for a CLI command. The local default provisions the pinned Spark on first
 * use and starts a server owned by this process (stopped when the session stops or the process
 * ends). Throws SparkConnectError / KindlingError with a readable message.
 */
export async function openSession(opts: EngineOptions): Promise<SparkSession> {
  const say = (l: string) => {
    if (!opts.quiet) process.stderr.write(`${l}\n`);
  };
  if (opts.remote) return Session.builder().remote(opts.remote).getOrCreate();
  if (opts.cluster) {
    const url = await clusterConnectUrl(typeof opts.cluster === "string" ? opts.cluster : undefined);
    say(`kindling: using the local cluster at ${url}`);
    return Session.builder().remote(url).getOrCreate();
  }
  // With an S3 endpoint configured, the local server gets the s3a connector and the credentials
  // (through its environment only, never its command line).
  const endpoint = opts.s3Endpoint ?? process.env.KINDLING_S3_ENDPOINT;
  const s3 = endpoint ? sparkS3ServerOptions({ endpoint, credentials: credentialsFromEnv() }) : undefined;
  if (endpoint) process.env.KINDLING_S3_ENDPOINT = endpoint; // publishing s3a outputs uses it too
  return Session.builder()
    .remote(opts.master ?? process.env.KINDLING_MASTER ?? "local[*]")
    .localServerOptions({
      driverMemory: opts.driverMemory ?? process.env.KINDLING_DRIVER_MEMORY ?? "4g",
      onProgress: say,
      ...(s3 ? { profiles: s3.profiles, conf: s3.conf, env: s3.env } : {}),
    })
    .getOrCreate();
}

/** Adds the engine options to a command. */
export function engineOptionsHelp() {
  return [
    ["--remote <url>", "a running Spark Connect server, sc://host:port/;token=…"],
    ["--cluster [name]", "the local standalone cluster started by `kindling cluster up`"],
    ["--master <master>", "master of the embedded local server (default local[*])"],
    ["--driver-memory <size>", "heap of the embedded local server (default 4g)"],
    [
      "--s3-endpoint <url>",
      "S3 endpoint for s3a:// paths (default KINDLING_S3_ENDPOINT); credentials from AWS_*",
    ],
  ] as const;
}
