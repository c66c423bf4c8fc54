/**
 * The public API of `@kindling/kindling`: what programs (bench, experiments, the Kubernetes jobs,
 * users' own scripts) may rely on. Everything else under src/ is internal and may change.
 *
 * - spec: `loadPipeline`, `parsePipeline`, `validatePipeline`, the builders (`pipeline()`, `csv()`…)
 *   and the spec's types;
 * - run: `runPipeline` and its `RunResult`, `outputChecksum`;
 * - report: `writeReports`;
 * - datagen: `generate`, `ensureDataset`;
 * - cluster, metrics, storage: the local cluster, Prometheus/Pushgateway, the S3 store.
 */
export * from "./cluster/index.js";
export * from "./datagen/index.js";
export { DELTA_ADD_ON, deltaSparkConf } from "./delta/server.js";
export { KindlingError, type KindlingErrorCode } from "./errors.js";
export * from "./metrics/index.js";
export * from "./report/index.js";
export * from "./run/index.js";
export * from "./spec/index.js";
export * from "./storage/index.js";
