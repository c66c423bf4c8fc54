/** The public surface of @kindling/spark-connect. Everything else is internal. */
export type { CalendarInterval, DecodeOptions, Row, TimestampMode } from "./arrow/decode.js";
export type { RetryPolicy } from "./client/client.js";
export type { ExecutionInfo, ExecutionProgress, PlanMetric } from "./client/results.js";
export { type ConnectionSpec, parseConnectUrl } from "./client/url.js";
export { Column, type ColumnOrName, type ColumnOrValue, Decimal } from "./column.js";
export {
  type ActionOptions,
  type CollectResult,
  DataFrame,
  DataFrameNaFunctions,
  type ExecutionEvent,
  GroupedData,
  type StorageLevelName,
} from "./dataframe.js";
export {
  SparkConnectError,
  type SparkErrorCode,
  SparkProvisionError,
  type SparkRootCause,
  SparkServerStartError,
} from "./errors.js";
export * as functions from "./functions.js";
export { SPARK_JAVA_OPTIONS } from "./local/jvm.js";
export { cacheRoot, pinnedVersions } from "./local/paths.js";
export { ownedPids, reapOrphans, spawnOwnedJvm, stopOwnedJvm } from "./local/processes.js";
export {
  cachedSparkHome,
  checkJava,
  ensureSpark,
  javaExecutable,
  type SparkHome,
} from "./local/provision.js";
export {
  freePort,
  type LocalServer,
  type LocalServerOptions,
  logTail,
  startLocalServer,
} from "./local/server.js";
export { DataFrameReader, type ParseMode } from "./reader.js";
export { RuntimeConfig, SparkSession, SparkSessionBuilder } from "./session.js";
export {
  type DataType,
  DataTypes,
  type StructField,
  type StructType,
  simpleString,
  toDDL,
  treeString,
} from "./types.js";
export { Window, WindowSpec } from "./window.js";
export { DataFrameWriter, type SaveMode } from "./writer.js";
