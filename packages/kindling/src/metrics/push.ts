/**
 * Pushing a run's figures to a Prometheus Pushgateway. A batch run usually ends before Prometheus
 * scrapes it; the Pushgateway keeps the last figures until the next run of the same pipeline on
 * the same instance replaces them (PUT on the group job=kindling/pipeline/instance).
 *
 * Staleness: pushed series never go stale in Prometheus by themselves. A run is live only while
 * `kindling_run_active == 1` and `time() - kindling_run_last_push_timestamp_seconds` is under a
 * minute; the final push always says `kindling_run_active 0`, so a finished run never looks live.
 */
import { hostname } from "node:os";
import { Pushgateway, Registry } from "prom-client";
import { KindlingError } from "../errors.js";
import type { RunResult } from "../run/runner.js";
import { PUSH_JOB, PUSHGATEWAY_ENV } from "./names.js";
import { RunMetrics } from "./run-metrics.js";

export interface PushOptions {
  /** Grouping key `instance`. Default: this host's name. */
  instance?: string;
  /** Spark application id label (default: the one in the run result). */
  applicationId?: string;
  /** Give up after this long. Default 10 s. */
  timeoutMs?: number;
}

/** The Pushgateway URL to use: the flag's value, else `KINDLING_PUSHGATEWAY`, else undefined. */
export function pushgatewayUrl(flag: string | undefined, env = process.env): string | undefined {
  const url = flag ?? env[PUSHGATEWAY_ENV];
  return url?.trim() ? url.trim() : undefined;
}

/** The grouping key of a run's metrics in the Pushgateway. */
export function pushGrouping(result: RunResult, options: PushOptions = {}): Record<string, string> {
  return { pipeline: result.pipeline, instance: options.instance ?? hostname() };
}

/**
 * Replaces the run's group on the Pushgateway with the run's final figures (`kindling_run_active`
 * 0, `kindling_run_last_push_timestamp_seconds` now). Returns the registry that was pushed.
 * Throws KindlingError when the Pushgateway cannot be reached or refuses the push.
 */
export async function pushRunMetrics(
  url: string,
  result: RunResult,
  options: PushOptions = {},
): Promise<Registry> {
  const registry = new Registry();
  new RunMetrics(registry).observe(result, {
    ...(options.applicationId ? { applicationId: options.applicationId } : {}),
  });
  const gateway = new Pushgateway(
    url.replace(/\/+$/, ""),
    { timeout: options.timeoutMs ?? 10_000 },
    registry,
  );
  try {
    await gateway.push({ jobName: PUSH_JOB, groupings: pushGrouping(result, options) });
  } catch (err) {
    throw new KindlingError(
      `could not push run metrics to the Pushgateway at ${url}: ${(err as Error).message}`,
    );
  }
  return registry;
}

/**
 * What `kindling run` does after a run: pushes to the Pushgateway named by the flag or
 * `KINDLING_PUSHGATEWAY`, if any. A failed push is reported through `warn`, never thrown: the
 * run's outputs are already published and its exit code stays the run's.
 */
export async function pushAfterRun(
  flag: string | undefined,
  result: RunResult,
  warn: (line: string) => void,
  options: PushOptions = {},
): Promise<boolean> {
  const url = pushgatewayUrl(flag);
  if (!url) return false;
  try {
    await pushRunMetrics(url, result, options);
    return true;
  } catch (err) {
    warn(`kindling: warning: ${(err as Error).message}`);
    return false;
  }
}
