import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ACCEPTED_STATUSES,
  DIRTY_KINDS,
  expectedAggregates,
  type GenerateOptions,
  generate,
  type Manifest,
  recomputeExpected,
} from "../../src/datagen/index.js";
import { splitCsvRecords } from "./csv-records.js";

const SMALL: GenerateOptions = { rows: 60_000, seed: 7, dirtyRate: 0.05, files: 3 };

let root: string;
let csvDir: string;
let csv: Manifest;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "kindling-datagen-"));
  csvDir = join(root, "csv");
  csv = (await generate({ ...SMALL, outDir: csvDir })).manifest;
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function ordersText(dir: string): Promise<string[]> {
  const names = (await readdir(join(dir, "orders"))).sort();
  return Promise.all(names.map((n) => readFile(join(dir, "orders", n), "utf8")));
}

async function filesOf(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      files.set(path.slice(dir.length), await readFile(path));
    }
  }
  return files;
}

/** Order records of every CSV file, split by the test's own reader, headers dropped. */
async function csvRecords(dir: string): Promise<string[][]> {
  const texts = await ordersText(dir);
  return texts.flatMap((text) => splitCsvRecords(text).slice(1));
}

describe("generate", () => {
  it("writes the documented layout", async () => {
    const files = [...(await filesOf(csvDir)).keys()].sort();
    expect(files).toEqual([
      "/customers.jsonl",
      "/datagen-state.json",
      "/manifest.json",
      "/orders/part-00000.csv",
      "/orders/part-00001.csv",
      "/orders/part-00002.csv",
      "/products.csv",
    ]);
    const [first] = await ordersText(csvDir);
    expect(first!.split("\n")[0]).toBe(
      "order_id,customer_id,product_id,order_ts,quantity,unit_price,status,country,channel",
    );
    expect(csv.orders.rows).toBe(60_000);
    expect(csv.orders.files.map((f) => f.rows)).toEqual([20_000, 20_000, 20_000]);
  });

  it("gives byte-identical files for the same seed and different files for another", async () => {
    const again = join(root, "again");
    const other = join(root, "other");
    await generate({ ...SMALL, outDir: again });
    await generate({ ...SMALL, seed: 8, outDir: other });
    const first = await filesOf(csvDir);
    const second = await filesOf(again);
    expect([...second.keys()].sort()).toEqual([...first.keys()].sort());
    for (const [path, bytes] of first) expect(second.get(path)!.equals(bytes), path).toBe(true);
    const third = await filesOf(other);
    expect(third.get("/orders/part-00000.csv")!.equals(first.get("/orders/part-00000.csv")!)).toBe(false);
    expect(third.get("/customers.jsonl")!.equals(first.get("/customers.jsonl")!)).toBe(false);
  });

  it("writes dirty records at the requested rate, within tolerance", async () => {
    const { manifest } = await generate({ rows: 100_000, seed: 3, outDir: join(root, "rate") });
    expect(manifest.dirtyRate).toBe(0.02);
    expect(manifest.dirty.total / manifest.orders.rows).toBeGreaterThan(0.02 * 0.85);
    expect(manifest.dirty.total / manifest.orders.rows).toBeLessThan(0.02 * 1.15);
    const clean = await generate({ rows: 5_000, seed: 3, dirtyRate: 0, outDir: join(root, "clean") });
    expect(clean.manifest.dirty.total).toBe(0);
    expect(clean.manifest.expected.validOut).toBe(5_000);
  });

  it("writes every dirty kind, and only the kinds that have weight", async () => {
    for (const kind of DIRTY_KINDS) expect(csv.dirty.byKind[kind], kind).toBeGreaterThan(20);
    const { manifest } = await generate({
      rows: 20_000,
      dirtyRate: 0.1,
      dirtyWeights: { duplicate_near: 0, quoted_newline: 0, bad_date: 5 },
      outDir: join(root, "weights"),
    });
    expect(manifest.dirty.byKind.duplicate_near).toBe(0);
    expect(manifest.dirty.byKind.quoted_newline).toBe(0);
    expect(manifest.dirty.byKind.bad_date).toBeGreaterThan(0);
  });

  it("keeps rows_in = valid + quarantined + duplicates", () => {
    const e = csv.expected;
    expect(e.rowsIn).toBe(csv.orders.rows);
    expect(e.validOut + e.quarantined + e.duplicates).toBe(e.rowsIn);
    expect(Object.values(e.quarantinedByReason).reduce((a, b) => a + b, 0)).toBe(e.quarantined);
    const kinds = csv.dirty.byKind;
    expect(e.duplicates).toBe(kinds.duplicate_exact + kinds.duplicate_near);
    expect(e.quarantinedByReason.malformed).toBe(kinds.malformed_fields + kinds.unterminated_quote);
    expect(e.quarantinedByReason.missing_required).toBe(kinds.missing_required);
    expect(e.quarantinedByReason.bad_timestamp).toBe(kinds.bad_date);
    expect(e.quarantinedByReason.bad_quantity + e.quarantinedByReason.bad_price).toBe(
      kinds.wrong_type + kinds.out_of_range,
    );
    expect(e.quarantinedByReason.invalid_status).toBe(kinds.unicode_text + kinds.quoted_newline);
  });

  it("records expected results that a re-parse of the CSV files reproduces", async () => {
    expect(await recomputeExpected(csvDir)).toEqual(csv.expected);
  });

  it("records expected results that a re-parse of the JSON lines files reproduces", async () => {
    const dir = join(root, "json");
    const { manifest } = await generate({ ...SMALL, format: "json", outDir: dir });
    expect(manifest.orders.files[0]!.path).toBe("orders/part-00000.jsonl");
    expect(await recomputeExpected(dir)).toEqual(manifest.expected);
    // The encoding differs, the orders do not.
    expect(manifest.expected).toEqual(csv.expected);
  });

  it("computes the same expected results without writing files", async () => {
    expect(await expectedAggregates(SMALL)).toEqual(csv.expected);
  });

  it("sums revenue as exact cents per order date and country", () => {
    const groups = csv.expected.revenueByDateCountry;
    const cents = groups.reduce((sum, g) => sum + BigInt(g.revenue.replace(".", "")), 0n);
    expect(String(cents)).toBe(csv.expected.totalRevenue.replace(".", "").replace(/^0+(?=\d)/, ""));
    expect(groups.reduce((sum, g) => sum + g.orders, 0)).toBe(csv.expected.validOut);
    for (const g of groups) {
      expect(g.revenue).toMatch(/^\d+\.\d{2}$/);
      expect(g.country).toMatch(/^[A-Z]{2}$/);
    }
    expect(groups[0]!.orderDate >= "2025-12-28").toBe(true);
    expect(groups.at(-1)!.orderDate <= "2026-04-04").toBe(true);
  });

  it("writes valid CSV: quoted line breaks stay inside their record", async () => {
    const records = await csvRecords(csvDir);
    expect(records.length).toBe(csv.orders.rows);
    const kinds = csv.dirty.byKind;
    const withBreak = records.filter((r) => r.some((f) => f.includes("\n")));
    expect(withBreak.length).toBe(kinds.quoted_newline + kinds.unterminated_quote);
    const multiLineStatus = withBreak.filter((r) => r.length === 9);
    expect(multiLineStatus.length).toBe(kinds.quoted_newline);
    for (const r of multiLineStatus) expect(r[6]).toMatch(/^(placed|shipped|delivered|cancelled|returned)\n/);
    const wrongCount = records.filter((r) => r.length !== 9);
    expect(wrongCount.length).toBe(kinds.malformed_fields + kinds.unterminated_quote);
  });

  it("writes the odd whitespace, case and unicode it counts", async () => {
    const records = (await csvRecords(csvDir)).filter((r) => r.length === 9);
    const accepted = new Set<string>(ACCEPTED_STATUSES);
    const odd = records.filter(([, , , , , , status, country, channel]) => {
      const standard = [
        status!.trim().toLowerCase(),
        country!.trim().toUpperCase(),
        channel!.trim().toLowerCase(),
      ];
      return accepted.has(standard[0]!) && standard.join() !== [status, country, channel].join();
    });
    expect(odd.length).toBe(csv.dirty.byKind.whitespace_case);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching everything outside ASCII
    const nonAscii = records.filter((r) => /[^\u0000-\u007f]/.test(r[6]!) && !r[6]!.includes("\n"));
    expect(nonAscii.length).toBe(csv.dirty.byKind.unicode_text);
    const seen = new Set<string>();
    let exact = 0;
    for (const r of records) {
      const line = r.join(",");
      if (seen.has(line)) exact++;
      seen.add(line);
    }
    expect(exact).toBe(csv.dirty.byKind.duplicate_exact);
  });

  it("writes dimensions with unicode names and properly quoted product names", async () => {
    const customers = (await readFile(join(csvDir, "customers.jsonl"), "utf8"))
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, string>);
    expect(customers.length).toBe(csv.customers.rows);
    expect(Object.keys(customers[0]!)).toEqual([
      "customer_id",
      "name",
      "email",
      "segment",
      "country",
      "signup_date",
    ]);
    expect(customers.some((c) => /[^\x20-\x7e]/.test(c.name!))).toBe(true);
    for (const c of customers.slice(0, 500)) {
      expect(c.customer_id).toMatch(/^C\d{6}$/);
      expect(c.email).toMatch(/^[a-z.]+\d+@[a-z.]+$/);
      expect(["consumer", "smb", "enterprise"]).toContain(c.segment);
      expect(c.signup_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    const products = splitCsvRecords(await readFile(join(csvDir, "products.csv"), "utf8"));
    expect(products[0]).toEqual(["product_id", "name", "category", "list_price"]);
    expect(products.length - 1).toBe(csv.products.rows);
    for (const p of products.slice(1)) expect(p.length).toBe(4);
    expect(products.some((p) => p[1]!.includes(","))).toBe(true);
    expect(products.some((p) => p[1]!.includes('"'))).toBe(true);
    const categories = new Set(products.slice(1).map((p) => p[2]));
    expect(categories.size).toBeGreaterThanOrEqual(8);
    expect(categories.size).toBeLessThanOrEqual(12);
  });

  it("fills files up to a byte size", async () => {
    const { manifest } = await generate({ size: "3MB", files: 2, outDir: join(root, "sized") });
    const target = 3 * 2 ** 20;
    expect(manifest.orders.bytes).toBeGreaterThanOrEqual(target);
    expect(manifest.orders.bytes).toBeLessThan(target + 2 * 1024);
    expect(manifest.orders.files.length).toBe(2);
  });
});
