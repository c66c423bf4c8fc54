/** Pure logic: URL parsing, decimal text, literals. No server needed. */
import { describe, expect, it } from "vitest";
import { decimalToString } from "../src/arrow/decode.js";
import { oneParagraph } from "../src/client/errors.js";
import { Decimal, parseConnectUrl } from "../src/index.js";
import { isQuery } from "../src/session.js";

describe("parseConnectUrl", () => {
  it("reads host, port and every standard parameter", () => {
    const s = parseConnectUrl(
      "sc://spark.example:443/;token=abc%3D;user_id=ann;use_ssl=true;session_id=123e4567-e89b-12d3-a456-426614174000;x-extra=1",
    );
    expect(s).toMatchObject({
      host: "spark.example",
      port: 443,
      token: "abc=",
      userId: "ann",
      useSsl: true,
      sessionId: "123e4567-e89b-12d3-a456-426614174000",
      headers: { "x-extra": "1" },
    });
  });
  it("defaults the port to 15002 and accepts IPv6 hosts", () => {
    expect(parseConnectUrl("sc://localhost").port).toBe(15002);
    expect(parseConnectUrl("sc://[::1]:1234/").host).toBe("::1");
  });
  it("rejects malformed URLs with the reason", () => {
    expect(() => parseConnectUrl("http://x")).toThrow(/must start with sc:\/\//);
    expect(() => parseConnectUrl("sc://h:1/;token")).toThrow(/not key=value/);
    expect(() => parseConnectUrl("sc://h:1/path")).toThrow(/path must be empty/);
  });
});

describe("decimalToString", () => {
  const words = (v: bigint) => {
    const out = new Uint32Array(4);
    let x = BigInt.asUintN(128, v);
    for (let i = 0; i < 4; i++) {
      out[i] = Number(x & 0xffffffffn);
      x >>= 32n;
    }
    return out;
  };
  it.each([
    [1230n, 2, "12.30"],
    [-5n, 2, "-0.05"],
    [0n, 3, "0.000"],
    [9007199254740993n, 0, "9007199254740993"],
    [-(10n ** 38n - 1n), 0, "-99999999999999999999999999999999999999"],
    [12345678901234567890123456789012345678n, 6, "12345678901234567890123456789012.345678"],
  ])("%s scale %s → %s", (v, scale, text) => {
    expect(decimalToString(words(v), 0, 4, scale)).toBe(text);
  });
});

describe("Decimal literal", () => {
  it("computes precision and scale from the text", () => {
    expect(new Decimal("12.340")).toMatchObject({ value: "12.340", precision: 5, scale: 3 });
    expect(new Decimal("-0.5")).toMatchObject({ value: "-0.5", precision: 1, scale: 1 });
    expect(() => new Decimal("1e5")).toThrow(/not a decimal/);
  });
});

describe("oneParagraph", () => {
  it("drops the plan Spark appends and leading blank lines", () => {
    expect(oneParagraph("\n[X] bad thing. SQLSTATE: 1;\n'Project [a]\n+- Range")).toBe(
      "[X] bad thing. SQLSTATE: 1",
    );
  });
});

describe("isQuery", () => {
  it("recognises read-only statements (run lazily) and leaves commands eager", () => {
    for (const q of [
      "SELECT 1",
      "  with t as (select 1) select * from t",
      "-- c\nVALUES (1)",
      "/* x */ FROM t SELECT *",
      "(SELECT 1)",
      "TABLE t",
    ]) {
      expect(isQuery(q), q).toBe(true);
    }
    for (const q of [
      "CREATE TEMP VIEW v AS SELECT 1",
      "INSERT INTO t SELECT 1",
      "SET x=1",
      "SELEC 1",
      "DROP TABLE t",
      "SHOW TABLES",
    ]) {
      expect(isQuery(q), q).toBe(false);
    }
  });
});
