/** Pure logic: URL parsing, decimal text, literals, exact time arithmetic, row names, the local server's collector. No server needed. */
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { decimalToString } from "../src/arrow/decode.js";
import { isPlainRecord, rowFactory, uniqueNames } from "../src/arrow/rows.js";
import {
  floorDiv,
  intervalAt,
  microsToDate,
  microsToMillis,
  timestampReader,
} from "../src/arrow/temporal.js";
import { causeChain, oneParagraph, rootCauseOf, toSparkError } from "../src/client/errors.js";
import { oneLine } from "../src/errors.js";
import { FetchErrorDetailsResponseSchema } from "../src/gen/spark/connect/base_pb.js";
import { Join_JoinType } from "../src/gen/spark/connect/relations_pb.js";
import { Decimal, functions as F, parseConnectUrl, SparkConnectError } from "../src/index.js";
import { collectorOption } from "../src/local/server.js";
import { joinTypeOf } from "../src/plan/relations.js";
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

describe("exact timestamps", () => {
  const us = (iso: string, micros: number) => BigInt(Date.parse(iso)) * 1000n + BigInt(micros);
  it.each([
    ["9999-12-31T23:59:59.999Z", 999, "9999-12-31T23:59:59.999Z"],
    ["2300-01-01T00:00:00.999Z", 999, "2300-01-01T00:00:00.999Z"],
    ["1600-01-01T00:00:00.000Z", 999, "1600-01-01T00:00:00.000Z"],
    ["0001-01-01T00:00:00.000Z", 0, "0001-01-01T00:00:00.000Z"],
    ["0001-01-01T00:00:00.000Z", 1, "0001-01-01T00:00:00.000Z"],
    ["1969-12-31T23:59:59.999Z", 999, "1969-12-31T23:59:59.999Z"],
    ["1970-01-01T00:00:00.000Z", 0, "1970-01-01T00:00:00.000Z"],
    ["1970-01-01T00:00:00.000Z", 999, "1970-01-01T00:00:00.000Z"],
  ])("%s + %d µs truncates to %s", (iso, micros, expected) => {
    expect(microsToDate(us(iso, micros)).toISOString()).toBe(expected);
  });

  it("floors instead of truncating towards zero, on both sides of 2^53", () => {
    expect(microsToMillis(-1n)).toBe(-1);
    expect(microsToMillis(-1000n)).toBe(-1);
    expect(microsToMillis(-1001n)).toBe(-2);
    expect(microsToMillis(9007199254740993n)).toBe(9007199254740);
    expect(microsToMillis(-9007199254740993n)).toBe(-9007199254741);
    expect(floorDiv(-7n, 2n)).toBe(-4n);
    expect(floorDiv(7n, 2n)).toBe(3n);
  });

  it("reads a column exactly on both sides of 2^53, and exact microseconds when asked, for every unit", () => {
    const col = new BigInt64Array([
      us("9999-12-31T23:59:59.999Z", 999),
      us("1600-01-01T00:00:00.000Z", 999),
      us("2255-06-05T23:47:34.740Z", 991), // 2^53 - 1 µs
      us("1684-07-28T00:12:25.259Z", 8), // -(2^53) µs
      -1n,
      us("2255-06-05T23:47:34.740Z", 993), // 2^53 + 1 µs: past the fast path
    ]);
    expect([col[2], col[3], col[5]]).toEqual([2n ** 53n - 1n, -(2n ** 53n), 2n ** 53n + 1n]);
    const dates = [0, 1, 2, 3, 4, 5].map((i) => (timestampReader(col, 2)(i) as Date).toISOString());
    expect(dates).toEqual([
      "9999-12-31T23:59:59.999Z",
      "1600-01-01T00:00:00.000Z",
      "2255-06-05T23:47:34.740Z",
      "1684-07-28T00:12:25.259Z",
      "1969-12-31T23:59:59.999Z",
      "2255-06-05T23:47:34.740Z",
    ]);
    expect(timestampReader(col, 2, "microseconds")(0)).toBe(253402300799999999n);
    const one = new BigInt64Array([-1n]);
    expect(timestampReader(one, 0, "microseconds")(0)).toBe(-1_000_000n);
    expect(timestampReader(one, 3, "microseconds")(0)).toBe(-1n);
    expect((timestampReader(new BigInt64Array([1500n]), 1)(0) as Date).toISOString()).toBe(
      "1970-01-01T00:00:01.500Z",
    );
  });

  it("refuses an instant a Date cannot hold instead of returning Invalid Date", () => {
    const e = (() => {
      try {
        microsToDate(9223372036854775807n);
      } catch (err) {
        return err as SparkConnectError;
      }
    })();
    expect(e).toBeInstanceOf(SparkConnectError);
    expect(e?.code).toBe("DECODE");
    expect(e?.message).toContain('timestamps: "microseconds"');
  });
});

