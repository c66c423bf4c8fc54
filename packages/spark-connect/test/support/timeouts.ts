/**
 * Time limits that hold on a busy machine. Every limit in the suite is a base (what an idle
 * 2-core machine needs, with margin) times {@link timeoutScale}: `KINDLING_TEST_TIMEOUT_SCALE`
 * when set, otherwise 1 + the load average per core (load 13 on 2 cores, seen beside other Spark
 * JVMs and a Go build, gives 7.5). Waits poll a condition and say what they wait for.
 */
import { availableParallelism, loadavg } from "node:os";

/** The environment variable that fixes the multiplier of every test time limit. */
export const TIMEOUT_SCALE_VARIABLE = "KINDLING_TEST_TIMEOUT_SCALE";
const MAX_DEFAULT_SCALE = 10;

/**
 * The multiplier of every test time limit: `KINDLING_TEST_TIMEOUT_SCALE` (a number > 0), else
 * `1 + max(1-min, 5-min load average) / cores`, capped at 10 and rounded to a tenth. The +1 is
 * headroom for load that rises after the limit was set. Throws on a value that is not a positive number.
 */
export function timeoutScale(
  env: Record<string, string | undefined> = process.env,
  load: number[] = loadavg(),
  cores: number = availableParallelism(),
): number {
  const fixed = env[TIMEOUT_SCALE_VARIABLE];
  if (fixed !== undefined && fixed !== "") {
    const n = Number(fixed);
    if (!Number.isFinite(n) || n <= 0)
      throw new Error(`${TIMEOUT_SCALE_VARIABLE}=${fixed}: expected a number above 0, e.g. 2 or 0.5`);
    return n;
  }
  const perCore = Math.max(load[0] ?? 0, load[1] ?? 0) / Math.max(1, cores);
  return Math.round(Math.min(MAX_DEFAULT_SCALE, 1 + perCore) * 10) / 10;
}

/** `ms` times the current {@link timeoutScale}, in whole milliseconds. */
export function scaled(ms: number): number {
  return Math.round(ms * timeoutScale());
}

/** One line saying how limits are scaled right now (printed once per run). */
export function describeTimeoutScale(): string {
  const [one = 0, five = 0] = loadavg();
  const how = process.env[TIMEOUT_SCALE_VARIABLE]
    ? `${TIMEOUT_SCALE_VARIABLE}=${process.env[TIMEOUT_SCALE_VARIABLE]}`
    : `load ${one.toFixed(1)}/${five.toFixed(1)} on ${availableParallelism()} cores; set ${TIMEOUT_SCALE_VARIABLE} to fix it`;
  return `tests: time limits x${timeoutScale()} (${how})`;
}

export interface WaitOptions {
  /** Base limit before scaling, ms. Default 60 s. */
  timeoutMs?: number;
  /** Poll interval, ms. Default 100. */
  everyMs?: number;
  /** Where "waiting for …" lines go. Default stderr. */
  say?: (line: string) => void;
}

/**
 * Polls `check` until it returns a value other than undefined (errors count as "not yet"), for at
 * most `timeoutMs` × {@link timeoutScale}. Says what it waits for after 5 s, then every 30 s.
 * Throws `timed out after <n> s waiting for <what>` with the last error when the limit passes.
 */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  options: WaitOptions = {},
): Promise<T> {
  const limit = scaled(options.timeoutMs ?? 60_000);
  const say = options.say ?? ((l: string) => process.stderr.write(`${l}\n`));
  const started = Date.now();
  let nextReport = started + 5_000;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    const now = Date.now();
    if (now - started > limit)
      throw new Error(
        `timed out after ${Math.round(limit / 1000)} s waiting for ${what}${last ? `: ${String(last)}` : ""}`,
      );
    if (now >= nextReport) {
      say(
        `waiting for ${what} (${Math.round((now - started) / 1000)} s of up to ${Math.round(limit / 1000)} s)`,
      );
      nextReport = now + 30_000;
    }
    await new Promise((r) => setTimeout(r, options.everyMs ?? 100));
  }
}
