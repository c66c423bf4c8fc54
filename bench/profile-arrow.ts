/**
 * Where a client "to Arrow" call spends Node's time, in a fresh process: runs MIXED_SQL(n) to
 * Arrow `runs` times against the server at argv[2] (or a local one it starts, 6 GB driver) and
 * prints one JSON line per run: wall ms, Node CPU ms (user + system, `process.cpuUsage()`), GC
 * pause ms (`PerformanceObserver` "gc" entries) and rows. Run it under `node --cpu-prof` to see
 * the functions.
 *
 *   node --import tsx bench/profile-arrow.ts [sc://host:port] [rows=1000000] [runs=5]
 */
import { PerformanceObserver } from "node:perf_hooks";
import { SparkSession } from "@kindling/spark-connect";
import { MIXED_SQL } from "./client.js";

const [url, n, runs] = [
  process.argv[2] ?? "local[*]",
  Number(process.argv[3] ?? 1_000_000),
  Number(process.argv[4] ?? 5),
];
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
}).observe({ entryTypes: ["gc"] });

const spark = await SparkSession.builder()
  .remote(url)
  .localServerOptions({ driverMemory: "6g" })
  .getOrCreate();
try {
  const df = await spark.sql(MIXED_SQL(n));
  for (let i = 0; i < runs; i++) {
    gcMs = 0;
    const cpu = process.cpuUsage();
    const t = performance.now();
    const table = await df.toArrow();
    const ms = performance.now() - t;
    const used = process.cpuUsage(cpu);
    await new Promise((r) => setImmediate(r)); // let the observer deliver this run's GC entries
    console.log(
      JSON.stringify({
        run: i,
        ms: Math.round(ms),
        cpuMs: Math.round((used.user + used.system) / 1000),
        gcMs: Math.round(gcMs),
        rows: table.numRows,
      }),
    );
  }
} finally {
  await spark.stop();
}
