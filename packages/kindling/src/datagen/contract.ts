/**
 * The cleaning contract for the orders fact: what a correct pipeline keeps, quarantines and drops.
 * The example pipeline, its tests and the generator's expected results all follow these rules.
 *
 * Reading. CSV: RFC 4180 with a header row, comma, `"` quote, `""` escape, UTF-8, and line breaks
 * inside quoted fields (Spark: `header`, `multiLine`). A record is one CSV record, not one line.
 * JSON: one object per non-empty line. A record is **malformed** when a CSV record does not have
 * exactly the 9 columns (or ends inside an open quote) or a JSON line is not a JSON object. Empty
 * CSV fields and JSON `null` (or a missing key) are null.
 *
 * Standardising (never a reason to quarantine): `status` and `channel` are trimmed of leading and
 * trailing spaces (U+0020 only, like Spark's `trim`) and lower-cased; `country` is trimmed and
 * upper-cased. No other column is trimmed.
 *
 * A non-malformed record is **quarantined** for the first reason that applies, in this order:
 * - `missing_required`: order_id or customer_id is null or empty;
 * - `bad_quantity`: quantity is not ASCII digits only (`^[0-9]+$`) or is outside 1..1000;
 * - `bad_price`: unit_price does not match `^-?[0-9]+(\.[0-9]{1,2})?$` or is negative;
 * - `bad_timestamp`: order_ts is not a real `yyyy-MM-dd HH:mm:ss` timestamp (Spark
 *   `to_timestamp(order_ts, 'yyyy-MM-dd HH:mm:ss')` is null: "2026-02-30 10:00:00", "not-a-date");
 * - `invalid_status`: the standardised status is not one of placed, shipped, delivered, cancelled, returned.
 *
 * Every other record is **valid**. Unknown keys (a customer_id not in customers.jsonl, a
 * product_id not in products.csv, compared exactly) keep the row, with null enrichment columns;
 * they are counted on the output rows.
 *
 * **Duplicates**: among valid records with the same order_id, the one with the latest order_ts
 * is kept; ties go to the record that comes later (files in name order, then record order). The
 * others are counted as duplicates. So `rowsIn = validOut + quarantined + duplicates`.
 *
 * **Revenue** of an output row is quantity × unit_price, exact (integer cents), grouped by
 * order_date (the date part of order_ts; timestamps carry no zone, so read them as UTC, e.g.
 * `spark.sql.session.timeZone=UTC`) and the standardised country.
 *
 * On Spark 4 (ANSI mode on by default) read every column as a string and use the `try_` forms
 * (`try_to_timestamp`, `try_cast`) or regular expressions, so a bad value gives null instead of
 * failing the job.
 */

import { parseTimestamp } from "./calendar.js";
import type { QuarantineReason } from "./dirty-kinds.js";

/** Columns of the orders fact, in file order. */
export const ORDER_COLUMNS = [
  "order_id",
  "customer_id",
  "product_id",
  "order_ts",
  "quantity",
  "unit_price",
  "status",
  "country",
  "channel",
] as const;

/** Statuses a valid order may have (after standardising). */
export const ACCEPTED_STATUSES = ["placed", "shipped", "delivered", "cancelled", "returned"] as const;

/** Largest quantity a valid order may have. */
export const MAX_QUANTITY = 1000;

/** A valid order, standardised. */
export interface ValidOrder {
  readonly orderId: string;
  readonly customerId: string;
  readonly productId: string | null;
  /** order_ts as seconds since 1970-01-01 00:00:00 (zone-less). */
  readonly ts: number;
  readonly quantity: number;
  readonly priceCents: number;
  readonly status: string;
  readonly country: string | null;
  readonly channel: string | null;
}

/** What the contract says about one record. */
export type OrderVerdict =
  | { readonly valid: true; readonly order: ValidOrder }
  | { readonly valid: false; readonly reason: QuarantineReason };

/**
 * Applies the contract to one record: `fields` in column order, or `null` for a malformed record.
 * Returns the standardised order or the quarantine reason; never throws.
 */
export function judgeOrder(fields: readonly (string | null)[] | null): OrderVerdict {
  if (fields === null || fields.length !== ORDER_COLUMNS.length) return { valid: false, reason: "malformed" };
  const [orderId, customerId, productId, orderTs, quantityText, priceText, status, country, channel] = fields;
  if (!orderId || !customerId) return { valid: false, reason: "missing_required" };
  const quantity = parseQuantity(quantityText ?? null);
  if (quantity === null) return { valid: false, reason: "bad_quantity" };
  const priceCents = parsePriceCents(priceText ?? null);
  if (priceCents === null) return { valid: false, reason: "bad_price" };
  const ts = orderTs == null ? null : parseTimestamp(orderTs);
  if (ts === null) return { valid: false, reason: "bad_timestamp" };
  const standardStatus = status == null ? "" : trimSpaces(status).toLowerCase();
  if (!(ACCEPTED_STATUSES as readonly string[]).includes(standardStatus)) {
    return { valid: false, reason: "invalid_status" };
  }
  return {
    valid: true,
    order: {
      orderId,
      customerId,
      productId: productId ?? null,
      ts,
      quantity,
      priceCents,
      status: standardStatus,
      country: country == null ? null : trimSpaces(country).toUpperCase(),
      channel: channel == null ? null : trimSpaces(channel).toLowerCase(),
    },
  };
}

/** The quantity of a text, or null when it is not digits in 1..1000. */
export function parseQuantity(text: string | null): number | null {
  if (text === null || !/^[0-9]+$/.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= MAX_QUANTITY ? n : null;
}

/** The cents of a price text, or null when it does not parse or is negative. */
export function parsePriceCents(text: string | null): number | null {
  const m = text === null ? null : /^(-?)([0-9]+)(?:\.([0-9]{1,2}))?$/.exec(text);
  if (!m) return null;
  const cents = Number(m[2]) * 100 + Number((m[3] ?? "").padEnd(2, "0"));
  if (m[1] === "-" && cents !== 0) return null;
  return cents;
}

/** Removes leading and trailing U+0020 spaces (Spark `trim`), nothing else. */
export function trimSpaces(text: string): string {
  return text.replace(/^ +| +$/g, "");
}
