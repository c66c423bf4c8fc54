/** The data generator: a realistic, seeded, dirty dataset for the example pipeline, and its ground truth. */

export { type AppendOptions, appendOrders, DEFAULT_UPDATE_RATE } from "./append.js";
export {
  ACCEPTED_STATUSES,
  judgeOrder,
  MAX_QUANTITY,
  ORDER_COLUMNS,
  type OrderVerdict,
  type ValidOrder,
} from "./contract.js";
export { type CsvRecord, csvField, parseCsv } from "./csv.js";
export {
  DEFAULT_DIRTY_WEIGHTS,
  DIRTY_KINDS,
  type DirtyKind,
  QUARANTINE_REASONS,
  type QuarantineReason,
} from "./dirty-kinds.js";
export type { ExpectedAggregates, RevenueGroup } from "./expected.js";
export { expectedAggregates, type GenerateResult, generate, ORDERS_DIR } from "./generate.js";
export type { AppendedBatch, ColumnInfo, Manifest, OrdersFile } from "./manifest.js";
export {
  DEFAULT_DIRTY_RATE,
  DEFAULT_OUT_DIR,
  DEFAULT_SEED,
  DEFAULT_SIZE,
  type GenerateOptions,
  type GenerateProgress,
  type OrdersFormat,
  parseSize,
} from "./options.js";
export { recomputeExpected } from "./recompute.js";
export { ensureDataset } from "./reuse.js";
