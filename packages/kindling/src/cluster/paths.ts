import { join } from "node:path";
import { cacheRoot } from "@kindling/spark-connect";

/** `<cache>/cluster/<name>`: the cluster's state, logs and worker folders. */
export function clusterDir(name: string): string {
  return join(cacheRoot(), "cluster", name);
}

/** `<cache>/cluster/<name>/logs`: one log per JVM plus the supervisor's. */
export function clusterLogDir(name: string): string {
  return join(clusterDir(name), "logs");
}

/** `<cache>/cluster/<name>/state.json`: pids, ports and URLs of the running cluster. */
export function clusterStateFile(name: string): string {
  return join(clusterDir(name), "state.json");
}
