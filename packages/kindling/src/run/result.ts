import type { ExecutionProgress } from "@kindling/spark-connect";
import type { DeltaSinkCommit } from "../delta/commit.js";
import type { IncrementalPlan } from "../delta/incremental.js";
import type { KindlingErrorCode } from "../errors.js";
import type { RunCounts } from "./reconcile.js";
import type { RunFigures } from "./run-figures.js";
import type { ScannedSource } from "./source-scan.js";
import type { SparkRunStats } from "./spark-ui.js";

export interface RunOptions {
  /** Base folder for relative paths (default: the working directory). */
  baseDir?: string;
  /** Spark UI base URL (for stage timings); defaults to the local server's. */
  sparkUi?: string;
  onProgress?: (event: RunEvent) => void;
  signal?: AbortSignal;
  /** Session settings applied after RUN_CONF (to compare tunings; see bench/profile-pipeline.ts). */
  conf?: Record<string, string>;
  /** Ignore the record of files processed by earlier runs and rebuild every Delta sink (delta/incremental.ts). */
  fullRefresh?: boolean;
  /** Replace output folders Kindling did not write (`kindling run --force`). */
  force?: boolean;
}

/**
 * What a run reports while it works: `start` once (its id and Spark job tag, before any Spark
 * job), then per action (an output written, or the recount) `action`, Spark's `progress`
 * messages and `done` with the rows the action wrote (from its observed metrics).
 */
export type RunEvent =
  | { type: "start"; runId: string; runTag: string; pipeline: string; startedAt: string }
  | { type: "action"; name: string; index: number; total: number }
  | { type: "progress"; action: string; progress: ExecutionProgress }
  | { type: "done"; action: string; ms: number; kind?: "sink" | "quarantine"; rows?: number }
  /** A Delta sink's commit begins (the run has passed its checks; see delta/commit.ts). */
  | { type: "commit"; sink: string; path: string };

export interface ActionRecord {
  name: string;
  kind: "sink" | "quarantine";
  path: string;
  ms: number;
  rows: number;
  files: number;
  bytes: number;
  /** Delta sinks: the commit this run wrote (version, operation, rows inserted/updated/deleted). */
  delta?: DeltaSinkCommit;
}

export interface RuleResult {
  step: string;
  rule: string;
  check: string;
  severity: string;
  violations: number;
  threshold: string | undefined;
  outcome: "passed" | "within_threshold" | "warned" | "failed";
  note?: string;
}

export interface RunResult extends Partial<RunFigures> {
  runId: string;
  status: "succeeded" | "failed";
  error: string | undefined;
  /** The failure's KindlingError code (`output`, `data`, ...), when it had one. */
  errorCode?: KindlingErrorCode;
  pipeline: string;
  specHash: string;
  specFile: string;
  sparkVersion: string;
  startedAt: string;
  wallMs: number;
  /**
   * Per source: its files, their size (`bytes`), and `bytesRead`: the raw bytes Spark's stage
   * metrics say the run read from them (bytes-read.ts; absent without the Spark UI).
   */
  inputs: {
    source: string;
    paths: string[];
    files: number;
    bytes: number;
    bytesRead?: number;
    drift: unknown;
  }[];
  /**
   * Each source's one scan (phases/scan.ts): rows parsed, wall time (ms), and where its parsed rows
   * were kept for the rest of the run (`parquet`: the run's scratch; `cache`: Spark's cache), and
   * `judgedBy`: the clean step whose verdicts the scan computed and staged with the rows.
   */
  scans?: ScannedSource[];
  counts: RunCounts | undefined;
  actions: ActionRecord[];
  rules: RuleResult[];
  spark: SparkRunStats | undefined;
  recovered: string[];
  /** Steps kept in Spark's cache because several outputs read them (and no sink writes them whole). */
  cached: string[];
  /**
   * Steps several outputs read that one sink writes whole: step → that sink, written first; the
   * other outputs read the step back from its staged files (run/phases/read-back.ts).
   */
  readBack?: Record<string, string>;
  /** Set when the counts come from a second, write-free pass (see recount.ts). */
  recount?: { reason: string; ms: number };
  /** Incremental sources: the files this run read (see delta/incremental.ts). */
  incremental?: IncrementalPlan;
  /**
   * Set when the run failed because the Spark Connect server went away (`gone`) or its
   * SparkContext stopped under the run (`stopping`); see run/server-loss.ts.
   */
  serverLoss?: ServerLoss;
  /**
   * The earlier runs of this pipeline that the Spark Connect server's loss ended before this one
   * (`kindling run --wait-for-server`, run/server-loss.ts); absent when it ran once.
   */
  restarts?: ServerRestart[];
}

/** How a run lost its Spark Connect server (run/server-loss.ts). */
export type ServerLoss = "gone" | "stopping";

/** One run that the Spark Connect server's loss ended, after which the pipeline ran again. */
export interface ServerRestart {
  /** 1 for the first run. */
  attempt: number;
  /** That run's id (absent when it failed before it had one). */
  runId?: string;
  /** Why it failed (the client's UNAVAILABLE message, or Spark's INVALID_HANDLE one). */
  error: string;
  /** How long the server took to answer again, ms. */
  waitedMs: number;
}
