/**
 * Scaling: the example pipeline on a local standalone cluster with 1, 2, … one-core executors, at
 * two input sizes. Writes results.csv and chart.svg here. Usage:
 *   node --import tsx experiments/scaling/run.ts [--sizes 100MB,400MB] [--executors 1,2] [--runs 1]
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadPipeline, runPipeline } from "@kindling/kindling";
import { barChartSvg, clusterSession, dataset, root } from "../lib/common.js";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "100MB,400MB" },
    executors: { type: "string", default: "1,2" },
    runs: { type: "string", default: "1" },
  },
});
const sizes = values.sizes!.split(",");
const counts = values.executors!.split(",").map(Number);
const runs = Number(values.runs);
const rows: {
  size: string;
  executors: number;
  run: number;
  seconds: number;
  mbPerSec: number;
  rowsIn: number;
}[] = [];

for (const size of sizes) {
  const { dir, bytes } = await dataset(size);
  for (const n of counts) {
    const { cluster, spark } = await clusterSession(`scaling-${n}`, n);
    try {
      const loaded = await loadPipeline(join(root, "pipelines", "example.yaml"), {
        set: { data_dir: dir, out_dir: join(dir, `out-${n}`) },
        env: {},
      });
      for (let r = 1; r <= runs; r++) {
        const t = performance.now();
        const result = await runPipeline(spark, loaded, { sparkUi: cluster.connectUiUrl });
        const seconds = (performance.now() - t) / 1000;
        if (result.status !== "succeeded") throw new Error(result.error);
        const row = {
          size,
          executors: n,
          run: r,
          seconds,
          mbPerSec: bytes / 2 ** 20 / seconds,
          rowsIn: result.counts!.reconciliations[0]!.rowsIn,
        };
        rows.push(row);
        console.log(
          `${size} × ${n} executor(s), run ${r}: ${seconds.toFixed(1)} s, ${row.mbPerSec.toFixed(1)} MB/s`,
        );
      }
    } finally {
      await spark.stop();
      await cluster.stop();
    }
  }
}
const here = join(root, "experiments", "scaling");
writeFileSync(
  join(here, "results.csv"),
  `size,executors,run,seconds,mb_per_sec,rows_in\n${rows.map((r) => `${r.size},${r.executors},${r.run},${r.seconds.toFixed(2)},${r.mbPerSec.toFixed(2)},${r.rowsIn}`).join("\n")}\n`,
);
const best = (size: string, n: number) =>
  Math.min(...rows.filter((r) => r.size === size && r.executors === n).map((r) => r.seconds));
writeFileSync(
  join(here, "chart.svg"),
  barChartSvg(
    "Example pipeline wall time by executors",
    sizes,
    counts.map((n) => ({ name: `${n} executor(s)`, values: sizes.map((s) => best(s, n)) })),
    "seconds",
  ),
);
console.log(`written ${join(here, "results.csv")} and chart.svg`);
