/**
 * Issue 19 items 2 and 7: each raw file is read once per run. The example pipeline (multi-line CSV
 * orders, JSON-lines customers, CSV products) on a small generated dataset: Spark's stage metrics
 * say each source's files were read exactly once (bytesRead == their size), every output's plan
 * reads the sources' staged Parquet copies (or, where those cannot be made, their cache) and no raw
 * file, the run's scratch is gone after it, and the outputs equal, by the order-independent
 * checksum, those of the same plans read straight from the files (the way runs read before).
 */
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DataType, DataTypes, functions as F, type SparkSession } from "@kindling/spark-connect";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { testSession } from "../../../spark-connect/test/support/session.js";
import { compilePipeline } from "../../src/compile/pipeline.js";
import { type RunResult, runPipeline } from "../../src/run/runner.js";
import { parquetHolds, readStagedSources, releaseSources, scanSources } from "../../src/run/source-scan.js";
import { loadPipeline } from "../../src/spec/index.js";
import { inputDir, writeInputs } from "../compile/support.js";
import { examplePipeline, smallDataset } from "../pipeline/support.js";

let spark: SparkSession;
let dir: string;
let run: RunResult;
const sparkUi = () => `http://127.0.0.1:${inject("sparkUiPort")}`;
const load = () =>
  loadPipeline(examplePipeline, { set: { data_dir: dir, out_dir: join(dir, "out") }, env: {} });
const size = (...p: string[]) => statSync(join(dir, "raw", ...p)).size;

beforeAll(async () => {
  spark = await testSession();
  ({ dir } = await smallDataset(6_000, 11));
  run = await runPipeline(spark, await load(), { sparkUi: sparkUi() });
});

/** Order-independent checksum over the columns in name order (a partitioned output moves its partition columns last). */
async function checksumByName(path: string): Promise<string> {
  const df = spark.read.parquet(path);
  const cols = (await df.columns()).sort().map((c) => F.col(`\`${c}\``));
  const [r] = await df
    .agg(F.count(F.lit(1)).alias("n"), F.sum(F.xxhash64(...cols).cast("decimal(38,0)")).alias("h"))
    .collect();
  return `${r!.n}:${r!.h}`;
}

/**
 * The raw-file scans of a physical plan that are not the cached plan of an InMemoryRelation (the
 * relation prints the plan that filled it below itself, indented deeper).
 */
function rawScansOutsideCache(plan: string): string[] {
  const out: string[] = [];
  let cacheIndent: number | undefined;
  for (const line of plan.split("\n")) {
    // A node's depth is where its "+- " or ":- " marker stands (the ":" columns before are its ancestors').
    const indent = Math.max(line.search(/[+:]- /), 0);
    if (cacheIndent !== undefined && indent > cacheIndent) continue;
    cacheIndent = undefined;
    if (line.includes("InMemoryRelation")) cacheIndent = indent;
    else if (/FileScan (csv|json|text)/.test(line)) out.push(line.trim().slice(0, 120));
  }
  return out;
}

