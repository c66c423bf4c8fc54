/**
 * Issue 14 items 1 and 2: a CSV header is found the way Spark reads the data (empty files, encoding,
 * codecs by extension, BOM, sep/quote, multi-line quoted names, any length), and repeated header
 * names / `enforceSchema: true` are handled. Input files are made here; rows and counts are exact.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { deflateSync, gzipSync } from "node:zlib";
import type { SparkSession } from "@kindling/spark-connect";
import { beforeAll, describe, expect, it } from "vitest";
import { testSession } from "../../../spark-connect/test/support/session.js";
import {
  csvFirstRecord,
  plainLocalHeader,
  repeatedNames,
  safeHeaderNames,
} from "../../src/compile/csv-header.js";
import { csvHeaderDrift } from "../../src/compile/drift.js";
import { inputDir, runOneSource, writeInputs } from "./support.js";

let spark: SparkSession;
beforeAll(async () => {
  spark = await testSession();
});

/** Compresses with a command-line tool (bzip2, zstd), or undefined when it is not installed. */
function compressWith(tool: string, text: string): Buffer | undefined {
  const r = spawnSync(tool, ["-c"], { input: text });
  return r.status === 0 ? r.stdout : undefined;
}

const SKU = (source: string) => `
format: csv
path: ${source}
options: { header: true }
schema: [{ name: sku, type: string }, { name: qty, type: int }]
`;

describe("CSV header naming (pure)", () => {
  it("repeated names are found ignoring case, with 1-based positions; safe names follow Spark", () => {
    const h = ["id", "name", "Name", "amount", "amount", ""];
    expect(repeatedNames(h)).toEqual([
      { name: "name", positions: [2, 3] },
      { name: "amount", positions: [4, 5] },
    ]);
    expect(safeHeaderNames(h)).toEqual(["id", "name1", "Name2", "amount3", "amount4", "_c5"]);
  });

  it("by position (enforceSchema: true) only a different column count is drift", () => {
    const declared = ["id", "login", "full_name", "amount_a", "amount_b"];
    expect(csvHeaderDrift(["id", "name", "Name", "amount", "amount"], declared, true)).toEqual({
      columns: declared,
      added: [],
      missing: [],
      reordered: false,
    });
    expect(csvHeaderDrift(["a", "b", "c", "d", "e", "id"], declared, true)).toMatchObject({
      added: ["id5"],
      missing: [],
    });
    expect(csvHeaderDrift(["a", "b", "c"], declared, true)).toMatchObject({
      added: [],
      missing: ["amount_a", "amount_b"],
    });
  });

  it("by name, header names match declared ones ignoring case and take the declared spelling", () => {
    expect(csvHeaderDrift(["SKU", "Qty"], ["sku", "qty"], false)).toEqual({
      columns: ["sku", "qty"],
      added: [],
      missing: [],
      reordered: false,
    });
  });
});

