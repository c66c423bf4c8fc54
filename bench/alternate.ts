/**
 * Jobs measured side by side on one server: each round runs every job once, rotating which goes
 * first so no job always follows the same one; round 0 is a discarded warm-up. Prints each round,
 * then each job's median wall time and its ratio to the baseline job's median, with the load
 * average at start and end (ratios within one run are what these tools compare: bench/README.md).
 */
import { loadavg } from "node:os";
import { median } from "./stats.js";

/** One job of a comparison: its name and one run of it. */
export interface AlternatedJob {
  name: string;
  run: () => Promise<void>;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** The 1, 5 and 15 minute load averages, e.g. "3.2 / 2.8 / 2.5". */
export const loadAverage = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(" / ");

/**
 * Runs `jobs` for `rounds` measured rounds after one warm-up round (none when `warmUp` is false)
 * and prints the medians as multiples of `baseline`'s (a job's name). Returns each job's measured
 * wall times, ms.
 */
export async function alternateRounds(
  jobs: AlternatedJob[],
  rounds: number,
  baseline: string,
  warmUp = true,
): Promise<Map<string, number[]>> {
  const times = new Map(jobs.map((j) => [j.name, [] as number[]]));
  console.log(`load average at start: ${loadAverage()}`);
  for (let round = warmUp ? 0 : 1; round <= rounds; round++) {
    const line: string[] = [];
    for (let i = 0; i < jobs.length; i++) {
      const job = jobs[(i + round) % jobs.length]!;
      const t = performance.now();
      await job.run();
      const ms = performance.now() - t;
      if (round > 0) times.get(job.name)!.push(ms);
      line.push(`${job.name} ${seconds(ms)}`);
    }
    console.log(`${round === 0 ? "warm-up" : `round ${round}`}: ${line.join(", ")}; load ${loadAverage()}`);
  }
  const base = median(times.get(baseline)!);
  for (const job of jobs) {
    const m = median(times.get(job.name)!);
    console.log(`median ${job.name}: ${seconds(m)} = ${(m / base).toFixed(2)}× the ${baseline}`);
  }
  console.log(`load average at end: ${loadAverage()}`);
  return times;
}
