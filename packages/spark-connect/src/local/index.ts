/**
 * `@kindling/spark-connect/local`: the pinned Spark, Kindling's cache and the owned-process and
 * wait-until-ready helpers, without the protocol client. Importing this does not load the
 * generated protocol code, so tools that run before `npm run generate` (the test setup) can find
 * and provision Spark.
 */
export { cacheRoot, type PinnedVersions, pinnedVersions } from "./paths.js";
export {
  type OwnedProcess,
  type OwnedProcessOptions,
  ownedPids,
  reapOrphans,
  startOwnedProcess,
} from "./processes.js";
export { cachedSparkHome, ensureSpark, isSparkProvisioned, type SparkHome } from "./provision.js";
export {
  busyMachineScale,
  httpOk,
  logTail,
  ProcessNotReadyError,
  portAccepts,
  type ReadyFailure,
  type ReadyWait,
  type WatchedProcess,
  waitUntilReady,
} from "./readiness.js";
export { freePort } from "./server.js";
