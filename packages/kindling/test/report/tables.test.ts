/** Markdown and HTML reports render the same tables: same sections, headers and cell texts. */
import { describe, expect, it } from "vitest";
import { renderHtml } from "../../src/report/html.js";
import { renderMarkdown } from "../../src/report/markdown.js";
import type { RunResult } from "../../src/run/runner.js";

const stage = (stageId: number, attemptId: number, name: string, failedTasks = 0) => ({
  stageId,
  attemptId,
  name,
  status: "COMPLETE",
  submitted: `2026-11-30T04:00:0${stageId}.000GMT`,
  completed: `2026-11-30T04:00:0${stageId + 1}.500GMT`,
  durationMs: 1500,
  numTasks: 4,
  failedTasks,
  inputBytes: 2048,
  inputRecords: 10,
  outputBytes: 1024,
  outputRecords: 7,
  shuffleReadBytes: 0,
  shuffleWriteBytes: 512,
  executorRunTimeMs: 3000,
});

/** A run with every section: two reconciliations (one broken), rules, Delta, incremental, Spark. */
const RUN = {
  runId: "20261130T040000-abcd1234",
  status: "failed",
  error: "identity does not hold for orders → orders_bad",
  pipeline: "orders",
  specFile: "orders.yaml",
  specHash: "0123456789abcdef0123456789abcdef",
  sparkVersion: "4.2.0",
  startedAt: "2026-11-30T04:00:00.000Z",
  wallMs: 12_345,
  recovered: [],
  cached: [],
  recount: { reason: "an empty stage dropped its observation", ms: 800 },
  inputs: [{ source: "orders_raw", paths: ["/in/a.csv"], files: 2, bytes: 4096, drift: { added: ["note"] } }],
  counts: {
    sources: { orders_raw: { rows: 10, malformed: 1 } },
    sinks: { orders_clean: 5 },
    missing: [],
    steps: [
      {
        name: "clean_orders",
        kind: "clean",
        rowsIn: 9,
        rowsOut: 6,
        quarantined: 2,
        dropped: 0,
        failed: 0,
        duplicates: 1,
        filtered: 0,
        unmatched: {},
        droppedBy: {},
        rules: { positive_amount: 2 },
        warnings: { odd_note: 3 },
      },
      {
        name: "enrich_orders",
        kind: "enrich",
        rowsIn: 6,
        rowsOut: 5,
        quarantined: 0,
        dropped: 1,
        failed: 0,
        duplicates: 0,
        filtered: 0,
        unmatched: { customers: 1 },
        droppedBy: { customers: 1 },
        rules: {},
        warnings: {},
      },
    ],
    reconciliations: [
      {
        source: "orders_raw",
        sink: "orders_clean",
        rowsIn: 10,
        rowsOut: 5,
        malformed: 1,
        quarantined: 2,
        duplicates: 1,
        dropped: 1,
        filtered: 0,
        holds: true,
      },
      {
        source: "orders_raw",
        sink: "orders_bad",
        rowsIn: 10,
        rowsOut: 4,
        malformed: 1,
        quarantined: 2,
        duplicates: 1,
        dropped: 1,
        filtered: 0,
        holds: false,
      },
    ],
  },
  rules: [
    {
      step: "clean_orders",
      rule: "amount_sane",
      check: "amount < 0 | amount > 10^6",
      severity: "error",
      violations: 1234,
      threshold: undefined,
      outcome: "failed",
    },
  ],
  actions: [
    {
      name: "orders_clean",
      kind: "sink",
      path: "/out/orders_clean",
      ms: 2000,
      rows: 5,
      files: 1,
      bytes: 3000,
    },
    {
      name: "orders_delta",
      kind: "sink",
      path: "/out/orders_delta",
      ms: 1000,
      rows: 5,
      files: 1,
      bytes: 2000,
      delta: {
        version: 4,
        readVersion: undefined,
        operation: "MERGE",
        rows: { inserted: 1, updated: 2, deleted: undefined },
        operationMetrics: {},
      },
    },
  ],
  incremental: { fullRefresh: false, sources: [{ source: "orders_raw", files: ["/in/b.csv"], skipped: 1 }] },
  spark: {
    applicationId: "app-1",
    jobs: 3,
    stages: [stage(0, 0, "orders_raw: header"), stage(1, 1, "orders_clean: write", 2)],
    executors: [
      { id: "1", active: false, removeReason: "killed by test", removedAt: undefined, failedTasks: 2 },
    ],
  },
} as unknown as RunResult;

interface Table {
  headers: string[];
  rows: string[][];
}

/** Each `## title` section's table from the Markdown: headers and cell texts (code marks removed). */
function markdownTables(md: string): Map<string, Table> {
  const tables = new Map<string, Table>();
  let title = "";
  for (const line of md.split("\n")) {
    if (line.startsWith("## ")) title = line.slice(3);
    if (!line.startsWith("|") || !title) continue;
    const cells = line
      .slice(2, -2)
      .split(/ (?<!\\)\| /)
      .map((c) => c.replace(/\\\|/g, "|").replace(/^`(.*)`$/, "$1"));
    const t = tables.get(title);
    if (!t) tables.set(title, { headers: cells, rows: [] });
    else if (!/^\|(:?-+:?\|)+$/.test(line)) t.rows.push(cells);
  }
  return tables;
}

