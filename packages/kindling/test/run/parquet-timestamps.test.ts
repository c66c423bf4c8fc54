import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { SparkSession } from "../../../spark-connect/src/index.js";
import { testSession } from "../../../spark-connect/test/support/session.js";
import { folderWith, runYaml } from "./support.js";

const repoRoot = join(import.meta.dirname, "..", "..", "..", "..");
const SETUP = "bash infra/python/pyarrow.sh";

/** The python of the pinned pyarrow venv; throws (the test fails) with the set-up command if missing. */
function pyarrowPython(): string {
  const python = execFileSync("bash", [join(repoRoot, "infra/python/pyarrow.sh"), "--print"], {
    encoding: "utf8",
  }).trim();
  const works = existsSync(python) && spawnOk(python, ["-c", "import pyarrow"]);
  if (!works) throw new Error(`pyarrow is not installed for this test: run \`${SETUP}\` from the repo root`);
  return python;
}

function spawnOk(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

// Reads a Spark output folder with pyarrow (not Spark): each column's Arrow type, the rows (values
// as ISO text, ordered by the first column), and the Parquet physical types and encodings.
const READ_BACK = `
import json, sys, glob
import pyarrow.parquet as pq
folder = sys.argv[1]
table = pq.read_table(folder)
rows = sorted(table.to_pylist(), key=lambda r: str(r[table.column_names[0]]))
metas = [pq.ParquetFile(f).metadata for f in sorted(glob.glob(folder + "/*.parquet"))]
meta = next(m for m in metas if m.num_row_groups).row_group(0)  # some part files hold no rows
columns = {meta.column(i).path_in_schema: {"physical": meta.column(i).physical_type,
  "encodings": sorted(meta.column(i).encodings)} for i in range(meta.num_columns)}
print(json.dumps({
  "types": {f.name: str(f.type) for f in table.schema},
  "rows": [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()} for r in rows],
  "columns": columns,
}))
`;

interface ReadBack {
  types: Record<string, string>;
  rows: Record<string, unknown>[];
  columns: Record<string, { physical: string; encodings: string[] }>;
}

function readWithPyarrow(python: string, folder: string): ReadBack {
  return JSON.parse(execFileSync(python, ["-c", READ_BACK, folder], { encoding: "utf8" })) as ReadBack;
}

let spark: SparkSession;
let python: string;
beforeAll(async () => {
  python = pyarrowPython();
  spark = await testSession();
});

// The far ends Spark can hold, a leap day with microseconds, the epoch, and one malformed line.
const EVENTS = [
  "id,ts,d",
  "1,9999-12-31 23:59:59,9999-12-31",
  "2,1500-01-01 00:00:00,1500-01-01",
  "3,2024-02-29 12:34:56.789012,2024-02-29",
  "4,1970-01-01 00:00:00,1970-01-01",
  "5,not a time,2024-01-01",
].join("\n");

const SPEC = `
name: timestamps
spark_conf:
  spark.sql.session.timeZone: UTC
sources:
  events:
    format: csv
    path: events.csv
    schema: "id INT, ts TIMESTAMP, d DATE"
    options: { header: true }
sinks:
  events: { input: events, path: out/events }
  events_v2:
    input: events
    path: out/events_v2
    options: { parquet.writer.version: v2 }
quarantine: { path: out/quarantine }
`;

// Each test runs whole pipelines on a shared, loaded machine (load average 45 seen): generous limits.
describe("Parquet outputs read back with pyarrow", { timeout: 1_200_000 }, () => {
  it("store timestamps as TIMESTAMP_MICROS (not INT96) and every value reads back exactly", async () => {
    const dir = folderWith({ "events.csv": EVENTS });
    const run = await runYaml(spark, dir, SPEC);
    expect(run.error).toBeUndefined();
    const expectedRows = [
      { id: 1, ts: "9999-12-31T23:59:59+00:00", d: "9999-12-31" },
      { id: 2, ts: "1500-01-01T00:00:00+00:00", d: "1500-01-01" },
      { id: 3, ts: "2024-02-29T12:34:56.789012+00:00", d: "2024-02-29" },
      { id: 4, ts: "1970-01-01T00:00:00+00:00", d: "1970-01-01" },
    ];
    for (const sink of ["events", "events_v2"]) {
      const back = readWithPyarrow(python, join(dir, "out", sink));
      expect(back.types, sink).toEqual({ id: "int32", ts: "timestamp[us, tz=UTC]", d: "date32[day]" });
      expect(back.columns.ts?.physical, sink).toBe("INT64");
      expect(back.rows, sink).toEqual(expectedRows);
    }
    // The sink's writer options reach Parquet: the v2 writer delta-encodes integers, v1 does not.
    expect(readWithPyarrow(python, join(dir, "out/events")).columns.id?.encodings).not.toContain(
      "DELTA_BINARY_PACKED",
    );
    expect(readWithPyarrow(python, join(dir, "out/events_v2")).columns.id?.encodings).toContain(
      "DELTA_BINARY_PACKED",
    );
    const quarantine = readWithPyarrow(python, join(dir, "out/quarantine"));
    expect(quarantine.rows).toEqual([
      {
        source: "events",
        step: "source:events",
        rule: "malformed",
        record: "5,not a time,2024-01-01",
        file: expect.stringMatching(/events\.csv$/),
      },
    ]);
    expect(run.counts!.sources.events).toEqual({ rows: 5, malformed: 1 });
  });
});
