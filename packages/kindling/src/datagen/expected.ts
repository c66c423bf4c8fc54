import { formatDay } from "./calendar.js";
import { QUARANTINE_REASONS, type QuarantineReason, zeroCounts } from "./dirty-kinds.js";

/** Revenue of the output rows of one order date and country. */
export interface RevenueGroup {
  /** `yyyy-MM-dd`. */
  readonly orderDate: string;
  /** Standardised (upper-case) country. */
  readonly country: string;
  /** Output rows (distinct orders) in the group. */
  readonly orders: number;
  /** Sum of quantity × unit_price, exact, as a decimal with two places ("1234.50"). */
  readonly revenue: string;
}

/**
 * What a correct cleaning pipeline produces from the generated orders (see `contract.ts`).
 * Always `rowsIn = validOut + quarantined + duplicates`.
 */
export interface ExpectedAggregates {
  /** Order records read (CSV records without the header, or JSON lines). */
  readonly rowsIn: number;
  /** Distinct valid orders after dropping duplicates. */
  readonly validOut: number;
  readonly quarantined: number;
  readonly quarantinedByReason: Readonly<Record<QuarantineReason, number>>;
  /** Valid records dropped because a record with the same order_id and a later order_ts exists. */
  readonly duplicates: number;
  /** Output rows whose customer_id is not in customers.jsonl. */
  readonly unknownCustomer: number;
  /** Output rows whose product_id is not in products.csv. */
  readonly unknownProduct: number;
  /** Revenue of all output rows, decimal with two places. */
  readonly totalRevenue: string;
  /** Revenue by order date × country, sorted by date then country. */
  readonly revenueByDateCountry: readonly RevenueGroup[];
}

/** Counts that make up {@link ExpectedAggregates}, kept while records go by. */
export interface ExpectedCounts {
  rowsIn: number;
  validOut: number;
  duplicates: number;
  unknownCustomer: number;
  unknownProduct: number;
  quarantinedByReason: Record<QuarantineReason, number>;
}

/** Fresh zero counts. */
export function emptyCounts(): ExpectedCounts {
  return {
    rowsIn: 0,
    validOut: 0,
    duplicates: 0,
    unknownCustomer: 0,
    unknownProduct: 0,
    quarantinedByReason: zeroCounts(QUARANTINE_REASONS),
  };
}

/** Sums per (date, country) of output rows. */
export interface GroupSum {
  orders: number;
  cents: bigint;
}

/** Assembles the aggregates from counts and group sums keyed by anything (groups with no orders are left out). */
export function toAggregates(
  counts: ExpectedCounts,
  groups: Iterable<{ orderDate: string; country: string; sum: GroupSum }>,
): ExpectedAggregates {
  const revenueByDateCountry: RevenueGroup[] = [];
  let total = 0n;
  for (const { orderDate, country, sum } of groups) {
    if (sum.orders === 0) continue;
    total += sum.cents;
    revenueByDateCountry.push({ orderDate, country, orders: sum.orders, revenue: formatCents(sum.cents) });
  }
  revenueByDateCountry.sort((a, b) =>
    a.orderDate === b.orderDate ? compare(a.country, b.country) : compare(a.orderDate, b.orderDate),
  );
  const quarantined = Object.values(counts.quarantinedByReason).reduce((a, b) => a + b, 0);
  return {
    rowsIn: counts.rowsIn,
    validOut: counts.validOut,
    quarantined,
    quarantinedByReason: { ...counts.quarantinedByReason },
    duplicates: counts.duplicates,
    unknownCustomer: counts.unknownCustomer,
    unknownProduct: counts.unknownProduct,
    totalRevenue: formatCents(total),
    revenueByDateCountry,
  };
}

/** Cents as a decimal with two places: 123450n → "1234.50", -5n → "-0.05". */
export function formatCents(cents: bigint): string {
  const sign = cents < 0n ? "-" : "";
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, "0")}`;
}

/**
 * Revenue sums indexed by day and country index, for the generator's hot loop. Each cell is a
 * plain number of cents, exact while below 2^53, and is folded into a bigint before it can get
 * there, so totals stay exact at any size.
 */
export class RevenueGrid {
  private readonly cents: Float64Array;
  private readonly folded: bigint[];
  private readonly orders: Float64Array;

  constructor(
    private readonly firstDay: number,
    private readonly days: number,
    private readonly countries: readonly string[],
  ) {
    this.cents = new Float64Array(days * countries.length);
    this.orders = new Float64Array(days * countries.length);
    this.folded = new Array<bigint>(days * countries.length).fill(0n);
  }

  /** Adds (sign 1) or removes (sign -1) one output row of `cents` revenue. */
  add(day: number, country: number, cents: number, sign: 1 | -1): void {
    const at = (day - this.firstDay) * this.countries.length + country;
    if (!(at >= 0 && at < this.cents.length))
      throw new RangeError(`day ${formatDay(day)} outside the revenue grid`);
    const sum = this.cents[at]! + sign * cents;
    if (sum > 2 ** 52 || sum < -(2 ** 52)) {
      this.folded[at]! += BigInt(sum);
      this.cents[at] = 0;
    } else {
      this.cents[at] = sum;
    }
    this.orders[at]! += sign;
  }

  /** Sets a cell to `orders` rows of `cents` revenue (resuming from an earlier manifest). */
  load(day: number, country: number, orders: number, cents: bigint): void {
    const at = (day - this.firstDay) * this.countries.length + country;
    if (!(at >= 0 && at < this.cents.length) || country < 0)
      throw new RangeError(`day ${formatDay(day)} outside the revenue grid`);
    this.folded[at] = cents;
    this.cents[at] = 0;
    this.orders[at] = orders;
  }

  /** Every cell as (date, country, sum). */
  *groups(): Iterable<{ orderDate: string; country: string; sum: GroupSum }> {
    for (let d = 0; d < this.days; d++) {
      for (let c = 0; c < this.countries.length; c++) {
        const at = d * this.countries.length + c;
        const sum = { orders: this.orders[at]!, cents: this.folded[at]! + BigInt(this.cents[at]!) };
        yield { orderDate: formatDay(this.firstDay + d), country: this.countries[c]!, sum };
      }
    }
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
