/**
 * The detached process behind `kindling cluster up`: it owns the cluster's JVMs (they die with it),
 * records their pids, ports and exits in `state.json`, restarts nothing, and on SIGTERM/SIGINT stops
 * the cluster in order and exits. Started as `node --import <tsx> supervisor.ts '<options JSON>'`
 * with stdout/stderr going to `logs/supervisor.log`.
 */

import type { ResolvedClusterOptions } from "./options.js";
import { clusterDir } from "./paths.js";
import { type ClusterHandle, launchCluster } from "./start.js";

const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
const options = JSON.parse(process.argv[2] ?? "{}") as ResolvedClusterOptions;
// Spark may write scratch files into its working directory: keep them in the cluster's folder.
process.chdir(clusterDir(options.name));

let handle: ClusterHandle | undefined;
let stopping = false;
const shutdown = async (sig: NodeJS.Signals) => {
  if (stopping) return;
  stopping = true;
  log(`supervisor: ${sig} received, stopping cluster '${options.name}'`);
  try {
    await handle?.stop();
    log("supervisor: cluster stopped");
  } catch (err) {
    log(`supervisor: error while stopping: ${(err as Error).message}`);
    process.exitCode = 1;
  }
  // Without a handle the start is still under way: exiting ends its JVMs (they are owned by us).
  process.exit();
};
for (const sig of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.on(sig, () => void shutdown(sig));

log(`supervisor: pid ${process.pid}, starting cluster '${options.name}' (${JSON.stringify(options)})`);
try {
  handle = await launchCluster({ ...options, onProgress: log }, "supervisor", { rotateLogs: false });
  log(`supervisor: cluster '${options.name}' running; waiting for \`kindling cluster down\``);
  // Stay alive until told to stop, even if every JVM has exited (status and down report that).
  setInterval(() => {}, 1 << 30);
} catch (err) {
  log(`supervisor: cluster failed to start: ${(err as Error).message}`);
  process.exit(1);
}
