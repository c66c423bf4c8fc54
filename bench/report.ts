/**
 * Writes bench/README.md and bench/results/latest.svg from one benchmark record. The README's
 * hand-written notes (between the `notes:start` / `notes:end` markers) are kept as they are.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { CaseResult } from "./client.js";
import type { ComparedResult } from "./compare.js";

/** What run.ts appends to bench/results/ (one JSON file per run). */
export interface BenchRecord {
  date: string;
  command: string;
  machine: Record<string, string | number | undefined>;
  versions: Record<string, string>;
  results: (CaseResult | ComparedResult)[];
}

const NOTES_START = "<!-- notes:start -->";
const NOTES_END = "<!-- notes:end -->";

const fmt = (ms: number) =>
  ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(ms < 100 ? 1 : 0)} ms`;

function isCompared(r: CaseResult | ComparedResult): r is ComparedResult {
  return "key" in r;
}

/** The markdown table of medians and ratios, padded the way Biome formats markdown tables. */
export function resultsTable(record: BenchRecord): string {
  const head = ["case", "Kindling median", "PySpark median", "Kindling/PySpark", "target", "runs (K/P)"];
  const rows: string[][] = [];
  for (const r of record.results) {
    const c = isCompared(r) ? r : undefined;
    const ratio = c?.ratio !== undefined ? `${c.ratio.toFixed(2)}×` : "–";
    const target =
      c?.target !== undefined
        ? `≤ ${c.target}×${c.ratio === undefined ? "" : c.ratio <= c.target ? " met" : " **missed**"}`
        : "";
    const extra = r.extra?.peakRssMB !== undefined ? ` (peak RSS ${r.extra.peakRssMB} MB)` : "";
    rows.push([
      r.name,
      `${fmt(r.median)}${extra}`,
      c?.pyspark ? fmt(c.pyspark.median) : "–",
      ratio,
      target,
      `${r.runs.length}/${c?.pyspark?.runs.length ?? 0}`,
    ]);
  }
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((x, i) => (i === 0 ? x.padEnd(width[i]!) : x.padStart(width[i]!))).join(" | ")} |`;
  const rule = `| ${width.map((w, i) => (i === 0 ? "-".repeat(w) : `${"-".repeat(w - 1)}:`)).join(" | ")} |`;
  return [line(head), rule, ...rows.map(line)].join("\n");
}

/** Throughput and memory of the pipeline cases (from each result's `extra`), or "" if none ran. */
export function pipelineTable(record: BenchRecord): string {
  const rows = record.results
    .filter((r) => r.extra?.inputMB !== undefined)
    .map((r) => {
      const e = r.extra as Record<string, number | undefined>;
      const num = (v: number | undefined) => (v === undefined ? "–" : String(v));
      const ratio = (v: number | undefined) => (v === undefined ? "–" : `${v.toFixed(2)}×`);
      return [
        r.name,
        num(e.inputMB),
        ratio(e.ratioToFloor),
        ratio(e.ratioToSql),
        num(e.sparkJobs),
        num(e.roundTrips),
        num(e.kindlingMBPerSecPerCore ?? e.mbPerSecPerCore),
        num(e.pysparkMBPerSecPerCore),
        num(e.nodePeakRssMB),
        num(e.jvmPeakRssMB),
      ];
    });
  if (!rows.length) return "";
  const head = [
    "pipeline case",
    "raw input MB",
    "Kindling/floor",
    "Kindling/hand-written",
    "Spark jobs",
    "round trips",
    "Kindling MB/s per core",
    "PySpark MB/s per core",
    "Node peak RSS MB",
    "JVM peak RSS MB",
  ];
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((x, i) => (i === 0 ? x.padEnd(width[i]!) : x.padStart(width[i]!))).join(" | ")} |`;
  const rule = `| ${width.map((w, i) => (i === 0 ? "-".repeat(w) : `${"-".repeat(w - 1)}:`)).join(" | ")} |`;
  return `\n\n${[line(head), rule, ...rows.map(line)].join("\n")}\n\nRatios are medians of wall time over the Spark floor (read the orders CSV, write Parquet) and over\nthe same job hand-written in Spark SQL, all three alternating on one server. Spark jobs and round\ntrips (gRPC calls) are one Kindling run's, from its report.json.\n\nPeak RSS figures are the whole bench process's and the server JVM's highest so far (VmHWM),\nso they include the client cases run before the pipeline (the 10M-row \`collect()\` above all).`;
}

