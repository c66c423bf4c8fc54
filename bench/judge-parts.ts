/**
 * What judging the orders costs, part by part (issue 19: the `orders_clean: write` stage that
 * validates, casts and dedupes): the orders staged once as Parquet with Kindling's position
 * columns, then, written to Spark's `noop` sink so only the per-row work is timed: the read alone,
 * + one `try_to_timestamp` column, + the two rule regexes, Kindling's `validate_orders` (planClean),
 * + `clean_orders` without its dedupe, + the dedupe. Alternating rounds on one server
 * (alternate.ts). Not part of `npm run bench`.
 *
 *   node --import tsx bench/judge-parts.ts <size> <rounds>
 *
 * The single-expression variants (`try_to_timestamp`, the ISO cast that stands in for it in
 * `casts:`, the two regexes) run only with JUDGE_PARTS_ALL=1; `+ dedupe, unobserved` is the same
 * plan with every observation left out.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DataFrame, functions as F } from "@kindling/spark-connect";
import { castValue } from "../packages/kindling/src/compile/clean/rewrites.js";
import { planClean } from "../packages/kindling/src/compile/clean.js";
import { BLOCK, CORRUPT, FILE, SEQ } from "../packages/kindling/src/compile/hidden.js";
import type { CleanStepSpec } from "../packages/kindling/src/spec/index.js";
import { loadPipeline } from "../packages/kindling/src/spec/index.js";
import { alternateRounds } from "./alternate.js";
import { ORDERS_READ_OPTIONS, ORDERS_SCHEMA } from "./pipeline-floor.js";
import { profileSetup } from "./profile-setup.js";

const { runs, dir, spark } = await profileSetup(2);
const staged = join(dir, "out-judge-parts", "staged");
if (!existsSync(staged)) {
  await spark.read
    .schema(ORDERS_SCHEMA)
    .options(ORDERS_READ_OPTIONS)
    .csv(`${dir}/raw/orders/*.csv`)
    .withColumnRenamed("_corrupt", CORRUPT)
    .withColumns({
      [FILE]: F.expr("input_file_name()"),
      [BLOCK]: F.expr("input_file_block_start()"),
      [SEQ]: F.monotonicallyIncreasingId(),
    })
    .write.mode("overwrite")
    .parquet(staged);
}
const loaded = await loadPipeline("pipelines/example.yaml", { env: {} });
const stepOf = (name: string) => loaded.spec.steps.find((s) => s.name === name) as CleanStepSpec;
const read = () => spark.read.parquet(staged);
const noop = async (df: DataFrame) => {
  await df.write.format("noop").mode("overwrite").save();
};
const validate = async () => {
  const input = read().where(F.col(CORRUPT).isNull());
  return planClean(input, await input.schema(), stepOf("validate_orders"), "orders").output;
};
const clean = async (dedupe: boolean) => {
  const input = await validate();
  const { dedupe: d, ...rest } = stepOf("clean_orders");
  const step = dedupe ? { ...rest, dedupe: d } : rest;
  return planClean(input, await input.schema(), step as CleanStepSpec, "orders").output;
};

/** The same plan with every observation left out (DataFrame.observe as the identity while it is built). */
const unobserved = async (build: () => Promise<DataFrame>) => {
  const observe = DataFrame.prototype.observe;
  DataFrame.prototype.observe = function (this: DataFrame) {
    return this;
  } as typeof observe;
  try {
    return await build();
  } finally {
    DataFrame.prototype.observe = observe;
  }
};

try {
  await alternateRounds(
    [
      { name: "read", run: () => noop(read()) },
      ...(process.env.JUDGE_PARTS_ALL
        ? [
            {
              name: "+ try_to_timestamp",
              run: () =>
                noop(read().withColumn("ts", F.expr("try_to_timestamp(order_ts, 'yyyy-MM-dd HH:mm:ss')"))),
            },
            {
              name: "+ the same as Kindling's ISO cast",
              run: () =>
                noop(
                  read().withColumn(
                    "ts",
                    castValue(F.col("order_ts"), { type: "timestamp", format: "yyyy-MM-dd HH:mm:ss" }),
                  ),
                ),
            },
            {
              name: "+ two regexes",
              run: () =>
                noop(
                  read().withColumns({
                    q: F.expr("quantity RLIKE '^[0-9]+$'"),
                    p: F.expr("unit_price RLIKE '^-?[0-9]+(\\\\.[0-9]{1,2})?$'"),
                  }),
                ),
            },
          ]
        : []),
      { name: "validate_orders", run: async () => noop(await validate()) },
      { name: "+ clean_orders casts", run: async () => noop(await clean(false)) },
      { name: "+ dedupe", run: async () => noop(await clean(true)) },
      { name: "+ dedupe, unobserved", run: async () => noop(await unobserved(() => clean(true))) },
    ],
    runs,
    "read",
  );
} finally {
  await spark.stop();
}