const unescapeHtml = (s: string) =>
  s.replace(/<[^>]+>/g, "").replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)));

/** Each `<h2>` section's table from the HTML: header and cell texts (tags removed, entities decoded). */
function htmlTables(html: string): Map<string, Table> {
  const tables = new Map<string, Table>();
  for (const [, h2, body] of html.matchAll(/<h2>(.*?)<\/h2>([\s\S]*?)(?=<h2>|<\/body>)/g)) {
    const table = /<table[^>]*>([\s\S]*?)<\/table>/.exec(body!)?.[1] ?? "";
    const rows = [...table.matchAll(/<tr>(.*?)<\/tr>/g)].map(([, tr]) =>
      [...tr!.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map(([, c]) => unescapeHtml(c!)),
    );
    tables.set(unescapeHtml(h2!), { headers: rows[0] ?? [], rows: rows.slice(1) });
  }
  return tables;
}

describe("report tables", () => {
  const md = markdownTables(renderMarkdown(RUN));
  const html = htmlTables(renderHtml(RUN));

  it("Markdown and HTML have the same sections, headers and cell texts", () => {
    expect([...html.keys()]).toEqual([...md.keys()]);
    expect([...md.keys()]).toEqual([
      "Nothing lost: in = out + malformed + quarantined + duplicates + dropped + filtered",
      "Inputs",
      "Steps",
      "Dataset rules",
      "Outputs",
      "Delta commits",
      "Incremental sources",
      "Spark",
    ]);
    for (const [title, table] of md) expect(html.get(title), title).toEqual(table);
  });

  it("the steps table has the dropped, filtered and warnings columns in both formats", () => {
    const steps = {
      headers: [
        "step",
        "kind",
        "in",
        "out",
        "quarantined",
        "duplicates",
        "dropped",
        "filtered",
        "warnings",
        "detail",
      ],
      rows: [
        ["clean_orders", "clean", "9", "6", "2", "1", "0", "0", "3", "positive_amount: 2; warn odd_note: 3"],
        [
          "enrich_orders",
          "enrich",
          "6",
          "5",
          "0",
          "0",
          "1",
          "0",
          "0",
          "unmatched customers: 1; dropped by customers: 1",
        ],
      ],
    };
    expect(md.get("Steps")).toEqual(steps);
    expect(html.get("Steps")).toEqual(steps);
  });

  it("cells keep their exact text: a | in a rule, a path, a broken identity, stage names", () => {
    const rules = html.get("Dataset rules")!;
    expect(rules.rows).toEqual([
      ["clean_orders", "amount_sane", "amount < 0 | amount > 10^6", "error", "1,234", "failed"],
    ]);
    expect(
      md.get("Nothing lost: in = out + malformed + quarantined + duplicates + dropped + filtered")!.rows,
    ).toEqual([
      ["orders_raw → orders_clean", "10", "5", "1", "2", "1", "1", "0", "✅ holds"],
      ["orders_raw → orders_bad", "10", "4", "1", "2", "1", "1", "0", "❌ DOES NOT HOLD"],
    ]);
    expect(md.get("Outputs")!.rows[0]).toEqual([
      "orders_clean",
      "/out/orders_clean",
      "5",
      "1",
      "2.9 KB",
      "2.0 s",
    ]);
    expect(md.get("Delta commits")!.rows).toEqual([
      ["orders_delta", "4", "(new table)", "MERGE", "1", "2", "-"],
    ]);
    expect(html.get("Spark")!.rows.map((r) => r[2])).toEqual(["orders_raw: header", "orders_clean: write"]);
  });

  it("each format marks up the same cells its own way", () => {
    const text = renderMarkdown(RUN);
    const page = renderHtml(RUN);
    expect(text).toContain(
      "| clean_orders | amount_sane | amount < 0 \\| amount > 10^6 | error | 1,234 | failed |",
    );
    expect(text).toContain("| `/out/orders_clean` |");
    expect(text).toContain("|---|---|---:|---:|---:|---:|---:|---:|---:|---|");
    expect(page).toContain("<td><code>/out/orders_clean</code></td>");
    expect(page).toContain('<td class="bad">❌ DOES NOT HOLD</td>');
    expect(page).toContain(
      'table[data-table="steps"] td:nth-child(3),table[data-table="steps"] th:nth-child(3){text-align:right}',
    );
    expect(text).toContain("- lost executors: 1 (killed by test)");
    expect(page).toContain("<li>lost executors: 1 (killed by test)</li>");
  });

  it("a run that ran again after its Spark Connect server went away says so in both formats", () => {
    const restarted = {
      ...RUN,
      restarts: [
        {
          attempt: 1,
          runId: "20261130T112152-85198785",
          error: "Cannot call methods on a stopped SparkContext.",
          waitedMs: 51_548,
        },
      ],
    } as RunResult;
    const line =
      "ran 2 times: run 1 (20261130T112152-85198785) ended when the Spark Connect server went away (Cannot call methods on a stopped SparkContext.); it answered again after 52 s";
    expect(renderMarkdown(restarted)).toContain(`\n- ${line}\n`);
    expect(renderHtml(restarted)).toContain(`<p>${line}.</p>`);
    expect(renderMarkdown(RUN)).not.toContain("ran 2 times");
  });
});
