export { outputChecksum } from "./checksum.js";
export type { RunCounts } from "./reconcile.js";
export {
  type ActionRecord,
  RUN_CONF,
  type RuleResult,
  type RunEvent,
  type RunOptions,
  type RunResult,
  runPipeline,
} from "./runner.js";
export { type SparkRunStats, type StageStats, sparkRunStats } from "./spark-ui.js";
