/**
 * The run's own cost figures for report.json: how many Spark jobs it started, how many gRPC calls
 * its client made (by method), and its throughput in MB of raw input per second per core. They
 * make a run's fixed cost visible: a small run is mostly jobs and round trips, not data.
 */
import type { SparkRunStats } from "./spark-ui.js";

export interface RunFigures {
  /** Spark jobs the run started (those carrying its tag in the Spark UI); undefined without the UI. */
  sparkJobs: number | undefined;
  /** gRPC calls of the session during the run, by Spark Connect method (`ExecutePlan`, `AnalyzePlan`, `Config`, …). */
  roundTrips: Record<string, number>;
  /**
   * Raw input MB (all sources' files, 2^20 bytes) / wall seconds / the Spark cores that ran the
   * work (the UI's active executors); undefined without the UI or for an empty input.
   */
  mbPerSecPerCore: number | undefined;
}

/** The calls made between two `rpcCounts()` snapshots, by method; methods not called are left out. */
export function callsBetween(
  before: Record<string, number>,
  after: Record<string, number>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) {
    const n = v - (before[k] ?? 0);
    if (n > 0) out[k] = n;
  }
  return out;
}

/** The figures of a finished run (`inputBytes` summed over its sources, `wallMs` its duration). */
export function runFigures(
  stats: SparkRunStats | undefined,
  roundTrips: Record<string, number>,
  inputBytes: number,
  wallMs: number,
): RunFigures {
  const cores = stats?.cores ?? 0;
  const perCore =
    cores > 0 && wallMs > 0 && inputBytes > 0 ? inputBytes / 2 ** 20 / (wallMs / 1000) / cores : undefined;
  return {
    sparkJobs: stats?.jobs,
    roundTrips,
    mbPerSecPerCore: perCore === undefined ? undefined : Number(perCore.toFixed(3)),
  };
}
