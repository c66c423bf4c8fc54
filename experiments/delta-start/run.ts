/**
 * What Delta costs a local Spark Connect server at start: the same server started alternately
 * without and with the Delta add-on (its jars on the class path, its SQL extension and catalog),
 * timing "ready" (gRPC answers) and the first query (`SELECT 1`, which builds the session and so
 * runs the extension's injections). Usage: node --import tsx experiments/delta-start/run.ts [--rounds 3]
 */
import { SparkSession, startLocalServer } from "@kindling/spark-connect";
import { DELTA_ADD_ON, deltaSparkConf } from "../../packages/kindling/src/delta/server.js";

const rounds = Number(process.argv[process.argv.indexOf("--rounds") + 1] || 3);

async function once(delta: boolean): Promise<{ readyMs: number; firstQueryMs: number }> {
  const t0 = performance.now();
  const server = await startLocalServer({
    master: "local[2]",
    driverMemory: "1g",
    ...(delta ? { addOns: [DELTA_ADD_ON], conf: deltaSparkConf() } : {}),
  });
  const readyMs = performance.now() - t0;
  try {
    const spark = await SparkSession.builder().remote(server.url).getOrCreate();
    const t1 = performance.now();
    await (await spark.sql("SELECT 1")).collect();
    const firstQueryMs = performance.now() - t1;
    await spark.stop();
    return { readyMs, firstQueryMs };
  } finally {
    await server.stop();
  }
}

const rows: string[] = ["round,delta,ready_ms,first_query_ms,load1"];
for (let r = 1; r <= rounds; r++) {
  for (const delta of [false, true]) {
    const { readyMs, firstQueryMs } = await once(delta);
    const load = (await import("node:os")).loadavg()[0]!.toFixed(1);
    rows.push(`${r},${delta},${readyMs.toFixed(0)},${firstQueryMs.toFixed(0)},${load}`);
    process.stdout.write(`${rows.at(-1)}\n`);
  }
}
const { writeFileSync } = await import("node:fs");
writeFileSync(new URL("./results.csv", import.meta.url), `${rows.join("\n")}\n`);
