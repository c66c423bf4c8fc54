/**
 * Where the example pipeline's time goes: runs Kindling's runner on a generated dataset and
 * prints the time before the first write (compiling), each action, and each Spark stage of the
 * run (input and shuffle bytes), then the same for the hand-written Spark SQL job, so a change to
 * the compiler or runner can be judged stage by stage. Not part of `npm run bench`; a tool for the profiles written down in bench/README.md.
 *
 *   node --import tsx bench/profile-pipeline.ts [size=300MB] [runs=1] [key=value …]
 *
 * PROFILE_SQL=1 also prints each SQL execution's plan nodes with their time metrics (sql-metrics.ts).
 *
 * key=value pairs are Spark session settings applied over the runner's RUN_CONF for Kindling's
 * runs and for the hand-written job alike (to compare tunings).
 */
import { join } from "node:path";
import { loadPipeline, runPipeline, type StageStats, sparkRunStats } from "@kindling/kindling";
import { handWrittenSql } from "./pipeline-sql.js";
import { profileSetup } from "./profile-setup.js";
import { printSqlMetrics } from "./sql-metrics.js";

const { runs, conf, dir, spark } = await profileSetup(1);
const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;
try {
  const loaded = await loadPipeline("pipelines/example.yaml", {
    set: { data_dir: dir, out_dir: join(dir, "out-kindling") },
    env: {},
  });
  let sqlSeen = -1;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    let firstAction: number | undefined;
    const r = await runPipeline(spark, loaded, {
      conf,
      onProgress: (e) => {
        if (e.type === "action" && firstAction === undefined) firstAction = performance.now() - t0;
      },
    });
    if (r.status !== "succeeded") throw new Error(`pipeline failed: ${r.error}`);
    const total = performance.now() - t0;
    console.log(
      `run ${i + 1}: ${(total / 1000).toFixed(1)} s; before the first write ${((firstAction ?? 0) / 1000).toFixed(1)} s; ${r.sparkJobs ?? "?"} Spark jobs; round trips ${JSON.stringify(r.roundTrips ?? {})}`,
    );
    for (const a of r.actions) console.log(`  action ${a.name.padEnd(14)} ${(a.ms / 1000).toFixed(1)} s`);
    printStages(r.spark?.stages ?? []);
    const ui = `http://127.0.0.1:${spark.localServer!.uiPort}`;
    if (process.env.PROFILE_SQL) sqlSeen = await printSqlMetrics(ui, sqlSeen);
    const tag = `bench-sql-${Date.now()}`;
    spark.addTag(tag);
    const t1 = performance.now();
    await handWrittenSql(spark, dir, join(dir, "out-sql"));
    spark.removeTag(tag);
    console.log(`hand-written SQL: ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    printStages((await sparkRunStats(ui, tag))?.stages ?? []);
    if (process.env.PROFILE_SQL) sqlSeen = await printSqlMetrics(ui, sqlSeen);
  }
} finally {
  await spark.stop();
}

function printStages(stages: StageStats[]): void {
  for (const s of stages.filter((x) => x.durationMs >= 100)) {
    console.log(
      `  stage ${String(s.stageId).padStart(3)} ${(s.durationMs / 1000).toFixed(1).padStart(5)} s  tasks ${String(s.numTasks).padStart(3)}  in ${mb(s.inputBytes).padStart(7)}  shuffle r/w ${mb(s.shuffleReadBytes)}/${mb(s.shuffleWriteBytes)}  ${s.name.slice(0, 60)}`,
    );
  }
}
