/**
 * What the orders scan adds to the Spark floor (issue 19 item 2): the raw orders read with the
 * pipeline's options and written as Parquet (the floor, pipeline-floor.ts), then the same with
 * what Kindling's scan adds, one part at a time: the three position columns (file, block start,
 * `monotonically_increasing_id`), then the scan's observation (rows, and the rows that may hold
 * invalid UTF-8: U+FFFD in any string column, compile/encoding.ts).
 * Alternating rounds on one server (alternate.ts). Not part of `npm run bench`.
 *
 *   node --import tsx bench/scan-parts.ts <size> <rounds>
 */
import { join } from "node:path";
import { type DataFrame, functions as F } from "@kindling/spark-connect";
import { utf8Suspect } from "../packages/kindling/src/compile/encoding.js";
import { BLOCK, FILE, SEQ } from "../packages/kindling/src/compile/hidden.js";
import { countWhere } from "../packages/kindling/src/compile/metrics.js";
import { alternateRounds } from "./alternate.js";
import { ORDERS_READ_OPTIONS, ORDERS_SCHEMA } from "./pipeline-floor.js";
import { profileSetup } from "./profile-setup.js";

const { runs, dir, spark } = await profileSetup(2);
const out = join(dir, "out-scan-parts");
const raw = () =>
  spark.read.schema(ORDERS_SCHEMA).options(ORDERS_READ_OPTIONS).csv(`${dir}/raw/orders/*.csv`);
const positions = (df: DataFrame) =>
  df.withColumns({
    [FILE]: F.expr("input_file_name()"),
    [BLOCK]: F.expr("input_file_block_start()"),
    [SEQ]: F.monotonicallyIncreasingId(),
  });
// Kindling's own suspect expression and count (compile/encoding.ts, compile/metrics.ts), over every string column.
const suspect = utf8Suspect(ORDERS_SCHEMA.split(", ").map((c) => c.split(" ")[0]!));
const observed = (df: DataFrame) =>
  df.observe("scan", F.count(F.lit(1)).alias("rows"), countWhere(suspect).alias("suspect"));
const write = async (name: string, df: DataFrame) => {
  await df.write.mode("overwrite").parquet(join(out, name));
};

try {
  await alternateRounds(
    [
      { name: "floor", run: () => write("floor", raw()) },
      { name: "+ positions", run: () => write("positions", positions(raw())) },
      { name: "+ positions + observation", run: () => write("observed", observed(positions(raw()))) },
    ],
    runs,
    "floor",
  );
} finally {
  await spark.stop();
}