describe("interval slots", () => {
  it("reads CALENDAR INTERVAL (MONTH_DAY_NANO) field for field, negatives included", () => {
    // months 14, days -3, nanos -1_500_000 (= -1500 µs), as Arrow's little-endian Int32 words
    const nanos = BigInt.asUintN(64, -1_500_000n);
    const words = new Int32Array([14, -3, Number(nanos & 0xffffffffn) | 0, Number(nanos >> 32n) | 0]);
    expect(intervalAt(words, 0, 2)).toEqual({ months: 14, days: -3, microseconds: -1500n });
    expect(intervalAt(new Int32Array([27]), 0, 0)).toBe(27);
    expect(intervalAt(new Int32Array([2, 5]), 0, 1)).toEqual({ months: 0, days: 2, microseconds: 5000n });
  });
});

describe("row names", () => {
  it("renames repeated names without colliding with any other name, deterministically", () => {
    expect(uniqueNames(["k", "k", "k_2"])).toEqual(["k", "k_3", "k_2"]);
    expect(uniqueNames(["x", "x", "x"])).toEqual(["x", "x_2", "x_3"]);
    expect(uniqueNames(["k_2", "k", "k", "k_3", "k"])).toEqual(["k_2", "k", "k_4", "k_3", "k_5"]);
    expect(uniqueNames(["a", "b"])).toEqual(["a", "b"]);
  });

  it("keeps __proto__, constructor and toString as own columns and inherits nothing", () => {
    const names = ["__proto__", "constructor", "toString", "hasOwnProperty"];
    const row = rowFactory(names)([[1], [2], [3], [4]], 0);
    expect(Object.keys(row)).toEqual(names);
    expect(Object.values(row)).toEqual([1, 2, 3, 4]);
    expect(Object.getOwnPropertyDescriptor(row, "__proto__")?.value).toBe(1);
    expect(JSON.stringify(row)).toBe('{"__proto__":1,"constructor":2,"toString":3,"hasOwnProperty":4}');
    const empty = rowFactory(["a"])([[5]], 0);
    expect("toString" in empty).toBe(false);
    expect(isPlainRecord(empty)).toBe(true);
    expect(isPlainRecord(new Date(0))).toBe(false);
  });
});

describe("user mistakes are SparkConnectErrors with a code", () => {
  it.each([
    ["inner", Join_JoinType.INNER],
    ["cross", Join_JoinType.CROSS],
    ["outer", Join_JoinType.FULL_OUTER],
    ["full", Join_JoinType.FULL_OUTER],
    ["fullouter", Join_JoinType.FULL_OUTER],
    ["full_outer", Join_JoinType.FULL_OUTER],
    ["left", Join_JoinType.LEFT_OUTER],
    ["leftouter", Join_JoinType.LEFT_OUTER],
    ["left_outer", Join_JoinType.LEFT_OUTER],
    ["right", Join_JoinType.RIGHT_OUTER],
    ["rightouter", Join_JoinType.RIGHT_OUTER],
    ["right_outer", Join_JoinType.RIGHT_OUTER],
    ["semi", Join_JoinType.LEFT_SEMI],
    ["leftsemi", Join_JoinType.LEFT_SEMI],
    ["left_semi", Join_JoinType.LEFT_SEMI],
    ["anti", Join_JoinType.LEFT_ANTI],
    ["leftanti", Join_JoinType.LEFT_ANTI],
    ["left_anti", Join_JoinType.LEFT_ANTI],
    ["LEFT_OUTER", Join_JoinType.LEFT_OUTER],
    ["Full_Outer", Join_JoinType.FULL_OUTER],
  ])("join type %s is accepted", (name, type) => {
    expect(joinTypeOf(name)).toBe(type);
  });

  it.each(["sideways", "left outer", "constructor", "__proto__", ""])("join type %j is rejected", (name) => {
    expect(() => joinTypeOf(name)).toThrow(
      expect.objectContaining({
        name: "SparkConnectError",
        code: "INVALID_ARGUMENT",
        message: expect.stringContaining("use one of inner, cross, outer, full, fullouter, full_outer"),
      }),
    );
  });

  it("when/otherwise out of order", () => {
    const invalid = expect.objectContaining({ code: "INVALID_ARGUMENT" });
    expect(() => F.col("a").when(F.lit(true), 1)).toThrow(invalid);
    expect(() => F.when(F.lit(true), 1).otherwise(2).when(F.lit(false), 3)).toThrow(invalid);
    expect(() => F.when(F.lit(true), 1).otherwise(2).otherwise(3)).toThrow(invalid);
    expect(() => F.col("a").otherwise(1)).toThrow(invalid);
  });
});

