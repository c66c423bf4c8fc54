/**
 * What the orders scan's staged copy costs, part by part: the raw orders as Kindling's compile
 * reads and judges them (`validate_orders` in the scan, CompiledPipeline.scanJudges), written to
 * Spark's `noop` sink without the scan's observation, with it (the U+FFFD suspect by `instr` as
 * before, and by `contains` as compile/encoding.ts now has it), and as uncompressed Parquet with
 * parquet-java's statistics and page checksums on (as before) and off (run/source-scan.ts
 * STAGED_WRITE_OPTIONS). Alternating rounds on one server (alternate.ts). Not part of
 * `npm run bench`.
 *
 *   node --import tsx bench/staged-write.ts <size> <rounds>
 */
import { join } from "node:path";
import { type DataFrame, functions as F } from "@kindling/spark-connect";
import { CORRUPT, isHidden, q } from "../packages/kindling/src/compile/hidden.js";
import { countWhere } from "../packages/kindling/src/compile/metrics.js";
import { compilePipeline } from "../packages/kindling/src/compile/pipeline.js";
import { STAGED_WRITE_OPTIONS } from "../packages/kindling/src/run/source-scan.js";
import { loadPipeline } from "../packages/kindling/src/spec/index.js";
import { alternateRounds } from "./alternate.js";
import { profileSetup } from "./profile-setup.js";

const { runs, dir, spark } = await profileSetup(2);
await spark.conf.set("spark.sql.session.timeZone", "UTC");
const out = join(dir, "out-staged-write");
const loaded = await loadPipeline("pipelines/example.yaml", {
  set: { data_dir: dir, out_dir: out },
  env: {},
});
const compiled = await compilePipeline(spark, loaded.spec);
const orders = compiled.sources.get("orders")!;
const judge = compiled.scanJudges.get("orders")!;
// The suspect as it was before `contains`: the same columns as read.ts gives utf8Suspect.
const suspectByInstr = F.expr(
  [...(await orders.all.columns()).filter((c) => !isHidden(c)), CORRUPT]
    .map((c) => `coalesce(instr(${q(c)}, '\uFFFD') > 0, false)`)
    .join(" OR "),
);
let observations = 0;
const observed = (suspect = orders.utf8Suspect!) =>
  orders.all.observe(
    `scan_${observations++}`,
    F.count(F.lit(1)).alias("rows"),
    countWhere(suspect).alias("s"),
  );
const noop = (rows: () => DataFrame) => async () => {
  await rows().write.format("noop").mode("overwrite").save();
};
const parquet = (name: string, options: Readonly<Record<string, string>>) => async () => {
  await judge.judge(observed()).write.mode("overwrite").options(options).parquet(join(out, name));
};

try {
  await alternateRounds(
    [
      { name: "judged, noop", run: noop(() => judge.judge(orders.all)) },
      { name: "+ observation (instr), noop", run: noop(() => judge.judge(observed(suspectByInstr))) },
      { name: "+ observation (contains), noop", run: noop(() => judge.judge(observed())) },
      { name: "+ Parquet, statistics on", run: parquet("statistics", { compression: "none" }) },
      { name: "+ Parquet, STAGED_WRITE_OPTIONS", run: parquet("staged", STAGED_WRITE_OPTIONS) },
    ],
    runs,
    "judged, noop",
  );
} finally {
  await spark.stop();
}
