/**
 * Fault tolerance: the example pipeline on a 2-executor cluster, once clean and once with an
 * executor JVM killed (kill -9) in the middle of a stage; outputs compared by checksum. Writes
 * results.csv here. Usage: node --import tsx experiments/fault-tolerance/run.ts [--size 200MB]
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  sparkExecutors as executors,
  killExecutor,
  loadPipeline,
  runPipeline,
  sparkStages as stages,
} from "@kindling/kindling";
import { checksum, clusterSession, dataset, root } from "../lib/common.js";

const { values } = parseArgs({ options: { size: { type: "string", default: "200MB" } } });
const { dir } = await dataset(values.size!);
const name = "fault-tolerance";
const { cluster, spark } = await clusterSession(name, 2);
const lines: string[] = [
  "run,seconds,status,lost_executors,failed_tasks,retried_stages,orders_clean,daily_revenue,quarantine",
];
try {
  const ui = cluster.connectUiUrl;
  const load = (out: string) =>
    loadPipeline(join(root, "pipelines", "example.yaml"), {
      set: { data_dir: dir, out_dir: join(dir, out) },
      env: {},
    });
  const record = async (
    label: string,
    out: string,
    t: number,
    r: Awaited<ReturnType<typeof runPipeline>>,
  ) => {
    const sums = await Promise.all(
      ["orders_clean", "daily_revenue", "quarantine"].map((o) => checksum(spark, join(dir, out, o))),
    );
    const lost = r.spark?.executors.filter((e) => !e.active).length ?? 0;
    const failed = r.spark?.stages.reduce((a, s) => a + s.failedTasks, 0) ?? 0;
    const retried = r.spark?.stages.filter((s) => s.attemptId > 0).length ?? 0;
    lines.push(
      `${label},${((performance.now() - t) / 1000).toFixed(1)},${r.status},${lost},${failed},${retried},${sums.join(",")}`,
    );
    console.log(lines.at(-1));
    return sums;
  };
  let t = performance.now();
  const clean = await record(
    "clean",
    "out-clean",
    t,
    await runPipeline(spark, await load("out-clean"), { sparkUi: ui }),
  );
  const before = Math.max(-1, ...(await stages(ui)).map((s) => s.stageId));
  t = performance.now();
  const chaos = runPipeline(spark, await load("out-chaos"), { sparkUi: ui });
  for (;;) {
    const running = (await stages(ui)).filter((s) => s.stageId > before && s.numActiveTasks > 0);
    const busy = running.length
      ? (await executors(ui)).find((e) => e.isActive && e.activeTasks > 0)
      : undefined;
    if (busy) {
      const k = await killExecutor({ name, id: busy.id });
      console.log(`killed executor ${k.executorId} (pid ${k.pid}) with ${k.activeTasks} running task(s)`);
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const killed = await record("killed-executor", "out-chaos", t, await chaos);
  console.log(killed.join() === clean.join() ? "outputs identical" : "OUTPUTS DIFFER");
  lines.push(`# identical,${killed.join() === clean.join()}`);
} finally {
  await spark.stop();
  await cluster.stop();
}
writeFileSync(join(root, "experiments", "fault-tolerance", "results.csv"), `${lines.join("\n")}\n`);
