/**
 * Reads `DESCRIBE FUNCTION EXTENDED` for functions of the live server through the client, so tests
 * take Spark's usage text and examples from the pinned Spark itself (the repository commits only
 * facts derived from that text: scripts/functions/registry.json).
 */
import type { SparkSession } from "../../src/index.js";

/** One function's DESCRIBE text, its rows joined by newlines (as the registry dump reads it). */
export async function describeFunction(spark: SparkSession, name: string): Promise<string> {
  // Operators like `!` or `<=>` need backquotes; DESCRIBE takes the name as an identifier.
  const rows = await (await spark.sql(`DESCRIBE FUNCTION EXTENDED \`${name}\``)).collect();
  return rows.map((r) => String(r.function_desc)).join("\n");
}

/** SQL name → DESCRIBE text for each name, a few requests in flight at once (each is one round trip). */
export async function describeFunctions(
  spark: SparkSession,
  names: string[],
  inFlight = 8,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const name = names[next++] as string;
      out.set(name, await describeFunction(spark, name));
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, names.length) }, worker));
  return out;
}
