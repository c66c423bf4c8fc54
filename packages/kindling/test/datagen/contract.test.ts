import { describe, expect, it } from "vitest";
import { judgeOrder, parseCsv } from "../../src/datagen/index.js";

const good = ["O000000001", "C000001", "P00001", "2026-03-14 09:26:53", "3", "12.50", "shipped", "US", "web"];

function withField(index: number, value: string | null): (string | null)[] {
  const fields: (string | null)[] = [...good];
  fields[index] = value;
  return fields;
}

describe("judgeOrder", () => {
  it("accepts a clean record and standardises status, country and channel", () => {
    const verdict = judgeOrder([...good.slice(0, 6), " Shipped ", "us", "WEB "]);
    expect(verdict.valid).toBe(true);
    if (!verdict.valid) return;
    expect(verdict.order).toMatchObject({
      status: "shipped",
      country: "US",
      channel: "web",
      priceCents: 1250,
    });
  });

  it("quarantines a record with the wrong number of fields as malformed", () => {
    expect(judgeOrder(good.slice(0, 8))).toEqual({ valid: false, reason: "malformed" });
    expect(judgeOrder(null)).toEqual({ valid: false, reason: "malformed" });
  });

  it("quarantines each rule with its reason", () => {
    const cases: [number, string | null, string][] = [
      [0, null, "missing_required"],
      [1, "", "missing_required"],
      [4, "abc", "bad_quantity"],
      [4, "0", "bad_quantity"],
      [4, "1001", "bad_quantity"],
      [4, "-3", "bad_quantity"],
      [5, "12,50", "bad_price"],
      [5, "-1.00", "bad_price"],
      [5, "12.505", "bad_price"],
      [3, "2026-02-30 10:00:00", "bad_timestamp"],
      [3, "not-a-date", "bad_timestamp"],
      [3, "2026-03-14 24:00:00", "bad_timestamp"],
      [6, "ｓｈｉｐｐｅｄ", "invalid_status"],
      [6, "shipped\nleft at door", "invalid_status"],
    ];
    for (const [index, value, reason] of cases) {
      expect(judgeOrder(withField(index, value)), `${index}=${value}`).toEqual({ valid: false, reason });
    }
  });

  it("keeps quantity 1000, price 0 and unknown keys", () => {
    expect(judgeOrder(withField(4, "1000")).valid).toBe(true);
    expect(judgeOrder(withField(5, "0.00")).valid).toBe(true);
    expect(judgeOrder(withField(1, "C999999")).valid).toBe(true);
  });
});

describe("parseCsv", () => {
  it("keeps quoted commas, quotes and line breaks in their field", () => {
    const records = parseCsv('a,"b, ""c""\nd",\n"",x\n');
    expect(records.map((r) => r.fields)).toEqual([
      ["a", 'b, "c"\nd', null],
      ["", "x"],
    ]);
  });

  it("flags a record that ends inside an open quote", () => {
    const records = parseCsv('a,"b\nc,d\n');
    expect(records).toHaveLength(1);
    expect(records[0]!.unterminated).toBe(true);
  });
});
