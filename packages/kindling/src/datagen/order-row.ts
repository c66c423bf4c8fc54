import { formatTimestamp } from "./calendar.js";
import { CHANNELS, COUNTRIES, STATUSES } from "./vocabulary.js";

/**
 * The values of one order record as numbers. The generator keeps a single instance and overwrites
 * it for every record, so clean records are written without allocating.
 */
export class OrderRow {
  orderNo = 0;
  customerNo = 0;
  productNo = 0;
  /** order_ts, seconds since 1970-01-01 00:00:00. */
  ts = 0;
  quantity = 0;
  priceCents = 0;
  /** Indexes into STATUSES, COUNTRIES and CHANNELS. */
  status = 0;
  country = 0;
  channel = 0;
}

/** `O` + 9 digits. */
export function orderId(n: number): string {
  return `O${String(n).padStart(9, "0")}`;
}

/** Cents as a decimal with two places (12.5 dollars → "12.50"). */
export function centsText(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** The canonical text of each column of a row, in column order (for dirty records, which get edited). */
export function rowFields(row: OrderRow): (string | null)[] {
  return [
    orderId(row.orderNo),
    `C${String(row.customerNo).padStart(6, "0")}`,
    `P${String(row.productNo).padStart(5, "0")}`,
    formatTimestamp(row.ts),
    String(row.quantity),
    centsText(row.priceCents),
    STATUSES[row.status]![0],
    COUNTRIES[row.country]![0],
    CHANNELS[row.channel]![0],
  ];
}
