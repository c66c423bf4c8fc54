/**
 * What a Spark server needs to read and write Delta tables: the `delta` add-on of spark/pom.xml
 * (Delta Lake's jars, pinned next to Spark) and Delta's SQL extension and catalog (Delta's
 * "Set up Apache Spark with Delta Lake" docs). Used by the local server, the local cluster and
 * the Spark image alike.
 */

/** The spark/pom.xml profile holding Delta Lake (its version is the pom's `delta.version`). */
export const DELTA_ADD_ON = "delta";

/**
 * The Spark conf that turns Delta on in a session: `spark.sql.extensions` (MERGE INTO, DESCRIBE
 * HISTORY, time travel syntax) and the Delta catalog as `spark_catalog` (so `delta.\`path\``
 * names and CREATE TABLE … USING delta resolve).
 */
export function deltaSparkConf(): Record<string, string> {
  return {
    "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
    "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
  };
}
