import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { dayOf, formatDay } from "./calendar.js";
import { judgeOrder, ORDER_COLUMNS, type ValidOrder } from "./contract.js";
import { parseCsv } from "./csv.js";
import { type ExpectedAggregates, emptyCounts, type GroupSum, toAggregates } from "./expected.js";

/**
 * Recomputes the expected results from the files in `outDir` alone, by reading them back and
 * applying the cleaning contract (`contract.ts`) record by record: an independent check of the
 * `expected` section of `manifest.json`. Holds every distinct order in memory, so it is meant for
 * small datasets (tests). Rejects when a file is missing or the orders header is not the expected one.
 */
export async function recomputeExpected(outDir: string): Promise<ExpectedAggregates> {
  const customerIds = await readCustomerIds(join(outDir, "customers.jsonl"));
  const productIds = await readProductIds(join(outDir, "products.csv"));
  const counts = emptyCounts();
  const latest = new Map<string, ValidOrder>();

  const judge = (fields: readonly (string | null)[] | null) => {
    counts.rowsIn++;
    const verdict = judgeOrder(fields);
    if (!verdict.valid) {
      counts.quarantinedByReason[verdict.reason]++;
      return;
    }
    const order = verdict.order;
    const kept = latest.get(order.orderId);
    if (kept) counts.duplicates++;
    // Later records win ties, so ">=": the newer record replaces the kept one on equal order_ts.
    if (!kept || order.ts >= kept.ts) latest.set(order.orderId, order);
  };

  const ordersDir = join(outDir, "orders");
  const names = (await readdir(ordersDir)).filter((n) => /^part-\d{5}\.(csv|jsonl)$/.test(n)).sort();
  for (const name of names) {
    const text = await readFile(join(ordersDir, name), "utf8");
    if (name.endsWith(".csv")) readCsvOrders(name, text, judge);
    else readJsonOrders(text, judge);
  }

  const groups = new Map<string, { orderDate: string; country: string; sum: GroupSum }>();
  for (const order of latest.values()) {
    counts.validOut++;
    if (!customerIds.has(order.customerId)) counts.unknownCustomer++;
    if (order.productId === null || !productIds.has(order.productId)) counts.unknownProduct++;
    const orderDate = formatDay(dayOf(order.ts));
    const country = order.country ?? "";
    const key = `${orderDate}|${country}`;
    let group = groups.get(key);
    if (!group) {
      group = { orderDate, country, sum: { orders: 0, cents: 0n } };
      groups.set(key, group);
    }
    group.sum.orders++;
    group.sum.cents += BigInt(order.quantity) * BigInt(order.priceCents);
  }
  return toAggregates(counts, groups.values());
}

function readCsvOrders(name: string, text: string, judge: (fields: (string | null)[] | null) => void): void {
  const [header, ...records] = parseCsv(text);
  if (header?.fields.join(",") !== ORDER_COLUMNS.join(",")) {
    throw new Error(`${name}: header is not ${ORDER_COLUMNS.join(",")}`);
  }
  for (const record of records) {
    if (record.fields.length === 1 && record.fields[0] === null) continue; // blank line
    judge(record.unterminated ? null : record.fields);
  }
}

function readJsonOrders(text: string, judge: (fields: (string | null)[] | null) => void): void {
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      judge(null);
      continue;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      judge(null);
      continue;
    }
    const record = value as Record<string, unknown>;
    judge(
      ORDER_COLUMNS.map((c) => (record[c] === null || record[c] === undefined ? null : String(record[c]))),
    );
  }
}

async function readCustomerIds(path: string): Promise<Set<string>> {
  const text = await readFile(path, "utf8");
  const ids = new Set<string>();
  for (const line of text.split("\n")) {
    if (line !== "") ids.add((JSON.parse(line) as { customer_id: string }).customer_id);
  }
  return ids;
}

async function readProductIds(path: string): Promise<Set<string>> {
  const [, ...records] = parseCsv(await readFile(path, "utf8"));
  return new Set(
    records.map((r) => r.fields[0]).filter((id): id is string => id !== null && id !== undefined),
  );
}