describe("each raw file is read once per run", () => {
  it("Spark's input bytes of each source's jobs equal the size of its files, exactly", () => {
    expect(run.error).toBeUndefined();
    const orders = readdirSync(join(dir, "raw", "orders"))
      .filter((f) => f.endsWith(".csv"))
      .reduce((n, f) => n + size("orders", f), 0);
    const read = Object.fromEntries(run.inputs.map((i) => [i.source, i.bytesRead]));
    expect(read).toEqual({
      orders,
      customers: size("customers.jsonl"),
      products: size("products.csv"),
    });
    expect(run.inputs.map((i) => i.bytes)).toEqual([orders, size("customers.jsonl"), size("products.csv")]);
    // orders and customers are staged with the verdicts of the one clean step reading each.
    expect(run.scans?.map((s) => [s.source, s.kept, s.judgedBy])).toEqual([
      ["orders", "parquet", "validate_orders"],
      ["customers", "parquet", "clean_customers"],
      ["products", "parquet", undefined],
    ]);
  });

  it("the shared enrich_orders is read back from orders_clean's staged files, not cached", () => {
    expect(run.readBack).toEqual({ enrich_orders: "orders_clean" });
    expect(run.cached).toEqual([]);
    expect(run.actions.map((a) => a.name)).toEqual(["orders_clean", "daily_revenue", "quarantine"]);
  });

  it("the run's scratch (the staged copies) is gone after it, with its staging", () => {
    expect(readdirSync(join(dir, "out")).sort()).toEqual([
      "_kindling",
      "daily_revenue",
      "orders_clean",
      "quarantine",
    ]);
    expect(existsSync(join(dir, "out", ".kindling-staging"))).toBe(false);
  });

  it("after the scans, every output's plan reads the staged Parquet copies and no raw file", async () => {
    const loaded = await load();
    const compiled = await compilePipeline(spark, loaded.spec, undefined, loaded.graph);
    const scratch = mkdtempSync(join(tmpdir(), "kindling-scratch-"));
    const scans = await scanSources(compiled, {}, scratch);
    expect([...scans.staged.keys()]).toEqual(["orders", "customers", "products"]);
    // The copies are scratch, read once or twice: written uncompressed (Spark names a Snappy
    // file part-….snappy.parquet, an uncompressed one part-….parquet).
    for (const { path } of scans.staged.values()) {
      const parts = readdirSync(path, { recursive: true, encoding: "utf8" }).filter((f) =>
        f.endsWith(".parquet"),
      );
      expect(parts.length).toBeGreaterThan(0);
      expect(parts.filter((f) => /\.(snappy|zstd|gz|lz4)\.parquet$/.test(f))).toEqual([]);
    }
    const judgedBy = new Map(
      scans.scanned.flatMap((s) => (s.judgedBy ? [[s.source, s.judgedBy] as const] : [])),
    );
    // validate_orders is the one step reading orders: the scan judged every row once.
    expect(Object.fromEntries(judgedBy)).toEqual({ orders: "validate_orders", customers: "clean_customers" });
    const known = await readStagedSources(compiled, scans.staged);
    const again = await compilePipeline(spark, loaded.spec, undefined, loaded.graph, known);
    for (const df of [...again.sinks.map((s) => s.df), again.quarantine!]) {
      const plan = await df.explainString();
      expect(plan).toMatch(/FileScan parquet/);
      expect(plan).not.toMatch(/FileScan (csv|json|text)/);
    }
    // Neither the output nor the quarantine judges validate_orders' rules again (its regexes and
    // its timestamp check ran in the scan); clean_orders' own cast still parses the timestamp
    // (the shape check of castValue's ISO cast is the output's one regex).
    const quarantine = await again.quarantine!.explainString();
    expect(quarantine).not.toMatch(/RLIKE|try_to_timestamp|to_timestamp/i);
    // A judged copy is partitioned by action: the quarantine reads its own rows' folder, never
    // the rows that passed (one filter per judged source: orders and customers).
    const judgedCopy = scans.staged.get("orders")!.path;
    expect(readdirSync(judgedCopy).filter((f) => f.startsWith("_k_action="))).toEqual([
      "_k_action=__HIVE_DEFAULT_PARTITION__",
      "_k_action=quarantine",
    ]);
    // An original is staged only where the rewrites changed the value: status is trimmed and
    // lower-cased (changed on the generator's whitespace/case rows), order_id only loses "" (which
    // the CSV reader reads as null already: never changed).
    const copy = spark.read.parquet(judgedCopy);
    const raw = compiled.sources.get("orders")!.all;
    const status = F.col("status");
    const changed = await raw.filter(status.eqNullSafe(F.lower(F.trim(status))).not()).count();
    expect(changed).toBeGreaterThan(0);
    expect(await copy.filter(F.col("_k_orig_status").isNotNull()).count()).toBe(changed);
    expect(await copy.filter(F.col("_k_orig_order_id").isNotNull()).count()).toBe(0);
    expect(quarantine.match(/PartitionFilters: \[[^\]]*\]/g)).toEqual([
      expect.stringMatching(/^PartitionFilters: \[\(_k_action#\d+ <=> quarantine\)\]$/),
      expect.stringMatching(/^PartitionFilters: \[\(_k_action#\d+ <=> quarantine\)\]$/),
    ]);
    const output = await again.sinks.find((s) => s.name === "orders_clean")!.df.explainString();
    expect(output.match(/RLIKE\([^,]+, [^)]*\)/g)).toEqual([
      expect.stringMatching(/^RLIKE\(order_ts#\d+, \^\[0-9\]\{4\}-/),
    ]);
  });

  it("without a scratch folder, every output's plan reads the sources' cache and no raw file", async () => {
    const loaded = await load();
    const compiled = await compilePipeline(spark, loaded.spec, undefined, loaded.graph);
    try {
      const raw = await compiled.sinks[0]!.df.explainString();
      expect(raw).toMatch(/FileScan csv/);
      const scans = await scanSources(compiled, {}, undefined);
      expect(scans.scanned.map((s) => s.kept)).toEqual(["cache", "cache", "cache"]);
      for (const df of [...compiled.sinks.map((s) => s.df), compiled.quarantine!]) {
        const plan = await df.explainString();
        expect(plan).toContain("InMemoryTableScan");
        expect(rawScansOutsideCache(plan)).toEqual([]);
      }
    } finally {
      await releaseSources(compiled);
    }
  });

  it("outputs and quarantine equal those of the same plans read straight from the files (checksum)", async () => {
    const loaded = await load();
    const compiled = await compilePipeline(spark, loaded.spec, undefined, loaded.graph);
    const direct = mkdtempSync(join(tmpdir(), "kindling-direct-"));
    const outputs = [
      ...compiled.sinks.map((s) => ({ name: s.name, df: s.df, path: s.path })),
      { name: "quarantine", df: compiled.quarantine!, path: compiled.quarantinePath! },
    ];
    for (const o of outputs) {
      await o.df.write.mode("overwrite").parquet(join(direct, o.name));
      expect(await checksumByName(o.path), o.name).toBe(await checksumByName(join(direct, o.name)));
    }
    expect(run.counts!.reconciliations.every((r) => r.holds)).toBe(true);
  });
});

/**
 * Runs a one-source CSV pipeline over `files` (name → text) with the Spark UI, so bytesRead is
 * known; `steps` (YAML list items) and the sink's input `out` change the pipeline.
 */
async function runCsv(prefix: string, files: Record<string, string>, steps = "", out = "s") {
  const d = inputDir(prefix);
  const data = writeInputs(d, files);
  const file = join(d, "p.yaml");
  writeFileSync(
    file,
    `version: 1
name: ${prefix.replace(/-/g, "_")}
sources:
  s: { format: csv, path: ${data}/*.csv, options: { header: true }, schema: "id INT, name STRING" }
steps:${steps ? `\n${steps}` : " []"}
sinks:
  out: { input: ${out}, path: ${join(d, "out")} }
quarantine: { path: ${join(d, "q")} }
report: { path: ${join(d, "report")}, formats: [json] }
`,
  );
  const result = await runPipeline(spark, await loadPipeline(file, { set: {}, env: {} }), {
    sparkUi: sparkUi(),
  });
  const rows = result.error ? [] : await spark.read.parquet(join(d, "out")).orderBy("id").collect();
  const sizes = Object.fromEntries(Object.keys(files).map((f) => [f, statSync(join(data, f)).size]));
  return { result, rows: rows.map((r) => `${r.id}|${r.name}`), sizes, dir: d };
}

describe("the UTF-8 check inside the scan", () => {
  it("a clean source is read once: no encoding pass", async () => {
    const { result, rows, sizes } = await runCsv("clean-utf8", { "a.csv": "id,name\n1,caf\u00e9\n" });
    expect(result.error).toBeUndefined();
    expect(rows).toEqual(["1|caf\u00e9"]);
    expect(result.inputs.map((i) => i.bytesRead)).toEqual([sizes["a.csv"]]);
  });

  it("a valid U+FFFD costs one byte check of its own file, and stays a value", async () => {
    const { result, rows, sizes } = await runCsv("fffd", {
      "a.csv": "id,name\n1,plain\n2,also plain\n",
      "b.csv": "id,name\n3,repl\uFFFDaced\n",
    });
    expect(result.error).toBeUndefined();
    expect(rows).toEqual(["1|plain", "2|also plain", "3|repl\uFFFDaced"]);
    expect(result.counts!.sources.s).toEqual({ rows: 3, malformed: 0 });
    expect(result.counts!.reconciliations.map((r) => [r.rowsOut, r.malformed, r.quarantined])).toEqual([
      [3, 0, 0],
    ]);
    // The scan reads both files once; the byte check reads b.csv (the suspect file) once more.
    expect(result.inputs.map((i) => i.bytesRead)).toEqual([sizes["a.csv"]! + 2 * sizes["b.csv"]!]);
  });
});

describe("a clean step judged in its source's scan", () => {
  const checked = (rule: string) => `  - name: checked
    kind: clean
    input: s
    trim: [name]
    rules:
      - ${rule}`;

  it("the quarantine keeps the record as read (before the trim); the output has the trimmed rows", async () => {
    const {
      result,
      rows,
      dir: d,
    } = await runCsv(
      "judged-scan",
      // Row 4's value is left as it was by the trim (its original is not staged again, but
      // restored from the value); row 5's is null and passes.
      { "a.csv": "id,name\n1, bad \n2, good\n3,good\n4,bad\n5,\n" },
      checked("{ check: accepted_values, name: known, column: name, values: [good] }"),
      "checked",
    );
    expect(result.error).toBeUndefined();
    expect(result.scans?.map((x) => x.judgedBy)).toEqual(["checked"]);
    expect(rows).toEqual(["2|good", "3|good", "5|null"]);
    const q = await spark.read.parquet(join(d, "q")).orderBy("record").collect();
    expect(q.map((r) => [r.step, r.rule, r.record])).toEqual([
      ["checked", "known", '{"id":1,"name":" bad "}'],
      ["checked", "known", '{"id":4,"name":"bad"}'],
    ]);
    expect(result.counts!.reconciliations.map((r) => [r.rowsIn, r.rowsOut, r.quarantined, r.holds])).toEqual([
      [5, 3, 2, true],
    ]);
  });

  // The judged copy is partitioned by action; with every row passing (or none) the scan writes one
  // action folder only, and the copy still reads back with its schema.
  it.each([
    ["every row passes", "id,name\n1,good\n2,good\n", ["1|good", "2|good"], 0],
    ["every row is quarantined", "id,name\n1,bad\n2, bad\n", [], 2],
  ])("a judged source where %s: exact rows and counts", async (_what, csv, expected, quarantined) => {
    const {
      result,
      rows,
      dir: d,
    } = await runCsv(
      "judged-one-folder",
      { "a.csv": csv },
      checked("{ check: accepted_values, name: known, column: name, values: [good] }"),
      "checked",
    );
    expect(result.error).toBeUndefined();
    expect(result.scans?.map((x) => x.judgedBy)).toEqual(["checked"]);
    expect(rows).toEqual(expected);
    expect(await spark.read.parquet(join(d, "q")).count()).toBe(quarantined);
    expect(result.counts!.reconciliations.map((r) => [r.rowsIn, r.rowsOut, r.quarantined, r.holds])).toEqual([
      [2, 2 - quarantined, quarantined, true],
    ]);
  });

  it("a quarantined record keeps a null that a default filled (the staged original is kept whole)", async () => {
    const step = `  - name: checked
    kind: clean
    input: s
    nulls: { values: ["-"], columns: [name], defaults: { name: unknown } }
    rules:
      - { check: range, name: small, column: id, max: 4 }`;
    const {
      result,
      rows,
      dir: d,
    } = await runCsv("judged-default", { "a.csv": "id,name\n1,-\n5,\n6,x\n" }, step, "checked");
    expect(result.error).toBeUndefined();
    expect(result.scans?.map((x) => x.judgedBy)).toEqual(["checked"]);
    expect(rows).toEqual(["1|unknown"]);
    const q = await spark.read.parquet(join(d, "q")).orderBy("record").collect();
    expect(q.map((r) => [r.rule, r.record])).toEqual([
      ["small", '{"id":5}'],
      ["small", '{"id":6,"name":"x"}'],
    ]);
  });

  it("a source two steps read is staged as read, not judged", async () => {
    const steps = `${checked("{ check: not_null, columns: [name] }")}
  - { name: also, kind: filter, input: s, where: "id > 1" }`;
    const { result, rows } = await runCsv(
      "two-readers",
      { "a.csv": "id,name\n1, a \n2,b\n" },
      steps,
      "checked",
    );
    expect(result.error).toBeUndefined();
    expect(result.scans?.map((x) => [x.kept, x.judgedBy])).toEqual([["parquet", undefined]]);
    expect(rows).toEqual(["1|a", "2|b"]);
  });

  it("a rule failing at run time names the source and the step whose rules its scan judged", async () => {
    const { result } = await runCsv(
      "judged-error",
      { "a.csv": "id,name\n1,7\n2,abc\n" },
      checked('{ check: expression, name: positive, condition: "CAST(name AS INT) > 0" }'),
      "checked",
    );
    expect(result.status).toBe("failed");
    expect(result.error).toMatch(
      /^source s could not be read from .* and judged by step checked \(its rewrites and rules run in the source's scan\): .*CAST_INVALID_INPUT/s,
    );
  });
});

describe("which sources are staged as Parquet (parquetHolds)", () => {
  const T = DataTypes;
  const field = (name: string, dataType: DataType) => ({ name, dataType, nullable: true });
  it("holds the types CSV and JSON sources read, nested too", () => {
    for (const t of [
      T.StringType,
      T.IntegerType,
      T.decimal(10, 2),
      T.TimestampType,
      T.DateType,
      T.BinaryType,
    ])
      expect(parquetHolds(t), t.typeName).toBe(true);
    expect(parquetHolds(T.struct([field("a", T.array(T.map(T.StringType, T.LongType)))]))).toBe(true);
    expect(parquetHolds({ typeName: "interval", kind: "day_time" })).toBe(true);
  });

  it("refuses what Spark's Parquet writer refuses, at any depth (those sources are cached)", () => {
    expect(parquetHolds(T.NullType)).toBe(false);
    expect(parquetHolds({ typeName: "interval", kind: "calendar" })).toBe(false);
    expect(parquetHolds(T.struct([]))).toBe(false);
    expect(parquetHolds(T.struct([field("a", T.array(T.struct([])))]))).toBe(false);
    expect(parquetHolds(T.map(T.StringType, T.NullType))).toBe(false);
    expect(parquetHolds({ typeName: "other", name: "udt" })).toBe(false);
  });
});
