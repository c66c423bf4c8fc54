/**
 * The run's intermediate, side by side (issue 19 item 2): the raw orders parsed once and kept
 * (a) in Spark's cache at a storage level, or (b) as a staged Parquet copy under the output
 * folder, removed afterwards; then read by as many consumers as the example pipeline has (the
 * `orders_clean` write, the quarantine, the recount's reads aside: 2). Each variant's time is its
 * fill plus its reads plus its release, alternating variants round by round on one server, with
 * the Spark floor of the same round (pipeline-floor.ts) and the load average. Not part of
 * `npm run bench`; the figures behind `sourceStorageLevel` in bench/README.md come from here.
 *
 *   node --import tsx bench/intermediate.ts <size> <rounds> [consumers=2]
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { type DataFrame, functions as F, type StorageLevelName } from "@kindling/spark-connect";
import { alternateRounds } from "./alternate.js";
import { ORDERS_READ_OPTIONS, ORDERS_SCHEMA, sparkFloor } from "./pipeline-floor.js";
import { profileSetup } from "./profile-setup.js";

const consumers = Number(process.argv[4] ?? 2);
process.argv.length = 4; // profileSetup reads Spark settings from argv[4…]: none here
const { runs, dir, spark } = await profileSetup(3);
const staged = join(dir, "out-intermediate", "orders");
const raw = () =>
  spark.read.schema(ORDERS_SCHEMA).options(ORDERS_READ_OPTIONS).csv(`${dir}/raw/orders/*.csv`);
/** A consumer reading every column of every parsed row (what a sink's or quarantine's scan does). */
const consume = (df: DataFrame) =>
  df.filter(F.col("_corrupt").isNull()).write.format("noop").mode("overwrite").save();

/** Fill, read `consumers` times, release: one variant's whole cost, in ms. */
type Variant = { name: string; run: () => Promise<void> };
const cached = (level: StorageLevelName): Variant => ({
  name: `cache ${level}`,
  run: async () => {
    const df = raw();
    await df.persist(level);
    await df.write.format("noop").mode("overwrite").save();
    for (let i = 0; i < consumers; i++) await consume(df);
    await df.unpersist();
  },
});
const parquet: Variant = {
  name: "staged Parquet",
  run: async () => {
    await raw().write.mode("overwrite").parquet(staged);
    for (let i = 0; i < consumers; i++) await consume(spark.read.parquet(staged));
    rmSync(staged, { recursive: true, force: true });
  },
};
const floor: Variant = { name: "floor", run: () => sparkFloor(spark, dir, join(dir, "out-floor")) };
const variants = [floor, cached("MEMORY_AND_DISK"), cached("DISK_ONLY"), parquet];

try {
  await alternateRounds(variants, runs, "floor");
} finally {
  await spark.stop();
}
