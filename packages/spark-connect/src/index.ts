/** The public surface of @kindling/spark-connect. Everything else is internal. */
export type { CalendarInterval, DecodeOptions, Row, TimestampMode } from "./arrow/decode.js";
export {
  Catalog,
  type CatalogColumn,
  type CatalogFunction,
  type CatalogMetadata,
  type CreateTableOptions,
  type Database,
  type Table as CatalogTable,
} from "./catalog.js";
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
  type SparkErrorDetails,
  SparkProvisionError,
  type SparkRootCause,
  SparkServerStartError,
} from "./errors.js";
export * as functions from "./functions/index.js";
export { type AddOnJars, addOnVersion, ensureAddOnJars } from "./local/add-ons.js";
export { SPARK_JAVA_OPTIONS } from "./local/jvm.js";
export { cacheRoot, pinnedProperty, pinnedVersions } from "./local/paths.js";
export {
  type OwnedProcess,
  type OwnedProcessOptions,
  ownedPids,
  reapOrphans,
  startOwnedProcess,
} from "./local/processes.js";
export {
  cachedSparkHome,
  checkJava,
  ensureSpark,
  javaExecutable,
  type ProvisionOptions,
  type SparkHome,
} from "./local/provision.js";
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
} from "./local/readiness.js";
export { freePort, type LocalServer, type LocalServerOptions, startLocalServer } from "./local/server.js";
export {
  type MergeAssignments,
  MergeIntoWriter,
  WhenMatched,
  WhenNotMatched,
  WhenNotMatchedBySource,
} from "./merge-into.js";
export { DataFrameReader, type ParseMode } from "./reader.js";
export { RuntimeConfig, SparkSession, SparkSessionBuilder } from "./session.js";
export { BloomFilter } from "./sketch/bloom-filter.js";
export { CountMinSketch } from "./sketch/count-min-sketch.js";
export type { SketchItem } from "./sketch/items.js";
export type { SketchSize } from "./sketch/stat-args.js";
export { DataFrameStatFunctions } from "./stat.js";
export {
  DataStreamReader,
  DataStreamWriter,
  StreamingQuery,
  StreamingQueryManager,
  type StreamingQueryStatus,
  type Trigger,
} from "./streaming.js";
export {
  type ArrayType,
  type CharType,
  type DataType,
  DataTypes,
  type DecimalType,
  type IntervalType,
  type MapType,
  type OtherType,
  type SimpleType,
  type StringType,
  type StructField,
  type StructType,
  simpleString,
  type TimeType,
  toDDL,
  treeString,
} from "./types.js";
export { UDFRegistration } from "./udf.js";
export { Window, WindowSpec } from "./window.js";
export { DataFrameWriter, type SaveMode } from "./writer.js";
export { DataFrameWriterV2 } from "./writer-v2.js";
