/** Waiting for the cluster's JVMs to come up, and explaining why they did not. */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { logTail } from "@kindling/spark-connect";
import { KindlingError } from "../errors.js";
import { sleep } from "./procs.js";
import type { JvmRecord } from "./state.js";

/**
 * Polls `check` every 500 ms until it returns true. Throws KindlingError when one of the `watched`
 * JVMs exits (with its log's tail) or after `timeoutMs` (with `diagnose()` or the last error).
 */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  watched: JvmRecord[],
  timeoutMs: number,
  diagnose?: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "";
  for (;;) {
    const dead = watched.find((r) => r.exited);
    if (dead)
      throw new KindlingError(
        `a JVM (pid ${dead.pid}) exited while waiting for ${what}. Last lines of ${dead.logFile}:\n${logTail(dead.logFile)}`,
      );
    try {
      if (await check()) return;
      lastError = "";
    } catch (err) {
      lastError = (err as Error).message;
    }
    if (Date.now() > deadline) {
      const detail = diagnose?.() || (lastError ? ` (last error: ${lastError})` : "");
      throw new KindlingError(
        `timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${detail}`,
      );
    }
    await sleep(500);
  }
}

/** Explains why executors did not register, from the newest executor stderr the workers kept. */
export function executorDiagnosis(logDir: string): string {
  const files: { path: string; mtime: number }[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 4 || !existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, depth + 1);
      else if (entry.name === "stderr") files.push({ path, mtime: statSync(path).mtimeMs });
    }
  };
  walk(join(logDir, "executors"), 0);
  const workerLogs = readdirSync(logDir)
    .filter((f) => f.startsWith("worker-"))
    .map((f) => readFileSync(join(logDir, f), "utf8"))
    .join("\n");
  if (workerLogs.includes("Cannot find any build directories"))
    return (
      '. The workers say "Cannot find any build directories": SPARK_HOME needs a jars/ folder and a RELEASE ' +
      "file, and SPARK_SCALA_VERSION=2.13 must be set (see packages/kindling/src/cluster/README.md)."
    );
  const newest = files.sort((a, b) => b.mtime - a.mtime)[0];
  return newest ? `. Last lines of ${newest.path}:\n${logTail(newest.path)}` : "";
}