describe("reading CSV headers for the drift check", () => {
  it("a plain local header is read directly only where Spark reads the same names", async () => {
    const dir = inputDir("plain");
    const plain: [string, string, Record<string, string>][] = [
      ["a.csv", "a,b,c\n1,2,3\n", {}],
      ["b.csv", " a , b ,\n1,2,3\n", {}],
      ["c.csv", "Munic\u00edpio;\u00e7a\r\n1;2\r\n", { sep: ";", multiLine: "true" }],
      ["d", "x|y||z\n", { delimiter: "|" }],
    ];
    const declined: [string, string | Buffer, Record<string, string>][] = [
      ["q.csv", '"a,b",c\n', {}],
      ["bom.csv", "\uFEFFa,b\n", {}],
      ["e.csv", "a\\,b\n", {}],
      ["g.csv.gz", gzipSync("a,b\n"), {}],
      ["c2.csv", "#c\na,b\n", { comment: "#" }],
      ["l.csv", Buffer.from("\u00e9,b\n", "latin1"), { encoding: "ISO-8859-1" }],
      ["cr.csv", "a,b\rc,d\r", {}],
      ["blank.csv", "\na,b\n", {}],
    ];
    const data = writeInputs(dir, Object.fromEntries([...plain, ...declined].map(([f, body]) => [f, body])));
    for (const [f, , options] of plain) {
      const viaSpark = await csvFirstRecord(spark, `file://${join(data, f)}`, options);
      expect(plainLocalHeader(join(data, f), options), f).toEqual(viaSpark!.map((x) => x ?? ""));
    }
    for (const [f, , options] of declined)
      expect(plainLocalHeader(join(data, f), options), f).toBeUndefined();
  });

  it("a glob over a data file, a header-only file, a 0-byte file and every codec Spark reads by extension", async () => {
    const dir = inputDir("codecs");
    const text = (rows: string) => `sku,qty\n${rows}`;
    const files: Record<string, string | Buffer> = {
      "part-01.csv": text("A,1\nB,2\n"),
      "part-02.csv": text(""),
      "part-03.csv": "",
      "part-04.csv.gz": gzipSync(text("C,3\n")),
      "part-05.csv.deflate": deflateSync(text("D,4\n")),
      "part-06.csv.gz": gzipSync(""),
    };
    const bz2 = compressWith("bzip2", text("E,5\n"));
    if (bz2) files["part-07.csv.bz2"] = bz2;
    const zst = compressWith("zstd", text("F,6\n"));
    if (zst) files["part-08.csv.zst"] = zst;
    const data = writeInputs(dir, files);
    const r = await runOneSource(spark, dir, SKU(`${data}/part-*`));
    expect(r.error).toBeUndefined();
    const expected = [
      ["A", 1],
      ["B", 2],
      ["C", 3],
      ["D", 4],
      ...(bz2 ? [["E", 5]] : []),
      ...(zst ? [["F", 6]] : []),
    ].map((x) => JSON.stringify(x));
    expect(r.rows).toEqual(expected);
    expect(r.columns).toEqual(["sku", "qty"]);
    expect(r.result!.counts!.sources.s).toEqual({ rows: expected.length, malformed: 0 });
    expect(r.result!.inputs[0]!.drift).toBeUndefined();
    // Both are installed on the project's machines; without them the case above is weaker.
    expect(Boolean(bz2 && zst)).toBe(true);
  });

  it("a Latin-1 file with `encoding: ISO-8859-1` has no false drift and keeps its accents", async () => {
    const dir = inputDir("latin1");
    const data = writeInputs(dir, {
      "communes.csv": Buffer.from("Município,Code région,população\nSão Paulo,Île,12325232\n", "latin1"),
    });
    const r = await runOneSource(
      spark,
      dir,
      `
format: csv
path: ${data}/communes.csv
options: { header: true, encoding: ISO-8859-1 }
schema: [{ name: Município, type: string }, { name: Code région, type: string }, { name: população, type: bigint }]
`,
    );
    expect(r.error).toBeUndefined();
    expect(r.columns).toEqual(["Município", "Code région", "população"]);
    expect(r.rows).toEqual([JSON.stringify(["São Paulo", "Île", "12325232n"])]);
  });

  it("BOM, sep, quote and a multi-line quoted header name are read as Spark reads them", async () => {
    const dir = inputDir("dialect");
    const data = writeInputs(dir, {
      "a.csv": `\uFEFFsku;'pack\nqty';'note;x'\nA;2;'x;y'\n`,
    });
    const r = await runOneSource(
      spark,
      dir,
      `
format: csv
path: ${data}/a.csv
options: { header: true, sep: ";", quote: "'", multiLine: true }
schema: "sku STRING, \`pack\\nqty\` INT, \`note;x\` STRING"
`,
    );
    expect(r.error).toBeUndefined();
    expect(r.columns).toEqual(["sku", "pack\nqty", "note;x"]);
    expect(r.rows).toEqual([JSON.stringify(["A", 2, "x;y"])]);
  });

  it("a header longer than 64 KiB is read whole; real drift is still found, and the message cuts the long name", async () => {
    const dir = inputDir("long");
    const long = "x".repeat(70_000);
    const data = writeInputs(dir, { "a.csv": `sku,${long},qty\nA,v,1\n`, "b.csv": "sku,qty\nB,2\n" });
    const failed = await runOneSource(spark, dir, SKU(`${data}/*.csv`));
    expect(failed.error).toContain(`${data}/a.csv: added xxxxxxxx`);
    expect(failed.error).not.toContain("b.csv");
    expect(failed.error!.length).toBeLessThan(2_000);
    const accepted = await runOneSource(spark, dir, `${SKU(`${data}/*.csv`)}\ndrift: accept`);
    expect(accepted.error).toBeUndefined();
    expect(accepted.columns).toEqual(["sku", "qty", long]);
    expect(accepted.rows).toEqual([JSON.stringify(["A", 1, "v"]), JSON.stringify(["B", 2, null])]);
  });
});

describe("repeated header names and enforceSchema", () => {
  const header = "id,name,Name,amount,amount\n1,ann,Ann Lee,10,20\n2,bob,Bob Ray,30,40\n";

  it("enforceSchema: true applies the declared schema by position", async () => {
    const dir = inputDir("enforce");
    const data = writeInputs(dir, { "a.csv": header });
    const r = await runOneSource(
      spark,
      dir,
      `
format: csv
path: ${data}/a.csv
options: { header: true, enforceSchema: true }
schema: "id INT, login STRING, full_name STRING, amount_a INT, amount_b INT"
`,
    );
    expect(r.error).toBeUndefined();
    expect(r.columns).toEqual(["id", "login", "full_name", "amount_a", "amount_b"]);
    expect(r.rows).toEqual([
      JSON.stringify([1, "ann", "Ann Lee", 10, 20]),
      JSON.stringify([2, "bob", "Bob Ray", 30, 40]),
    ]);
    expect(r.result!.counts!.sources.s).toEqual({ rows: 2, malformed: 0 });
  });

  it("by name, drift says which positions repeat; drift: accept keeps every value under Spark's safe names", async () => {
    const dir = inputDir("repeat");
    const data = writeInputs(dir, { "a.csv": header });
    const source = `
format: csv
path: ${data}/a.csv
options: { header: true }
schema: "id INT, name STRING, amount INT"
`;
    const failed = await runOneSource(spark, dir, source);
    expect(failed.error).toContain("name repeated at columns 2, 3");
    expect(failed.error).toContain("amount repeated at columns 4, 5");
    expect(failed.error).toContain("enforceSchema: true");
    const accepted = await runOneSource(spark, dir, `${source}\ndrift: accept`);
    expect(accepted.error).toBeUndefined();
    expect(accepted.columns).toEqual(["id", "name", "amount", "name1", "Name2", "amount3", "amount4"]);
    expect(accepted.rows).toEqual([
      JSON.stringify([1, null, null, "ann", "Ann Lee", "10", "20"]),
      JSON.stringify([2, null, null, "bob", "Bob Ray", "30", "40"]),
    ]);
  });
});
