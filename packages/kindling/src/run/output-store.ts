/**
 * Where one output lives and how it is written safely: the `OutputStore` interface, implemented
 * for a local (or mounted) folder (local-store.ts) and for an S3 prefix through s3a (s3-store.ts).
 * The publish protocol is named here once; run-commit.ts drives it for all of a run's outputs.
 *
 * For each output: the run locks it, repairs what a dead run left, writes the new version into
 * staging (Spark), completes it there (append and dynamic overwrite bring the kept old files
 * along, so every mode publishes a whole folder), writes the Kindling marker into it, then swaps
 * it in with the previous version kept aside until the run-level commit record is written.
 */
import { SUCCESS_MARKER } from "../storage/publish.js";
import type { LockOwner } from "./lock.js";

/** Spark's marker of a complete output, written last (named once, in storage/publish.ts). */
export const SUCCESS = SUCCESS_MARKER;
/** Kindling's own marker inside every output it published: `{ pipeline, runId, writtenAt }`. */
export const MARKER = "_kindling.json";
/** Staging folder beside the outputs: `<parent>/.kindling-staging/<run id>/<output name>`. */
export const STAGING_DIR = ".kindling-staging";
/**
 * Beside an output's staging, the run's scratch: `<staging>.kindling-scratch`, where the run keeps
 * its sources' parsed rows as Parquet (run/source-scan.ts). Removed with the staging, and as stale
 * staging by a later run holding the same output's lock.
 */
export const SCRATCH_SUFFIX = ".kindling-scratch";
/** The previous version of an output while a run publishes: `<output>.kindling-old-<run id>`. */
export const OLD_SUFFIX = ".kindling-old-";
/** The lock beside an output: `<output>.kindling-lock`. */
export const LOCK_SUFFIX = ".kindling-lock";

export type PublishMode = "overwrite" | "append" | "dynamic";

/** The content of {@link MARKER}: which run wrote the version of the output that holds it. */
export interface OutputMarker {
  pipeline: string;
  runId: string;
  writtenAt: string;
}

/** One output folder (a sink or the quarantine), as seen by one run. */
export interface OutputStore {
  /** The output's final path, as the spec resolved it (a local path, file:// or s3a:// URL). */
  readonly path: string;
  /** Where this run's Spark job writes it. */
  readonly stagingPath: string;
  /** This run's scratch folder beside the staging ({@link SCRATCH_SUFFIX}); never published. */
  readonly scratchPath: string;
  /** Takes the output's lock. Throws KindlingError `locked` when another run holds it. */
  lock(owner: LockOwner): Promise<string[]>;
  /** Releases the lock if this run holds it. */
  unlock(): Promise<void>;
  /** Removes staging and scratch of this output left by dead runs (never another run's other outputs). */
  removeStaleStaging(): Promise<string[]>;
  /**
   * Refuses to replace a non-empty folder Kindling did not write (no {@link MARKER}) unless `force`.
   * Throws KindlingError `output`.
   */
  checkReplaceable(force: boolean): Promise<void>;
  /** Creates the staging location and writes a probe; throws KindlingError `output` naming why not. */
  probeWritable(): Promise<void>;
  /** Completes the staged version (kept old files for append/dynamic) and writes its marker. */
  prepare(mode: PublishMode, marker: OutputMarker): Promise<void>;
  /** Makes the staged version the output, keeping the previous one aside for `runId`. */
  swapIn(runId: string): Promise<void>;
  /** Undoes {@link swapIn} of `runId` (previous version back, or no output if there was none). */
  rollBack(runId: string): Promise<string | undefined>;
  /** Drops the previous version kept aside by `runId`. */
  rollForward(runId: string): Promise<string | undefined>;
  /** Removes this run's staging and scratch. */
  discardStaging(): Promise<void>;
  /** The marker of the version in place, if any. */
  marker(): Promise<OutputMarker | undefined>;
}