/** A small horizontal bar chart of the ratios, with each target marked. */
export function ratioChart(record: BenchRecord): string {
  const rows = record.results.filter((r): r is ComparedResult => isCompared(r) && r.ratio !== undefined);
  const w = 640;
  const left = 230;
  const barH = 18;
  const gap = 8;
  const top = 30;
  const h = top + rows.length * (barH + gap) + 30;
  const max = Math.max(2, ...rows.map((r) => r.ratio!), ...rows.map((r) => r.target ?? 0)) * 1.05;
  const x = (v: number) => left + (v / max) * (w - left - 20);
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="11">`,
    `<rect width="${w}" height="${h}" fill="white"/>`,
    `<text x="${left}" y="16" font-size="12">Kindling / PySpark, median wall time (lower is better; | = target)</text>`,
  ];
  rows.forEach((r, i) => {
    const y = top + i * (barH + gap);
    const ok = r.target === undefined || r.ratio! <= r.target;
    parts.push(
      `<text x="${left - 6}" y="${y + 13}" text-anchor="end">${esc(r.name.length > 38 ? `${r.name.slice(0, 37)}…` : r.name)}</text>`,
      `<rect x="${left}" y="${y}" width="${(x(r.ratio!) - left).toFixed(1)}" height="${barH}" fill="${ok ? "#3a7d44" : "#c0392b"}"/>`,
      `<text x="${(x(r.ratio!) + 4).toFixed(1)}" y="${y + 13}">${r.ratio!.toFixed(2)}×</text>`,
    );
    if (r.target !== undefined)
      parts.push(
        `<line x1="${x(r.target).toFixed(1)}" x2="${x(r.target).toFixed(1)}" y1="${y - 2}" y2="${y + barH + 2}" stroke="black" stroke-width="2"/>`,
      );
  });
  const yb = top + rows.length * (barH + gap) + 4;
  parts.push(
    `<line x1="${x(1).toFixed(1)}" x2="${x(1).toFixed(1)}" y1="${top - 4}" y2="${yb}" stroke="#888" stroke-dasharray="3,3"/>`,
    `<text x="${x(1).toFixed(1)}" y="${yb + 14}" text-anchor="middle">1.0× (parity)</text>`,
    "</svg>",
  );
  return `${parts.join("\n")}\n`;
}

/**
 * Regenerates `readmePath` (keeping its notes) and writes the chart to `svgPath` when the record
 * compared Kindling with PySpark; a record without PySpark leaves the previous chart in place.
 */
export function writeReport(
  record: BenchRecord,
  readmePath: string,
  svgPath: string,
  resultFile: string,
): void {
  if (record.results.some((r) => isCompared(r) && r.ratio !== undefined))
    writeFileSync(svgPath, ratioChart(record));
  const old = existsSync(readmePath) ? readFileSync(readmePath, "utf8") : "";
  const a = old.indexOf(NOTES_START);
  const b = old.indexOf(NOTES_END);
  const notes = a >= 0 && b > a ? old.slice(a + NOTES_START.length, b).trim() : "_No notes yet._";
  const m = record.machine;
  const v = record.versions;
  const readme = `# Kindling benchmarks

\`npm run bench\` runs every case below against one local Spark Connect server and, when the
PySpark side is available (\`bench/pyspark/setup.sh\` makes a private venv with pyspark-client at
the pinned Spark version), runs PySpark's own Connect client on the same server, alternating the
two clients run by run. Each run appends a JSON record to \`bench/results/\` and rewrites this
file and \`results/latest.svg\`. No timing is asserted anywhere.

Environment: \`BENCH_CASES\` (default \`client,pipeline,pyspark\`; drop \`pyspark\` for Kindling
only; add \`incremental\` for the incremental-run case of \`bench/incremental.ts\`), \`BENCH_RUNS\` (5), \`BENCH_BIG_RUNS\` (3, the 10M-row cases), \`BENCH_BIG_ROWS\`
(10000000), \`BENCH_PIPELINE_SIZE\` (\`10MB,1GB,5GB\`: comma-separated input sizes, each generated once
under \`data/bench-<size>\`; on 2 cores the 5 GB rounds take hours), \`BENCH_PIPELINE_RUNS\` (5),
\`BENCH_PIPELINE_WARMUP\` (1 discarded round per client before them). \`BENCH_ONLY\` (e.g.
\`arrow1M,select1\`) runs only the named client cases. \`KINDLING_DRIVER_MEMORY\` (6g) sizes the
server's driver.

## Latest run

${record.date} — \`${record.command}\`<br>
Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, load average at start ${m.loadAtStart}.
Versions: Spark ${v.spark}, Node ${v.node}, ${v.pysparkClient ?? "PySpark not run"}${v.pyarrow ? `, pyarrow ${v.pyarrow}, Python ${v.python}` : ""}.
Raw runs: \`${resultFile}\`.

${resultsTable(record)}${pipelineTable(record)}

![Kindling/PySpark ratios of the last run that compared the two clients](results/latest.svg)

## Notes

${NOTES_START}
${notes}
${NOTES_END}
`;
  writeFileSync(readmePath, readme);
}
