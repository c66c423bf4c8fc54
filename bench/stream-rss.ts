/**
 * Child process of the streaming-RSS case (bench/client.ts `streamRss`): connects to the server
 * given as argv[2], streams MIXED_SQL(argv[3]) row by row with `df.toLocalIterator()` keeping
 * nothing, and prints one JSON line: wall time, rows, RSS before and peak RSS during the stream.
 */
import { SparkSession } from "@kindling/spark-connect";
import { MIXED_SQL } from "./client.js";

const [url, n] = [process.argv[2]!, Number(process.argv[3])];
const spark = await SparkSession.builder().remote(url).getOrCreate();
try {
  const df = await spark.sql(MIXED_SQL(n));
  const mb = (b: number) => Math.round(b / 2 ** 20);
  const baseRssMB = mb(process.memoryUsage.rss());
  let peak = 0;
  let rows = 0;
  const t = performance.now();
  for await (const _row of df.toLocalIterator()) {
    if ((++rows & 0xffff) === 0) peak = Math.max(peak, process.memoryUsage.rss());
  }
  const ms = performance.now() - t;
  peak = Math.max(peak, process.memoryUsage.rss(), process.resourceUsage().maxRSS * 1024);
  console.log(JSON.stringify({ ms, rows, baseRssMB, peakRssMB: mb(peak) }));
} finally {
  await spark.stop();
}
