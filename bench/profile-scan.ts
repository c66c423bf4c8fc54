/**
 * Where the example pipeline's time goes, per named Spark job: runs Kindling's runner on a
 * generated dataset and prints each action, each source's scan, and every stage of the run with
 * the name of its job (`orders: scan`, `orders_clean: write`; job-names.ts), its input and
 * shuffle bytes; then the Spark floor (bench/pipeline-floor.ts: the raw orders read with the
 * pipeline's options and written as Parquet, which is also what staging a source as Parquet
 * costs). Not part of `npm run bench`; a tool for the figures in bench/README.md.
 *
 *   node --import tsx bench/profile-scan.ts [size=300MB] [runs=2] [key=value …]
 *
 * The first run is a warm-up (cold JVM); key=value pairs are Spark session settings over RUN_CONF.
 */
import { join } from "node:path";
import { loadPipeline, runPipeline } from "@kindling/kindling";
import { sparkFloor } from "./pipeline-floor.js";
import { profileSetup } from "./profile-setup.js";

const { runs, conf, dir, spark } = await profileSetup(2);
const ui = `http://127.0.0.1:${spark.localServer!.uiPort}`;
const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

try {
  const loaded = await loadPipeline("pipelines/example.yaml", {
    set: { data_dir: dir, out_dir: join(dir, "out-kindling") },
    env: {},
  });
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = await runPipeline(spark, loaded, { conf, sparkUi: ui });
    if (r.status !== "succeeded") throw new Error(`pipeline failed: ${r.error}`);
    console.log(`run ${i + 1}${i === 0 && runs > 1 ? " (warm-up)" : ""}: ${s(performance.now() - t0)}`);
    for (const x of r.scans ?? []) console.log(`  scan   ${x.source.padEnd(14)} ${s(x.ms)}`);
    for (const a of r.actions) console.log(`  action ${a.name.padEnd(14)} ${s(a.ms)}`);
    for (const x of r.inputs)
      console.log(`  source ${x.source.padEnd(14)} ${mb(x.bytes)} on disk, ${mb(x.bytesRead ?? 0)} read`);
    for (const st of r.spark?.stages ?? []) {
      if (st.durationMs < 100) continue;
      console.log(
        `  stage ${String(st.stageId).padStart(3)} ${st.name.slice(0, 26).padEnd(26)} ${s(st.durationMs).padStart(7)}  tasks ${String(st.numTasks).padStart(3)}  in ${mb(st.inputBytes).padStart(7)}  shuffle r/w ${mb(st.shuffleReadBytes)}/${mb(st.shuffleWriteBytes)}`,
      );
    }
    const t1 = performance.now();
    await sparkFloor(spark, dir, join(dir, "out-floor"));
    console.log(`  floor (raw orders → Parquet): ${s(performance.now() - t1)}`);
  }
} finally {
  await spark.stop();
}
