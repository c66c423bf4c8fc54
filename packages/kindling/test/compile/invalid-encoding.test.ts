/**
 * Issue 15 item 6: bytes that are not valid UTF-8 in a source read as UTF-8 are detected, and the
 * source's `invalid_encoding` policy decides: quarantine (default; raw bytes hex-escaped), fail
 * (file and line named), or replace (U+FFFD). Messages escape non-printable bytes and cut long
 * values. Input files are made here; rows and counts are exact.
 */
import type { SparkSession } from "@kindling/spark-connect";
import { beforeAll, describe, expect, it } from "vitest";
import { testSession } from "../../../spark-connect/test/support/session.js";
import { displayValue } from "../../src/display.js";
import { inputDir, runOneSource, writeInputs } from "./support.js";

let spark: SparkSession;
beforeAll(async () => {
  spark = await testSession();
});

const latin1Line = Buffer.concat([
  Buffer.from("id,name\n2,ok\n1,caf"),
  Buffer.from([0xe9]),
  Buffer.from("\n3,na\u00efve\n"),
]);

const csv = (path: string, policy = "") => `
format: csv
path: ${path}
options: { header: true }
schema: "id INT, name STRING"
${policy}`;

describe("display of data values in messages (pure)", () => {
  it("escapes control bytes and escape sequences, and cuts long values", () => {
    expect(displayValue("a\u001b[31mred\u0000\n")).toBe("a\\x1b[31mred\\x00\\n");
    expect(displayValue("caf\uFFFD")).toBe("caf\\u{fffd}");
    expect(displayValue(Buffer.from([0x63, 0xe9, 0x5c]))).toBe("c\\xe9\\\\");
    expect(displayValue("x".repeat(500), 10)).toBe("xxxxxxxxxx… (490 more characters)");
  });
});

describe("invalid UTF-8 in a source read as UTF-8", () => {
  it("quarantine (default): the record is malformed with its bytes hex-escaped; valid files and rows pass", async () => {
    const dir = inputDir("enc-q");
    const data = writeInputs(dir, { "a.csv": latin1Line, "b.csv": "id,name\n4,\u00e9t\u00e9\n" });
    const r = await runOneSource(spark, dir, csv(`${data}/*.csv`));
    expect(r.error).toBeUndefined();
    expect(r.rows).toEqual([
      JSON.stringify([2, "ok"]),
      JSON.stringify([3, "na\u00efve"]),
      JSON.stringify([4, "\u00e9t\u00e9"]),
    ]);
    expect(r.quarantined).toEqual([["malformed", '{"id":1,"name":"caf\\xe9"}']]);
    expect(r.result!.counts!.sources.s).toEqual({ rows: 4, malformed: 1 });
    expect(r.result!.counts!.reconciliations[0]!.holds).toBe(true);
  });

  it("fail: the run stops naming the file, the line and the bytes", async () => {
    const dir = inputDir("enc-fail");
    const data = writeInputs(dir, { "a.csv": latin1Line });
    const r = await runOneSource(spark, dir, csv(`${data}/a.csv`, "invalid_encoding: fail"));
    expect(r.error).toContain(
      `source s: 1 line is not valid UTF-8 in 1 file (first: file://${data}/a.csv line 3: 1,caf\\xe9).`,
    );
    expect(r.error).toContain("options.encoding");
  });

  it("replace: Spark's decoding, U+FFFD in the value", async () => {
    const dir = inputDir("enc-replace");
    const data = writeInputs(dir, { "a.csv": latin1Line });
    const r = await runOneSource(spark, dir, csv(`${data}/a.csv`, "invalid_encoding: replace"));
    expect(r.error).toBeUndefined();
    expect(r.rows).toEqual([
      JSON.stringify([1, "caf\uFFFD"]),
      JSON.stringify([2, "ok"]),
      JSON.stringify([3, "na\u00efve"]),
    ]);
    expect(r.quarantined).toEqual([]);
  });

  it("JSON lines: the malformed record keeps its raw bytes hex-escaped", async () => {
    const dir = inputDir("enc-json");
    const data = writeInputs(dir, {
      "a.jsonl": Buffer.concat([
        Buffer.from('{"id":1,"s":"caf'),
        Buffer.from([0xe9]),
        Buffer.from('"}\n{"id":2,"s":"ok"}\n'),
      ]),
    });
    const r = await runOneSource(
      spark,
      dir,
      `format: jsonl\npath: ${data}/a.jsonl\nschema: "id INT, s STRING"`,
    );
    expect(r.error).toBeUndefined();
    expect(r.rows).toEqual([JSON.stringify([2, "ok"])]);
    expect(r.quarantined).toEqual([["malformed", '{"id":1,"s":"caf\\xe9"}']]);
    expect(r.result!.counts!.sources.s).toEqual({ rows: 2, malformed: 1 });
  });

  it("a binary file named .csv: the message escapes its bytes and stays short", async () => {
    const dir = inputDir("enc-binary");
    const bytes = Buffer.alloc(20_000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 131 + 7) % 256;
    bytes.write("\u001b[2J\u001b[31m", 0, "latin1");
    const data = writeInputs(dir, { "image.csv": bytes });
    const r = await runOneSource(
      spark,
      dir,
      `format: csv\npath: ${data}/image.csv\nschema: "a STRING"\ninvalid_encoding: fail`,
    );
    expect(r.error).toMatch(
      /source s: \d+ lines are not valid UTF-8 in 1 file \(first: file:\/\/.*image\.csv line \d+: /,
    );
    expect(r.error).not.toMatch(/[\p{Cc}\uFFFD]/u);
    expect(r.error!.length).toBeLessThan(800);
  });
});
