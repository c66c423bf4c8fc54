import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LocalServer, SparkSession, startLocalServer } from "@kindling/spark-connect";
import { inject } from "vitest";
import { DELTA_ADD_ON, deltaSparkConf } from "../../src/delta/server.js";

/**
 * A Spark Connect server with Delta for a test file: the suite's shared server when it already has
 * Delta's extension, otherwise one started (and owned) here. `stop()` stops only what it started.
 */
export async function deltaServer(): Promise<{
  remote: string;
  server?: LocalServer;
  stop(): Promise<void>;
}> {
  const shared = inject("sparkRemote");
  if (shared) {
    const probe = await SparkSession.builder().remote(shared).getOrCreate();
    const ext = await probe.conf.get("spark.sql.extensions").catch(() => "");
    await probe.stop();
    if (String(ext).includes("DeltaSparkSessionExtension")) return { remote: shared, stop: async () => {} };
  }
  const server = await startDeltaTestServer();
  return { remote: server.url, server, stop: () => server.stop() };
}

/** A local Delta-enabled server like the suite's (2 cores, 4 shuffle partitions, ANSI). */
export function startDeltaTestServer(): Promise<LocalServer> {
  return startLocalServer({
    master: "local[2]",
    driverMemory: "2g",
    addOns: [DELTA_ADD_ON],
    conf: {
      ...deltaSparkConf(),
      "spark.sql.shuffle.partitions": "4",
      "spark.sql.ansi.enabled": "true",
      // Delta rebuilds a table's state from its log in 50 tasks by default: minutes of a busy
      // 2-core machine for tables of a few rows. Two are plenty here.
      "spark.databricks.delta.snapshotPartitions": "2",
    },
    onProgress: (l) => process.stderr.write(`${l}\n`),
    startTimeoutMs: 400_000,
  });
}

/** A fresh folder for one test file. */
export function scratch(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `kindling-${prefix}-`));
}

/** Writes a CSV file with a header line (and the folder it goes in). */
export function writeCsv(path: string, header: string, rows: string[]): string {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, `${[header, ...rows].join("\n")}\n`);
  return path;
}

/** Writes a spec (JSON is YAML) and returns its path. */
export function writeSpec(dir: string, name: string, spec: object): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, JSON.stringify(spec, null, 2));
  return file;
}

/** The rows of a Delta table (current version or `version`), as sorted comparable strings. */
export async function tableRows(spark: SparkSession, path: string, version?: number): Promise<string[]> {
  let r = spark.read.format("delta");
  if (version !== undefined) r = r.option("versionAsOf", version);
  return canonicalRows(await r.load(path).collect());
}

/**
 * Each row as one `a|b|c` line (columns in name order), sorted: numbers and decimals as plain
 * text, dates as yyyy-mm-dd, timestamps as ISO instants, null as ∅. Two readers that agree on a table give equal lists.
 */
export function canonicalRows(rows: Record<string, unknown>[]): string[] {
  const value = (v: unknown) =>
    v === null || v === undefined ? "∅" : v instanceof Date ? isoDateOrInstant(v) : String(v);
  return rows
    .map((r) =>
      Object.keys(r)
        .sort()
        .map((k) => value(r[k]))
        .join("|"),
    )
    .sort();
}

function isoDateOrInstant(d: Date): string {
  const iso = d.toISOString();
  return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso;
}

/** The script that sets up the non-Spark reader (the `deltalake` Python package in a venv). */
export const READER_SETUP = "bash infra/delta/reader.sh";

/**
 * A Delta table's rows as delta-rs (the `deltalake` Python package) reads them, canonical like
 * {@link canonicalRows}. Throws, naming the set-up command, when the reader's venv is missing: a
 * test that compares readers must fail then, not skip.
 */
export function rowsReadByDeltaRs(path: string, version?: number): string[] {
  const root = join(import.meta.dirname, "..", "..", "..", "..");
  const probe = spawnSync("bash", [join(root, "infra", "delta", "reader.sh"), "--print"], {
    encoding: "utf8",
  });
  const python = probe.stdout.trim();
  if (probe.status !== 0 || !python)
    throw new Error(
      `The non-Spark Delta reader is not set up. Run \`${READER_SETUP}\` once (a venv with deltalake under ~/.cache/kindling).`,
    );
  const args = [
    join(root, "infra", "delta", "read_table.py"),
    path,
    ...(version === undefined ? [] : [String(version)]),
  ];
  const read = () => spawnSync(python, args, { encoding: "utf8", timeout: 120_000 });
  // One retry: the reader's native runtime aborted once in a full run ("terminate called without
  // an active exception"); a second failure is reported.
  let r = read();
  if (r.status !== 0) r = read();
  if (r.status !== 0) throw new Error(`deltalake could not read ${path}: ${r.stderr.slice(-2000)}`);
  return canonicalRows(JSON.parse(r.stdout) as Record<string, unknown>[]);
}
