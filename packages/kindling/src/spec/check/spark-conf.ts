/**
 * The Spark SQL settings a spec may set for its run (`spark_conf:`). A run shares its Spark session
 * with Kindling's own bookkeeping, so only settings that change how data is written, parsed or
 * partitioned are allowed; settings Kindling depends on (ANSI casts, case-insensitive column names,
 * the partition overwrite mode) and server-level settings (`spark.executor.*`, set when the server
 * starts) are refused.
 */
import type { IssueDraft } from "../issues.js";
import { describeFound, suggestSuffix } from "../issues.js";
import { didYouMean } from "../suggest.js";

/** Spark SQL configuration keys a spec's `spark_conf` may set (names as in Spark's SQLConf). */
export const SPARK_CONF_ALLOWED: readonly string[] = [
  "spark.sql.parquet.outputTimestampType",
  "spark.sql.parquet.datetimeRebaseModeInWrite",
  "spark.sql.parquet.int96RebaseModeInWrite",
  "spark.sql.parquet.writeLegacyFormat",
  "spark.sql.parquet.fieldId.write.enabled",
  "spark.sql.session.timeZone",
  "spark.sql.legacy.timeParserPolicy",
  "spark.sql.shuffle.partitions",
  "spark.sql.files.maxRecordsPerFile",
  "spark.sql.files.maxPartitionBytes",
  "spark.sql.adaptive.advisoryPartitionSizeInBytes",
  "spark.sql.autoBroadcastJoinThreshold",
  "spark.sql.jsonGenerator.ignoreNullFields",
];

/** Keys a user is likely to reach for that a run must not change, with the reason shown. */
const REFUSED: Record<string, string> = {
  "spark.sql.ansi.enabled": "Kindling's casts and rules rely on ANSI mode",
  "spark.sql.caseSensitive": "validation matches column names ignoring case, as Spark does by default",
  "spark.sql.sources.partitionOverwriteMode": "set it per sink with dynamic_partition_overwrite",
  "spark.sql.adaptive.enabled": "Kindling's cached steps rely on adaptive execution",
  "spark.sql.parquet.compression.codec": "set it per sink with compression",
};

/**
 * Checks `spark_conf` of a raw spec value: every key must be on {@link SPARK_CONF_ALLOWED}.
 * Returns one issue per refused key (path `spark_conf.<key>`, pointing at the key) with a
 * did-you-mean when an allowed key is close.
 */
export function checkSparkConf(raw: unknown): IssueDraft[] {
  const conf =
    raw !== null && typeof raw === "object" ? (raw as Record<string, unknown>).spark_conf : undefined;
  if (conf === null || typeof conf !== "object" || Array.isArray(conf)) return [];
  const issues: IssueDraft[] = [];
  for (const key of Object.keys(conf)) {
    if (SPARK_CONF_ALLOWED.includes(key)) continue;
    const suggestion = didYouMean(key, SPARK_CONF_ALLOWED);
    const why =
      REFUSED[key] ??
      (key.startsWith("spark.sql.")
        ? "not on the allow-list"
        : "not a Spark SQL setting a run may change (server settings are set when the server starts)");
    issues.push({
      code: "invalid_value",
      path: ["spark_conf", key],
      at: "key",
      message: `spark_conf key ${describeFound(key)} cannot be set by a spec (${why})${suggestSuffix(suggestion)}; allowed: ${SPARK_CONF_ALLOWED.join(", ")}`,
      ...(suggestion === undefined ? {} : { suggestion }),
    });
  }
  return issues;
}
