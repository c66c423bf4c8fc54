/**
 * Spark's own examples as the oracle: each `DESCRIBE FUNCTION EXTENDED` example, read live from
 * the test server (the repository keeps no Spark text), runs as SQL text and as the equivalent
 * wrapper call through the same server; the results (or the error classes) must be equal.
 * Functions whose examples cannot be compared are listed with a reason in
 * support/example-exclusions.ts, and that list is checked both ways (an excluded function that now
 * agrees must leave the list). The same DESCRIBE texts check the committed registry snapshot's
 * facts and that no generated doc comment repeats Spark's text.
 */
import { readdirSync, readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { examplesOf } from "../scripts/functions/examples.js";
import { factsOf, type Registry } from "../scripts/functions/facts.js";
import { sqlFunctionWrappers, wrapperSignatures } from "../src/functions/coverage.js";
import { type DataFrame, SparkConnectError, type SparkSession } from "../src/index.js";
import { type TranslatedExample, translateExample } from "./support/example-calls.js";
import { EXAMPLE_EXCLUSIONS, NONDETERMINISTIC } from "./support/example-exclusions.js";
import { describeFunctions } from "./support/function-describe.js";
import { canonical, testSession } from "./support/session.js";

type Outcome = { values: string[] } | { error: string };

let spark: SparkSession;
/** One row in one partition, as SQL's `SELECT f(...)` without FROM has (partition-dependent functions agree). */
let oneRow: DataFrame;
/** SQL name → the live server's DESCRIBE FUNCTION EXTENDED text, for every function it lists. */
let described: Map<string, string>;
const examplesOfFn = (fn: string) => examplesOf(described.get(fn) ?? "");
beforeAll(async () => {
  spark = await testSession();
  oneRow = await spark.sql("SELECT 1 AS one");
  const names = (await (await spark.sql("SHOW FUNCTIONS")).collect()).map((r) => String(r.function));
  described = await describeFunctions(spark, names);
}, 600_000);

async function outcome(df: () => Promise<DataFrame> | DataFrame, column?: string): Promise<Outcome> {
  try {
    const rows = await (await df()).collect();
    return { values: canonical(rows.map((r) => (column ? { v: r[column] } : r))) };
  } catch (e) {
    if (e instanceof SparkConnectError) return { error: e.errorClass ?? e.code };
    return { error: `client: ${(e as Error).message}` };
  }
}

const same = (a: Outcome, b: Outcome) => JSON.stringify(a) === JSON.stringify(b);

/** Runs one example alone: its SQL text, then the wrapper over the same FROM (or one row). */
async function runAlone(t: TranslatedExample): Promise<[Outcome, Outcome]> {
  const sql = await outcome(() => spark.sql(t.sql));
  const base = () => (t.from ? spark.sql(`SELECT * ${t.from}`) : oneRow);
  // No alias: generators (explode, inline, stack…) make several columns.
  const api = await outcome(async () => (await base()).select(t.build()));
  return [sql, api];
}

/**
 * Runs examples without FROM together (one SELECT each way); when either side fails, halves the
 * batch until the failing examples run alone (so one bad example costs a few queries, not all).
 */
async function runBatch(batch: TranslatedExample[]): Promise<[Outcome, Outcome][]> {
  if (batch.length === 1) return [await runAlone(batch[0] as TranslatedExample)];
  const select = batch.map((t, i) => `${t.callText} AS c${i}`).join(", ");
  try {
    const sqlRow = (await (await spark.sql(`SELECT ${select}`)).collect())[0] ?? {};
    const apiRow =
      (
        await spark
          .range(1)
          .select(...batch.map((t, i) => t.build().alias(`c${i}`)))
          .collect()
      )[0] ?? {};
    return batch.map((_, i) => [
      { values: canonical([{ v: sqlRow[`c${i}`] }]) },
      { values: canonical([{ v: apiRow[`c${i}`] }]) },
    ]);
  } catch {
    const half = Math.ceil(batch.length / 2);
    return [...(await runBatch(batch.slice(0, half))), ...(await runBatch(batch.slice(half)))];
  }
}

describe("Spark's function examples: SQL text vs wrapper call", () => {
  it("agree for every wrapped function that is not on the reviewed exclusion list", async () => {
    const runnable: TranslatedExample[] = [];
    const untranslatable = new Map<string, string[]>();
    for (const [fn, exportName] of Object.entries(sqlFunctionWrappers)) {
      const signature = wrapperSignatures[fn];
      if (signature === undefined || !described.has(fn)) continue;
      for (const example of examplesOfFn(fn)) {
        const t = translateExample(fn, exportName, signature, example);
        if (typeof t === "string")
          untranslatable.set(fn, [...(untranslatable.get(fn) ?? []), `${example.sql}: ${t}`]);
        else runnable.push(t);
      }
    }
    const results: { t: TranslatedExample; sql: Outcome; api: Outcome }[] = [];
    const plain = runnable.filter((t) => !t.from);
    for (let i = 0; i < plain.length; i += 64) {
      process.stderr.write(`examples: ${i}/${plain.length} without FROM\n`);
      const batch = plain.slice(i, i + 64);
      const outcomes = await runBatch(batch);
      outcomes.forEach(([sql, api], j) => {
        results.push({ t: batch[j] as TranslatedExample, sql, api });
      });
    }
    for (const [i, t] of runnable.filter((x) => x.from).entries()) {
      if (i % 20 === 0) process.stderr.write(`examples: ${i} with FROM\n`);
      const [sql, api] = await runAlone(t);
      results.push({ t, sql, api });
    }

    const byFn = new Map<string, { agree: number; differ: string[] }>();
    for (const { t, sql, api } of results) {
      const entry = byFn.get(t.fn) ?? { agree: 0, differ: [] };
      if (same(sql, api)) entry.agree++;
      else entry.differ.push(`${t.sql} → SQL ${JSON.stringify(sql)} vs wrapper ${JSON.stringify(api)}`);
      byFn.set(t.fn, entry);
    }
    const failures = [...byFn].filter(([fn, r]) => r.differ.length > 0 && !EXAMPLE_EXCLUSIONS[fn]);
    const staleExclusions = Object.keys(EXAMPLE_EXCLUSIONS).filter((fn) => {
      if (EXAMPLE_EXCLUSIONS[fn]?.startsWith(NONDETERMINISTIC)) return false;
      const r = byFn.get(fn);
      return r && r.differ.length === 0 && r.agree > 0;
    });
    const agreeing = [...byFn].filter(([, r]) => r.differ.length === 0).length;
    const withExamples = Object.keys(sqlFunctionWrappers).filter((fn) => examplesOfFn(fn).length > 0).length;
    const untested = Object.keys(sqlFunctionWrappers).filter(
      (fn) => !byFn.has(fn) && examplesOfFn(fn).length > 0,
    );
    console.log(
      `examples run ${results.length} (agree ${results.filter((r) => same(r.sql, r.api)).length}); ` +
        `functions with examples ${withExamples}, all examples agree for ${agreeing}, ` +
        `compared none (every example untranslatable) for ${untested.length}: ${untested.join(", ")}`,
    );
    for (const fn of untested) console.log(`  ${fn}: ${(untranslatable.get(fn) ?? []).join(" | ")}`);
    expect(failures.map(([fn, r]) => `${fn}: ${r.differ.join(" | ")}`)).toEqual([]);
    expect(staleExclusions).toEqual([]);
    for (const fn of untested) expect(EXAMPLE_EXCLUSIONS[fn], `${fn} has no comparable example`).toBeTruthy();
  }, 1_800_000);
});

describe("the committed function registry holds facts that match the live server, and no Spark text", () => {
  const registry = JSON.parse(
    readFileSync(new URL("../scripts/functions/registry.json", import.meta.url), "utf8"),
  ) as Registry;

  it("each function's since, parameters and has-examples equal what the live DESCRIBE text gives", () => {
    const differ = [...described]
      .filter(([fn]) => registry.functions[fn])
      .flatMap(([fn, text]) => {
        const snap = registry.functions[fn];
        const live = factsOf(fn, snap?.group ?? "", text, snap?.returnTypes ?? []);
        return JSON.stringify(live) === JSON.stringify(snap)
          ? []
          : [`${fn}: committed ${JSON.stringify(snap)} vs live ${JSON.stringify(live)}`];
      });
    expect(differ).toEqual([]);
    expect(described.size).toBeGreaterThan(500);
  });

  it("no doc comment line of src/functions appears in Spark's DESCRIBE text", () => {
    const dir = new URL("../src/functions/", import.meta.url);
    const spark = [...described.values()].join("\n");
    const lines = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts")))
      for (const comment of readFileSync(new URL(file, dir), "utf8").match(/\/\*\*[\s\S]*?\*\//g) ?? [])
        for (const line of comment.split("\n")) {
          const text = line.replace(/^\s*\/?\*+\/?\s?/, "").trim();
          if (text && text !== "/") lines.add(text);
        }
    const copied = [...lines].filter((l) => spark.includes(l));
    console.log(`doc comment lines checked ${lines.size}, found in DESCRIBE text ${copied.length}`);
    expect(copied).toEqual([]);
    expect(lines.size).toBeGreaterThan(500);
  });
});
