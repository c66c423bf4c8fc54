import { inject } from "vitest";
import { SparkSession } from "../../src/index.js";

let shared: Promise<SparkSession> | undefined;

/** A session on the run's shared Spark Connect server (one per test file). */
export function testSession(): Promise<SparkSession> {
  const url = inject("sparkRemote");
  if (!url) throw new Error("No Spark test server: this test needs Spark (unset KINDLING_TEST_SPARK=off).");
  shared ??= SparkSession.builder().remote(url).getOrCreate();
  return shared;
}

/** Rows made comparable: bigint → string, Dates → ISO, Maps → sorted entries; then sorted. */
export function canonical(rows: Record<string, unknown>[], ordered = false): string[] {
  const norm = (v: unknown): unknown => {
    if (typeof v === "bigint") return `${v}n`;
    if (v instanceof Date) return v.toISOString();
    if (v instanceof Uint8Array) return `bytes:${Buffer.from(v).toString("hex")}`;
    if (v instanceof Map) return [...v.entries()].map(([k, x]) => [norm(k), norm(x)]).sort();
    if (Array.isArray(v)) return v.map(norm);
    if (v && typeof v === "object")
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, norm(x)]));
    if (typeof v === "number" && !Number.isInteger(v)) return Number(v.toPrecision(12));
    return v;
  };
  const out = rows.map((r) => JSON.stringify(Object.values(norm(r) as object)));
  return ordered ? out : out.sort();
}
