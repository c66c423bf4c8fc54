import { describe, expect, it } from "vitest";
import { parseSparkType } from "../../src/spec/index.js";
import { parseDdl } from "../../src/spec/spark-types.js";
import { sqlColumnReferences } from "../../src/spec/sql.js";
import { didYouMean } from "../../src/spec/suggest.js";

const columns = (sql: string) =>
  sqlColumnReferences(sql).refs.map((r) => (r.qualifier ? `${r.qualifier.name}.${r.name}` : r.name));

describe("column references in SQL snippets", () => {
  it("finds bare columns but not functions, keywords, literals or types", () => {
    expect(columns("CASE WHEN qty > 0 THEN cast(price AS decimal(10,2)) ELSE NULL END")).toEqual([
      "qty",
      "price",
    ]);
    expect(columns("status NOT IN ('cancelled', \"returned\") AND date '2024-01-01' <= order_date")).toEqual([
      "status",
      "order_date",
    ]);
    expect(columns("count(DISTINCT customer_id)")).toEqual(["customer_id"]);
    expect(columns("to_date(order_ts) - interval 1 day")).toEqual(["order_ts"]);
  });

  it("skips lambda variables and struct fields, and reads backticked names", () => {
    expect(columns("transform(items, x -> x.price * `unit count`)")).toEqual(["items", "unit count"]);
    expect(columns("address.city = 'Oslo'")).toEqual(["address.city"]);
  });

  it("reports unclosed quotes and parentheses", () => {
    expect(sqlColumnReferences("upper(name").error).toBe('1 unclosed "("');
    expect(sqlColumnReferences("name = 'x").error).toMatch(/^unterminated string/);
  });
});

describe("Spark SQL types", () => {
  it("normalises aliases to Spark's short names", () => {
    expect(parseSparkType("INTEGER")).toEqual({ ok: true, type: "int" });
    expect(parseSparkType("decimal(12, 2)")).toEqual({ ok: true, type: "decimal(12,2)" });
    expect(parseSparkType("array<struct<a: long, b: string>>")).toEqual({
      ok: true,
      type: "array<struct<a:bigint,b:string>>",
    });
  });

  it("rejects unknown names and impossible decimals", () => {
    expect(parseSparkType("timestmp")).toEqual({
      ok: false,
      message: 'unknown type "timestmp"',
      suggestion: "timestamp",
    });
    expect(parseSparkType("decimal(40,2)")).toMatchObject({
      ok: false,
      message: "decimal precision must be 1..38, found 40",
    });
  });

  it("reads DDL column lists with NOT NULL and comments", () => {
    expect(parseDdl("id STRING NOT NULL, price DECIMAL(10,2) COMMENT 'a, b', `odd name` INT")).toEqual({
      ok: true,
      columns: [
        { name: "id", type: "STRING" },
        { name: "price", type: "DECIMAL(10,2)" },
        { name: "odd name", type: "INT" },
      ],
    });
  });
});

describe("did-you-mean", () => {
  it("suggests close names, ignoring case, and nothing for distant ones", () => {
    expect(didYouMean("quarantne", ["quarantine", "drop", "fail", "warn"])).toBe("quarantine");
    expect(didYouMean("Fial", ["quarantine", "drop", "fail", "warn"])).toBe("fail");
    expect(didYouMean("xyz", ["quarantine", "drop", "fail", "warn"])).toBeUndefined();
  });
});