describe("Spark's cause chain", () => {
  const details = (errors: { cls: string; message: string; causeIdx?: number }[], rootErrorIdx = 0) =>
    create(FetchErrorDetailsResponseSchema, {
      rootErrorIdx,
      errors: errors.map((e) => ({ errorTypeHierarchy: [e.cls], message: e.message, causeIdx: e.causeIdx })),
    });

  it("follows causeIdx from the top error to the innermost cause", () => {
    const d = details(
      [
        { cls: "java.io.FileAlreadyExistsException", message: "File x\n already\texists \u0007" },
        { cls: "org.apache.spark.SparkException", message: "[TASK_WRITE_FAILED] Task failed", causeIdx: 2 },
        { cls: "org.apache.spark.SparkException", message: "Job aborted", causeIdx: 0 },
      ],
      1,
    );
    const chain = causeChain(d);
    expect(chain.map((e) => e.message.slice(0, 11))).toEqual(["[TASK_WRITE", "Job aborted", "File x\n alr"]);
    expect(rootCauseOf(chain)).toEqual({
      className: "java.io.FileAlreadyExistsException",
      message: "File x already exists \\x07",
    });
  });

  it("has no root cause for a lone error, and stops on a cycle", () => {
    expect(rootCauseOf(causeChain(details([{ cls: "A", message: "a" }])))).toBeUndefined();
    const loop = details([
      { cls: "A", message: "a", causeIdx: 1 },
      { cls: "B", message: "b", causeIdx: 0 },
    ]);
    expect(causeChain(loop).map((e) => e.message)).toEqual(["a", "b"]);
  });

  it("cuts long server text to one line", () => {
    expect(oneLine("x".repeat(600))).toHaveLength(500);
    expect(oneLine("x".repeat(600)).endsWith("…")).toBe(true);
  });
});

describe("transport failures", () => {
  // connect-node (node-error.ts) turns a socket reset into Aborted, refused/timed-out into
  // Unavailable and other socket errors into Internal; none carries Spark's ErrorInfo.
  it.each([
    ["read ECONNRESET", Code.Aborted],
    ["connect ECONNREFUSED 127.0.0.1:15002", Code.Unavailable],
    ["write EPIPE", Code.Internal],
    ["The operation was aborted", Code.Canceled],
  ])("%s (gRPC %s) is UNAVAILABLE, saying where and what to check", (raw, code) => {
    const e = toSparkError(new ConnectError(raw, code), undefined, "127.0.0.1:15002");
    expect(e.code).toBe("UNAVAILABLE");
    expect(e.message).toContain(`at 127.0.0.1:15002 is unreachable or went away (${raw})`);
    expect(e.message).toContain("Check that it is running");
  });

  it("a code the transport never produces stays an execution error", () => {
    expect(toSparkError(new ConnectError("bad", Code.InvalidArgument)).code).toBe("EXECUTION");
  });
});

describe("the local server's garbage collector", () => {
  it("is the parallel collector unless the caller's JVM options pick one", () => {
    expect(collectorOption([])).toEqual(["-XX:+UseParallelGC"]);
    expect(collectorOption(["-javaagent:/x.jar", "-XX:MaxGCPauseMillis=50"])).toEqual(["-XX:+UseParallelGC"]);
    expect(collectorOption(["-XX:+UseG1GC"])).toEqual([]);
    expect(collectorOption(["-XX:+UseZGC"])).toEqual([]);
    expect(collectorOption(["-XX:+UseSerialGC"])).toEqual([]);
  });
});
