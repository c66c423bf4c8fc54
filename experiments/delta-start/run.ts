/**
 * What Delta costs a local Spark Connect server at start: the same server started alternately
 * without and with Delta (its jars on the class path, its SQL extension and catalog), timing
 * "ready" (gRPC answers) and the first query (`SELECT 1`, which builds the session and so runs the
 * extension's injections). Wall times on a shared 2-core machine swing with the load, so the
 * JVM's own CPU time (user + system, from /proc/<pid>/stat) is recorded too: it moves far less.
 * Usage: node --import tsx experiments/delta-start/run.ts [--rounds 3]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { SparkSession, startLocalServer } from "@kindling/spark-connect";
import { DELTA_ADD_ON, deltaSparkConf } from "../../packages/kindling/src/delta/server.js";

const rounds = Number(process.argv[process.argv.indexOf("--rounds") + 1] || 3);
const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

async function once(delta: boolean) {
  const t0 = performance.now();
  const server = await startLocalServer({
    master: "local[2]",
    driverMemory: "1g",
    ...(delta ? { addOns: [DELTA_ADD_ON], conf: deltaSparkConf() } : {}),
  });
  const readyMs = performance.now() - t0;
  const readyCpu = cpuSeconds(server.pid);
  try {
    const spark = await SparkSession.builder().remote(server.url).getOrCreate();
    const t1 = performance.now();
    await (await spark.sql("SELECT 1")).collect();
    const firstQueryMs = performance.now() - t1;
    const totalCpu = cpuSeconds(server.pid);
    await spark.stop();
    return { readyMs, firstQueryMs, readyCpu, totalCpu };
  } finally {
    await server.stop();
  }
}

const rows: string[] = ["round,delta,ready_ms,first_query_ms,cpu_s_at_ready,cpu_s_after_first_query,load1"];
for (let r = 1; r <= rounds; r++) {
  for (const delta of [false, true]) {
    const m = await once(delta);
    rows.push(
      [
        r,
        delta,
        m.readyMs.toFixed(0),
        m.firstQueryMs.toFixed(0),
        m.readyCpu.toFixed(1),
        m.totalCpu.toFixed(1),
        loadavg()[0]!.toFixed(1),
      ].join(","),
    );
    process.stdout.write(`${rows.at(-1)}\n`);
  }
}
writeFileSync(new URL("./results.csv", import.meta.url), `${rows.join("\n")}\n`);
