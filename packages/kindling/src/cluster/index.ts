/** Local Spark standalone clusters: start, inspect, stop, and break them on purpose. */
export { type KilledExecutor, type KilledWorker, killExecutor, killWorker } from "./chaos.js";
export {
  type ClusterDownResult,
  type ClusterStatus,
  type ClusterUpResult,
  clusterDown,
  clusterStatus,
  clusterUp,
  type WorkerStatus,
} from "./control.js";
export { CLUSTER_DEFAULTS, type ClusterOptions, DEFAULT_CLUSTER_NAME } from "./options.js";
export { clusterDir, clusterLogDir, clusterStateFile } from "./paths.js";
export { allClusterJvms, clusterJvms } from "./procs.js";
export {
  applicationId,
  type ExecutorJson,
  executors as sparkExecutors,
  type StageJson,
  stages as sparkStages,
} from "./rest.js";
export { type ClusterHandle, startCluster } from "./start.js";
export { type ClusterState, clusterConnectUrl } from "./state.js";
