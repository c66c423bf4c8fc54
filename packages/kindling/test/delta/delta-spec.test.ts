/**
 * The Delta parts without Spark: spec checks of Delta sinks and sources (each error names its YAML
 * path and says what to write), the Kubernetes conf, the add-on's own cache folder, and the
 * history table's text. Run with KINDLING_TEST_SPARK=off.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cachedSparkHome, ensureAddOnJars } from "@kindling/spark-connect";
import { describe, expect, it } from "vitest";
import { formatHistory } from "../../src/cli/commands/history.js";
import { DELTA_ADD_ON, deltaSparkConf } from "../../src/delta/server.js";
import { rowChanges } from "../../src/delta/table.js";
import { renderHtml } from "../../src/report/html.js";
import { renderMarkdown } from "../../src/report/markdown.js";
import type { RunResult } from "../../src/run/runner.js";
import { parsePipeline } from "../../src/spec/index.js";
import { repoRoot } from "../pipeline/support.js";
import { specErrorOf } from "../spec/support.js";

function yaml(sinks: string, sources = "  s: { format: parquet, path: in }"): string {
  return `version: 1\nname: p\nsources:\n${sources}\nsinks:\n${sinks}\nquarantine: { path: q }\n`;
}

describe("Delta spec checks", () => {
  it("accepts every Delta sink mode and a Delta source with a version", async () => {
    const loaded = await parsePipeline(
      yaml(
        [
          "  a: { input: s, format: delta, path: a, mode: merge, merge: { keys: [id] } }",
          "  b: { input: s, format: delta, path: b, mode: replace_where, replace_where: \"day = DATE'2026-11-02'\" }",
          "  c: { input: t, format: delta, path: c, mode: append, schema_evolution: add_columns }",
        ].join("\n"),
        "  s: { format: parquet, path: in }\n  t: { format: delta, path: a, version: 3 }",
      ),
      "p.yaml",
    );
    expect(loaded.spec.sinks.a!.merge).toEqual({
      keys: ["id"],
      when_matched: "update",
      when_not_matched: "insert",
    });
    expect(loaded.spec.sinks.a!.schema_evolution).toBe("none");
    expect(loaded.spec.sources.t!.version).toBe(3);
  });

  it("refuses merge and replace_where on a file sink, naming the field and the fix", async () => {
    const err = await specErrorOf(() =>
      parsePipeline(yaml("  a: { input: s, path: a, mode: merge, merge: { keys: [id] } }"), "p.yaml"),
    );
    const messages = err.issues.map((i) => `${i.path}: ${i.message}`);
    expect(messages).toContain("sinks.a.mode: mode merge needs format: delta (found format: parquet)");
    expect(messages).toContain("sinks.a.merge: merge needs format: delta (found format: parquet)");
  });

  it("an aggregate of an incremental source needs a row table, no windows, and a sink merged on its group_by", async () => {
    const spec = (aggSink: string, windows = "") =>
      [
        "version: 1",
        "name: p",
        "sources:",
        "  s: { format: csv, path: in, incremental: true, schema: 'id STRING, day STRING, amount INT' }",
        "steps:",
        "  - { kind: clean, name: c, input: s, dedupe: { keys: [id] } }",
        `  - { kind: aggregate, name: a, input: c, group_by: [day], metrics: { total: sum(amount) }${windows} }`,
        "sinks:",
        "  rows: { input: c, format: delta, path: rows, mode: merge, merge: { keys: [id] } }",
        `  agg: ${aggSink}`,
        "quarantine: { path: q }",
      ].join("\n");
    const ok = await parsePipeline(
      spec("{ input: a, format: delta, path: agg, mode: merge, merge: { keys: [day] } }"),
      "p.yaml",
    );
    expect(ok.spec.sinks.agg!.merge?.keys).toEqual(["day"]);
    const err = await specErrorOf(() =>
      parsePipeline(
        spec(
          "{ input: a, format: delta, path: agg, mode: append }",
          ", windows: { w: { expression: 'sum(total)', order_by: [day] } }",
        ),
        "p.yaml",
      ),
    );
    const messages = err.issues.map((i) => `${i.path}: ${i.message}`);
    expect(messages).toEqual([
      "steps[1].windows: aggregate a reads an incremental source, so each run recomputes the groups its new rows touch; window columns span groups and cannot be recomputed per group: compute them in a pipeline that reads the aggregate's Delta table",
      "sinks.agg: aggregate a reads an incremental source, so each run recomputes the groups its new rows touch: sink agg needs format: delta, mode: merge, merge: {keys: [day]} (its group_by) and when_matched: update",
    ]);
    const noRows = await specErrorOf(() =>
      parsePipeline(
        spec("{ input: a, format: delta, path: agg, mode: merge, merge: { keys: [day] } }").replace(
          "rows: { input: c, format: delta, path: rows, mode: merge, merge: { keys: [id] } }",
          "rows: { input: c, format: delta, path: rows, mode: overwrite }",
        ),
        "p.yaml",
      ),
    );
    expect(noRows.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      "steps[1].input: aggregate a reads an incremental source, so each run recomputes the groups its new rows touch from all of their rows: write its input c to a Delta sink with mode merge (or append), the table those rows are read from",
    ]);
  });

  it("mode merge without keys, and replace_where without its predicate, are errors", async () => {
    const err = await specErrorOf(() =>
      parsePipeline(
        yaml(
          "  a: { input: s, format: delta, path: a, mode: merge }\n  b: { input: s, format: delta, path: b, mode: replace_where }",
        ),
        "p.yaml",
      ),
    );
    const messages = err.issues.map((i) => `${i.path}: ${i.message}`);
    expect(messages).toContain("sinks.a.merge: mode merge needs merge: {keys: [...]}");
    expect(
      messages.some((m) =>
        m.startsWith('sinks.b.replace_where: mode replace_where needs replace_where: "<predicate>"'),
      ),
    ).toBe(true);
  });

  it("time travel needs a Delta source, one of version or timestamp, and no declared schema", async () => {
    const err = await specErrorOf(() =>
      parsePipeline(
        yaml(
          "  o: { input: s, path: o }",
          '  s: { format: csv, path: in, version: 1 }\n  t: { format: delta, path: d, version: 1, timestamp: "2026-11-30", schema: "id INT" }',
        ),
        "p.yaml",
      ),
    );
    const messages = err.issues.map((i) => `${i.path}: ${i.message}`);
    expect(messages).toContain(
      "sources.s.version: version (time travel) needs format: delta (found format: csv)",
    );
    expect(messages).toContain("sources.t.timestamp: give version or timestamp, not both");
    expect(messages.some((m) => m.startsWith("sources.t.schema: a Delta table carries its own schema"))).toBe(
      true,
    );
  });
});

describe("Delta on servers", () => {
  it("k8s/base/spark.properties turns Delta on exactly as deltaSparkConf()", () => {
    const text = readFileSync(join(repoRoot, "k8s", "base", "spark.properties"), "utf8");
    for (const [k, v] of Object.entries(deltaSparkConf())) expect(text).toContain(`\n${k}=${v}\n`);
  });

  it("Delta's jars live in their own versioned cache folder, holding only jars Spark lacks", async () => {
    const delta = await ensureAddOnJars(DELTA_ADD_ON);
    const pom = readFileSync(join(repoRoot, "spark", "pom.xml"), "utf8");
    const version = /<delta\.version>([^<]+)</.exec(pom)![1];
    expect(delta.version).toBe(version);
    expect(delta.jarsDir).toMatch(new RegExp(`delta-${version}-spark-4\\.2\\.0/jars$`));
    expect(delta.jars).toContain(`delta-spark_4.2_2.13-${version}.jar`);
    const sparkJars = new Set(readdirSync(join(cachedSparkHome(), "jars")));
    expect(delta.jars.filter((j) => sparkJars.has(j))).toEqual([]);
    expect(existsSync(join(cachedSparkHome(), "jars", `delta-spark_4.2_2.13-${version}.jar`))).toBe(false);
  });
});

describe("history", () => {
  it("rows inserted/updated/deleted come from the commit's operation metrics", () => {
    const merge = { numTargetRowsInserted: "1", numTargetRowsUpdated: "2", numTargetRowsDeleted: "0" };
    const commit = (operation: string, operationMetrics: Record<string, string>) => ({
      version: 1,
      timestamp: "2026-11-30T04:00:00.000Z",
      operation,
      readVersion: 0,
      operationMetrics,
      userMetadata: '{"kindlingRun":"r1"}',
    });
    expect(rowChanges(commit("MERGE", merge))).toEqual({ inserted: 1, updated: 2, deleted: 0 });
    expect(rowChanges(commit("WRITE", { numOutputRows: "5", numFiles: "1" }))).toEqual({
      inserted: 5,
      updated: 0,
      deleted: 0,
    });
    // replaceWhere: numOutputRows counts the rows copied from rewritten files too (Delta 4.4 metrics).
    const replaceWhere = {
      numOutputRows: "3",
      numCopiedRows: "1",
      numDeletedRows: "1",
      numRemovedFiles: "1",
    };
    expect(rowChanges(commit("WRITE", replaceWhere))).toEqual({ inserted: 2, updated: 0, deleted: 1 });
    // A replacing write reports the files it removed, not their rows.
    expect(rowChanges(commit("WRITE", { numOutputRows: "5", numRemovedFiles: "2" })).deleted).toBeUndefined();
    expect(formatHistory("orders", "/t/orders", [commit("MERGE", merge)])).toBe(
      [
        "sink orders: Delta table /t/orders",
        "version  timestamp                 operation  inserted  updated  deleted  run",
        "1        2026-11-30T04:00:00.000Z  MERGE      1         2        0        r1",
        "",
      ].join("\n"),
    );
  });
});

describe("report", () => {
  it("lists each Delta commit and the files an incremental run read, in Markdown and HTML", () => {
    const run = {
      runId: "r2",
      status: "succeeded",
      pipeline: "p",
      specFile: "p.yaml",
      specHash: "0123456789abcdef0123",
      error: undefined,
      sparkVersion: "4.2.0",
      startedAt: "2026-11-30T04:00:00.000Z",
      wallMs: 1000,
      inputs: [],
      counts: undefined,
      rules: [],
      spark: undefined,
      recovered: [],
      cached: [],
      actions: [
        {
          name: "orders",
          kind: "sink",
          path: "/t/orders",
          ms: 10,
          rows: 3,
          files: 1,
          bytes: 100,
          delta: {
            version: 4,
            readVersion: 3,
            operation: "MERGE",
            rows: { inserted: 1, updated: 2, deleted: 0 },
            operationMetrics: {},
          },
        },
      ],
      incremental: {
        fullRefresh: false,
        sources: [{ source: "raw", files: ["file:/l/f3.csv"], skipped: 2 }],
      },
    } as unknown as RunResult;
    const md = renderMarkdown(run);
    expect(md).toContain("| orders | 4 | 3 | MERGE | 1 | 2 | 0 |");
    expect(md).toContain("| raw | file:/l/f3.csv | 2 | no |");
    const html = renderHtml(run);
    expect(html).toContain("<h2>Delta commits</h2>");
    expect(html).toContain("<td>orders</td><td>4</td><td>3</td><td>MERGE</td><td>1</td><td>2</td><td>0</td>");
  });
});
