/**
 * Build step (run by hand when the pinned Spark changes): starts the pinned Spark's Connect server,
 * lists its function registry (`SHOW FUNCTIONS`), describes each function
 * (`DESCRIBE FUNCTION EXTENDED`) and writes the FACTS derived from that text to
 * functions/registry.json (group, since, parameter names and kinds, result types of the examples,
 * whether there are examples; see functions/facts.ts). Spark's prose and example SQL are not
 * written: the project copies no text from Spark, and the conformance test reads the examples live.
 * The wrapper generator (generate-functions.ts) and the coverage test read that file.
 *
 *   node --import tsx packages/spark-connect/scripts/dump-function-registry.ts
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SparkSession, simpleString } from "../src/index.js";
import { ensureSpark, javaExecutable } from "../src/local/provision.js";
import { startLocalServer } from "../src/local/server.js";
import { examplesOf } from "./functions/examples.js";
import { type FunctionFacts, factsOf, type Registry } from "./functions/facts.js";

const here = join(dirname(fileURLToPath(import.meta.url)), "functions");
const outFile = join(here, "registry.json");

/** name → [group, since] from each function's ExpressionInfo (DESCRIBE does not print the group). */
function groupsOf(jarsDir: string): Map<string, [string, string]> {
  const out = execFileSync(javaExecutable(), ["-cp", `${jarsDir}/*`, join(here, "FunctionGroups.java")], {
    encoding: "utf8",
    maxBuffer: 16 << 20,
    stdio: ["ignore", "pipe", "ignore"],
  });
  const groups = new Map<string, [string, string]>();
  for (const line of out.split("\n")) {
    const [name, group, since] = line.split("\t");
    if (name && group) groups.set(name, [group, since ?? ""]);
  }
  return groups;
}

/** The type of each example's first result column (analysed, not run), or none if it fails. */
async function typesOf(spark: SparkSession, sqls: string[]): Promise<string[]> {
  try {
    if (sqls.length === 1) {
      const field = (await (await spark.sql(sqls[0] as string)).schema()).fields[0];
      return field ? [simpleString(field.dataType).toUpperCase()] : [];
    }
    // Examples without FROM analyse together as one SELECT (one round trip for all of them).
    const select = sqls.map((q, i) => `(${q}) AS c${i}`).join(", ");
    return (await (await spark.sql(`SELECT ${select}`)).schema()).fields.map((f) =>
      simpleString(f.dataType).toUpperCase(),
    );
  } catch {
    // Some examples fail on purpose (an overflow, say); split to find the ones that have a type.
    if (sqls.length === 1) return [];
    const half = Math.ceil(sqls.length / 2);
    return [...(await typesOf(spark, sqls.slice(0, half))), ...(await typesOf(spark, sqls.slice(half)))];
  }
}

/** The result types of a function's own examples: what the wrapper returns. */
async function returnTypesOf(spark: SparkSession, describe: string): Promise<string[]> {
  const selects = examplesOf(describe)
    .map((e) => e.sql)
    .filter((q) => /^SELECT\b/i.test(q));
  const scalar = selects.filter((q) => !/\bFROM\b/i.test(q));
  const types = new Set<string>();
  if (scalar.length) for (const t of await typesOf(spark, scalar)) types.add(t);
  for (const q of selects.filter((x) => /\bFROM\b/i.test(x)))
    for (const t of await typesOf(spark, [q])) types.add(t);
  return [...types];
}

// KINDLING_REMOTE=sc://… uses a running server (of the pinned Spark) instead of starting one.
const remote = process.env.KINDLING_REMOTE;
const server = remote ? undefined : await startLocalServer({ master: "local[1]", driverMemory: "1g" });
try {
  const spark = await SparkSession.builder()
    .remote(remote ?? (server?.url as string))
    .getOrCreate();
  const names = (await (await spark.sql("SHOW FUNCTIONS")).collect()).map((r) => String(r.function));
  const groups = groupsOf((await ensureSpark()).jarsDir);
  const facts: Record<string, FunctionFacts> = {};
  for (const name of names) {
    // Operators like `!` or `<=>` need backquotes; DESCRIBE takes the name as an identifier.
    const rows = await (await spark.sql(`DESCRIBE FUNCTION EXTENDED \`${name}\``)).collect();
    // Table-valued and syntax-only entries (range, case, ||) are not in the built-in registry.
    const group = groups.get(name)?.[0] ?? (/^[a-z_]+$/.test(name) ? "table_or_syntax_funcs" : "operators");
    const describe = rows.map((r) => String(r.function_desc)).join("\n");
    facts[name] = factsOf(name, group, describe, await returnTypesOf(spark, describe));
  }
  const version = await spark.version();
  mkdirSync(dirname(outFile), { recursive: true });
  const registry: Registry = { sparkVersion: version, functions: facts };
  writeFileSync(outFile, JSON.stringify(registry));
  // Formatted as the rest of the tree (biome, repository settings): one short line per function.
  execFileSync("npx", ["biome", "format", "--write", outFile], { stdio: "inherit" });
  console.log(`${names.length} functions of Spark ${version} → ${outFile}`);
  await spark.stop();
} finally {
  await server?.stop();
}
