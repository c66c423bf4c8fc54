/**
 * `@kindling/spark-connect/local`: the pinned Spark and Kindling's cache, without the protocol
 * client. Importing this does not load the generated protocol code, so tools that run before
 * `npm run generate` (the test setup) can find and provision Spark.
 */
export { cacheRoot, type PinnedVersions, pinnedVersions } from "./paths.js";
export { cachedSparkHome, ensureSpark, isSparkProvisioned, type SparkHome } from "./provision.js";
