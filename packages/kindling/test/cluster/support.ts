import { type DataFrame, functions as F, type SparkSession } from "@kindling/spark-connect";
import { waitFor } from "../../../spark-connect/test/support/timeouts.js";
import { applicationId, getJson } from "../../src/cluster/rest.js";

/** `range(0, n)` in `partitions` tasks, grouped by `id % 10` with count and sum (one shuffle). */
export function modTenSums(spark: SparkSession, n: number, partitions: number): DataFrame {
  return spark
    .range(0, n, 1, partitions)
    .groupBy(F.col("id").mod(10).alias("k"))
    .agg(F.count("*").alias("c"), F.sum("id").alias("s"))
    .orderBy("k");
}

/**
 * Exact result of `range(0, n).groupBy(id % 10).agg(count, sum(id))`, computed in closed form:
 * key k holds k, k+10, …, so m = n/10 rows summing to 10·m(m−1)/2 + k·m.
 */
export function expectedModTenSums(n: bigint): { k: bigint; c: bigint; s: bigint }[] {
  if (n % 10n !== 0n) throw new Error("n must be a multiple of 10");
  const m = n / 10n;
  return Array.from({ length: 10 }, (_, i) => {
    const k = BigInt(i);
    return { k, c: m, s: (10n * m * (m - 1n)) / 2n + k * m };
  });
}

/**
 * Polls `check` every `everyMs` until it returns a value (not undefined); the limit is `timeoutMs`
 * times the load-aware test scale, and a long wait says what it waits for (see waitFor).
 */
export function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  everyMs = 100,
): Promise<T> {
  return waitFor(what, check, { timeoutMs, everyMs });
}

/** The tasks of one stage attempt (`/stages/<id>/<attempt>/taskList`): where each ran, how it ended. */
export async function stageTasks(
  connectUiUrl: string,
  stageId: number,
  attemptId: number,
): Promise<{ taskId: number; executorId: string; status: string }[]> {
  const app = await applicationId(connectUiUrl);
  return getJson(`${connectUiUrl}/api/v1/applications/${app}/stages/${stageId}/${attemptId}/taskList`);
}
