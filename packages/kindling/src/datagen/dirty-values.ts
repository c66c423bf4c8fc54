/** Bad values the dirty records carry. Every one fails the contract for the reason its list names. */

/** Quantities that are not digits (bad_quantity). */
export const WRONG_QUANTITIES = ["abc", "three", "1O", "#3", "3 pcs", "n/a", "NaN"] as const;

/** Prices that do not parse (bad_price); "{p}" is replaced by the row's price with a comma for the point. */
export const WRONG_PRICES = ["{p}", "{p}", "$12.00", "abc", "12.5.0", "1 299.00", "EUR 9.99"] as const;

/** Timestamps that are not real (bad_timestamp); "{d}" is the row's HH:mm:ss and "{ms}" its mm:ss. */
export const BAD_TIMESTAMPS = [
  "2026-02-30 {d}",
  "2026-02-29 {d}",
  "2026-04-31 {d}",
  "2026-13-01 {d}",
  "2026-00-10 {d}",
  "2026-03-14 24:{ms}",
  "not-a-date",
  "N/A",
  "14/03/2026 {d}",
  "2026-03-14T{d}",
] as const;

/** Non-ASCII statuses that only look like accepted ones (invalid_status). */
export const UNICODE_STATUSES = [
  "shıpped",
  "ｓｈｉｐｐｅｄ",
  "配送済み",
  "livré",
  "déliveréd",
  "zugestellt ✓",
  "enviado 📦",
] as const;

/** Notes appended after a line break inside a quoted status (invalid_status). */
export const MULTILINE_NOTES = [
  "left at front door",
  "signed by: Zoë",
  "gift wrap,\nno invoice",
  'box "damaged"',
] as const;

/** Upper-case, title-case and padding variants for whitespace_case records. */
export function oddCase(text: string, variant: number): string {
  switch (variant % 6) {
    case 0:
      return text.toUpperCase();
    case 1:
      return text[0]!.toUpperCase() + text.slice(1).toLowerCase();
    case 2:
      return ` ${text}`;
    case 3:
      return `${text} `;
    case 4:
      return `  ${text[0]!.toUpperCase()}${text.slice(1)} `;
    default:
      return text.toLowerCase() === text ? ` ${text.toUpperCase()}  ` : ` ${text.toLowerCase()}`;
  }
}
