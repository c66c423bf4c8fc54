/** Explaining why the cluster's executors did not come up (the waiting is `waitUntilReady`). */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { logTail } from "@kindling/spark-connect/local";

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
