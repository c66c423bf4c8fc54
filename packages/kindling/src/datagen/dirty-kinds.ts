/**
 * The kinds of dirty order rows the generator writes, each with what a correct cleaning step does
 * with it (see `contract.ts` for the validity rules).
 */
export const DIRTY_KINDS = [
  /** Too few or too many fields (CSV), or a truncated object (JSON). Quarantined: malformed. */
  "malformed_fields",
  /** A quote opened and not closed on its line (CSV: it closes at the end of the next line, so the
   * record swallows that line and has too few fields), or a string left open (JSON). Quarantined: malformed. */
  "unterminated_quote",
  /** quantity like "abc" or unit_price like "12,50". Quarantined: bad_quantity / bad_price. */
  "wrong_type",
  /** quantity outside 1..1000 or a negative unit_price. Quarantined: bad_quantity / bad_price. */
  "out_of_range",
  /** null or empty order_id or customer_id. Quarantined: missing_required. */
  "missing_required",
  /** A byte-identical copy of an earlier valid row. Counted as a duplicate. */
  "duplicate_exact",
  /** The same order_id as an earlier valid row with another order_ts (usually later) and status.
   * The copy with the latest order_ts is kept; the other is counted as a duplicate. */
  "duplicate_near",
  /** order_ts that is not a real timestamp ("2026-02-30 10:00:00", "not-a-date"). Quarantined: bad_timestamp. */
  "bad_date",
  /** customer_id or product_id absent from the dimensions. Kept (enrichment columns null), counted. */
  "unknown_key",
  /** Padding spaces and odd case in status, country, channel (" Shipped ", "us", "WEB "). Kept once standardised. */
  "whitespace_case",
  /** A non-ASCII status that only looks like an accepted one ("shıpped", "ｓｈｉｐｐｅｄ"). Quarantined: invalid_status. */
  "unicode_text",
  /** A quoted status containing a line break (valid CSV, needs multiLine). Quarantined: invalid_status. */
  "quoted_newline",
] as const;

/** One kind of dirty order row. */
export type DirtyKind = (typeof DIRTY_KINDS)[number];

/** Relative weights of the dirty kinds when none are given; a weight of 0 turns a kind off. */
export const DEFAULT_DIRTY_WEIGHTS: Readonly<Record<DirtyKind, number>> = {
  malformed_fields: 6,
  unterminated_quote: 3,
  wrong_type: 10,
  out_of_range: 6,
  missing_required: 8,
  duplicate_exact: 10,
  duplicate_near: 12,
  bad_date: 8,
  unknown_key: 10,
  whitespace_case: 14,
  unicode_text: 6,
  quoted_newline: 5,
};

/** Why a row is quarantined, in order of precedence (the first that applies is the reason). */
export const QUARANTINE_REASONS = [
  "malformed",
  "missing_required",
  "bad_quantity",
  "bad_price",
  "bad_timestamp",
  "invalid_status",
] as const;

/** One quarantine reason. */
export type QuarantineReason = (typeof QUARANTINE_REASONS)[number];

/** A record with a zero for every key of a list. */
export function zeroCounts<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}
