import { SparkSession as Session, type SparkSession } from "@kindling/spark-connect";
import { clusterConnectUrl } from "../cluster/index.js";

/** Where a command's Spark runs: `--remote sc://…`, `--cluster [name]`, or a local server (default). */
export interface EngineOptions {
  remote?: string;
  cluster?: boolean | string;
  master?: string;
  driverMemory?: string;
  quiet?: boolean;
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
  return Session.builder()
    .remote(opts.master ?? process.env.KINDLING_MASTER ?? "local[*]")
    .localServerOptions({
      driverMemory: opts.driverMemory ?? process.env.KINDLING_DRIVER_MEMORY ?? "4g",
      onProgress: say,
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
  ] as const;
}
