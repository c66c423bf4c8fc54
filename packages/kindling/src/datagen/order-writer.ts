import type { ByteSink } from "./byte-sink.js";
import { parseDay } from "./calendar.js";
import { type Dimensions, MAX_CUSTOMER_ID, MAX_PRODUCT_ID } from "./dimensions.js";
import { DIRTY_KINDS, type DirtyKind, type QuarantineReason, zeroCounts } from "./dirty-kinds.js";
import {
  BAD_TIMESTAMPS,
  MULTILINE_NOTES,
  oddCase,
  UNICODE_STATUSES,
  WRONG_PRICES,
  WRONG_QUANTITIES,
} from "./dirty-values.js";
import { type ExpectedCounts, emptyCounts, RevenueGrid } from "./expected.js";
import type { ResolvedOptions } from "./options.js";
import type { OrderEncoder } from "./order-encoders.js";
import { centsText, OrderRow, rowFields } from "./order-row.js";
import { Random, weightedTable } from "./random.js";
import { RecentOrders } from "./recent-orders.js";
import { CHANNELS, COUNTRIES, STATUSES } from "./vocabulary.js";

/** Days the revenue grid reaches beyond the order date range (near duplicates move order_ts by up to 2 days). */
export const GRID_MARGIN_DAYS = 4;
const DAY = 86_400;
const MAX_SHIFT = 2 * DAY;
/** Highest order number that fits `O` + 9 digits. */
export const MAX_ORDER_NO = 999_999_999;
/** Recent valid orders kept for duplicating; duplicates of older orders are not needed for realism. */
const RECENT_ORDERS = 4096;

const STATUS = Object.fromEntries(STATUSES.map(([s], i) => [s, i])) as Record<string, number>;
/** The status an order moves on to in a later snapshot. */
const NEXT_STATUS = [
  STATUS.shipped!,
  STATUS.delivered!,
  STATUS.returned!,
  STATUS.cancelled!,
  STATUS.returned!,
];
/** Hour of day weights: quiet nights, busy evenings. */
const HOUR_WEIGHTS = [2, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 8, 9, 9, 8, 8, 8, 9, 10, 11, 11, 9, 6, 4];
/** Quantity weights for 1, 2, 3, ...: mostly one or two items. */
const QUANTITY_WEIGHTS = [50, 22, 10, 6, 4, 3, 2, 1, 1, 1];
/** Price paid as a percentage of list price (discounts). */
const PRICE_PERCENTS = [100, 100, 100, 100, 100, 95, 90, 85, 80, 70];

/**
 * Where an appended batch starts (`generate --append`, see append.ts): the next order number, the
 * recent valid orders (to update or duplicate), and the counts and revenue so far.
 */
export interface WriterResume {
  nextOrderNo: number;
  recent: RecentOrders;
  counts: ExpectedCounts;
  revenue: Iterable<{ orderDate: string; country: string; orders: number; cents: bigint }>;
  /** Fraction of records that update an existing order (a later order_ts, the status moved on). */
  updateRate: number;
}

/**
 * Writes order records one at a time and decides, as it writes each one, what a correct cleaning
 * step will do with it (see `contract.ts`), so the expected results build up while streaming.
 * Memory is constant: the recent valid orders to duplicate and a grid of revenue sums.
 */
export class OrderWriter {
  /** Expected counts so far (rows in, valid, quarantined by reason, duplicates, unknown keys). */
  readonly counts: ExpectedCounts;
  /** Dirty records written, by kind. */
  readonly dirtyByKind = zeroCounts(DIRTY_KINDS);
  /** Revenue of the valid, deduplicated orders by day and country. */
  readonly revenue: RevenueGrid;

  private readonly rng: Random;
  /** Choices that only shape how a malformed record is broken, apart so both formats hold the same orders. */
  private readonly encodingRng: Random;
  private readonly row = new OrderRow();
  private nextOrderNo: number;
  /** Records written that update an order of an earlier batch. */
  updates = 0;
  private readonly updateRate: number;
  /** Appended batches never write an earlier version of an order: an incremental run would take it as the newest. */
  private readonly laterOnly: boolean;
  private readonly kinds: DirtyKind[];
  private readonly kindCumulative: number[];
  private readonly hourTable = weightedTable(HOUR_WEIGHTS);
  private readonly quantityTable = weightedTable(QUANTITY_WEIGHTS);
  private readonly statusTable = weightedTable(STATUSES.map(([, w]) => w));
  private readonly countryTable = weightedTable(COUNTRIES.map(([, w]) => w));
  private readonly channelTable = weightedTable(CHANNELS.map(([, w]) => w));
  private readonly days: number;
  private readonly minTs: number;
  private readonly maxTs: number;

  private readonly recent: RecentOrders;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly dims: Dimensions,
    private readonly encoder: OrderEncoder,
    resume?: WriterResume,
  ) {
    this.counts = resume?.counts ?? emptyCounts();
    this.recent = resume?.recent ?? new RecentOrders(RECENT_ORDERS);
    this.nextOrderNo = resume?.nextOrderNo ?? 1;
    this.updateRate = resume?.updateRate ?? 0;
    this.laterOnly = resume !== undefined;
    this.rng = new Random(options.seed, 4);
    this.encodingRng = new Random(options.seed, 5);
    this.kinds = DIRTY_KINDS.filter((k) => options.dirtyWeights[k] > 0);
    let sum = 0;
    const total = this.kinds.reduce((s, k) => s + options.dirtyWeights[k], 0);
    this.kindCumulative = this.kinds.map((k) => {
      sum += options.dirtyWeights[k];
      return sum / total;
    });
    this.days = options.endDay - options.startDay + 1;
    const firstDay = options.startDay - GRID_MARGIN_DAYS;
    this.revenue = new RevenueGrid(
      firstDay,
      this.days + 2 * GRID_MARGIN_DAYS,
      COUNTRIES.map(([c]) => c),
    );
    this.minTs = (options.startDay - GRID_MARGIN_DAYS + 1) * DAY;
    this.maxTs = (options.endDay + GRID_MARGIN_DAYS) * DAY - 1;
    const countries: readonly string[] = COUNTRIES.map(([c]) => c);
    for (const g of resume?.revenue ?? [])
      this.revenue.load(parseDay(g.orderDate)!, countries.indexOf(g.country), g.orders, g.cents);
  }

  /** The next order number to be written (`generate --append` continues from it). */
  get orderNumber(): number {
    return this.nextOrderNo;
  }

  /** The recent valid orders (`generate --append` updates and duplicates them). */
  get recentOrders(): RecentOrders {
    return this.recent;
  }

  /** Writes one record (one CSV record may span two lines) and accounts for its fate. */
  writeRecord(sink: ByteSink): void {
    this.counts.rowsIn++;
    if (this.updateRate > 0 && this.recent.count > 0 && this.rng.next() < this.updateRate) {
      this.writeUpdate(sink);
      return;
    }
    if (this.options.dirtyRate > 0 && this.rng.next() < this.options.dirtyRate) this.writeDirty(sink);
    else this.writeClean(sink);
  }

  private writeClean(sink: ByteSink): void {
    const row = this.freshRow();
    this.encoder.clean(row, sink);
    this.keepNew(row);
    this.recent.add(row);
  }

  private writeDirty(sink: ByteSink): void {
    const rng = this.rng;
    const u = rng.next();
    let i = 0;
    while (i < this.kinds.length - 1 && u >= this.kindCumulative[i]!) i++;
    const kind = this.kinds[i]!;
    if ((kind === "duplicate_exact" || kind === "duplicate_near") && this.recent.count === 0) {
      this.writeClean(sink);
      return;
    }
    this.dirtyByKind[kind]++;
    switch (kind) {
      case "duplicate_exact":
        this.encoder.clean(this.recent.load(rng.int(this.recent.count), this.row), sink);
        this.counts.duplicates++;
        return;
      case "duplicate_near":
        this.writeNearDuplicate(sink);
        return;
      case "unknown_key":
        this.writeUnknownKey(sink);
        return;
      case "whitespace_case":
        this.writeOddCase(sink);
        return;
      default:
        this.quarantine(this.writeQuarantined(kind, sink));
    }
  }

  /** Writes a record the contract quarantines; returns the reason. */
  private writeQuarantined(kind: DirtyKind, sink: ByteSink): QuarantineReason {
    const rng = this.rng;
    const row = this.freshRow();
    const fields = rowFields(row);
    const encoder = this.encoder;
    switch (kind) {
      case "malformed_fields":
        encoder.wrongFieldCount(fields, this.encodingRng, sink);
        return "malformed";
      case "unterminated_quote":
        encoder.unterminatedQuote(fields, rowFields(this.freshRow()), this.encodingRng, sink);
        return "malformed";
      case "missing_required":
        fields[rng.int(2)] = rng.next() < 0.6 ? null : "";
        encoder.fields(fields, sink);
        return "missing_required";
      case "wrong_type":
      case "out_of_range":
        if (rng.next() < 0.5) {
          fields[4] = kind === "wrong_type" ? rng.pick(WRONG_QUANTITIES) : this.outOfRangeQuantity();
          encoder.fields(fields, sink);
          return "bad_quantity";
        }
        fields[5] =
          kind === "wrong_type"
            ? rng.pick(WRONG_PRICES).replace("{p}", centsText(row.priceCents).replace(".", ","))
            : `-${centsText(row.priceCents)}`;
        encoder.fields(fields, sink);
        return "bad_price";
      case "bad_date": {
        const time = fields[3]!.slice(11);
        fields[3] = rng.pick(BAD_TIMESTAMPS).replace("{d}", time).replace("{ms}", time.slice(3));
        encoder.fields(fields, sink);
        return "bad_timestamp";
      }
      case "unicode_text":
        fields[6] = rng.pick(UNICODE_STATUSES);
        encoder.fields(fields, sink);
        return "invalid_status";
      case "quoted_newline":
        fields[6] = `${fields[6]}\n${rng.pick(MULTILINE_NOTES)}`;
        encoder.fields(fields, sink);
        return "invalid_status";
      default:
        throw new Error(`no quarantined record for dirty kind ${kind}`);
    }
  }

  private outOfRangeQuantity(): string {
    const pick = this.rng.int(3);
    if (pick === 0) return "0";
    if (pick === 1) return String(this.rng.between(1001, 50_000));
    return `-${this.rng.between(1, 5)}`;
  }

  /** Same order_id as a recent valid order, another order_ts and status; the latest order_ts wins. */
  private writeNearDuplicate(sink: ByteSink): void {
    const rng = this.rng;
    const slot = rng.int(this.recent.count);
    const row = this.recent.load(slot, this.row);
    const keptTs = row.ts;
    const shift = rng.between(60, MAX_SHIFT);
    let later = this.laterOnly || rng.next() < 0.8;
    if ((later && keptTs + shift > this.maxTs) || (!later && keptTs - shift < this.minTs)) later = !later;
    if (this.laterOnly && !later) {
      this.dirtyByKind.duplicate_near--; // written as a new order instead
      this.writeClean(sink);
      return;
    }
    row.ts = later ? keptTs + shift : keptTs - shift;
    row.status = later ? NEXT_STATUS[row.status]! : STATUS.placed!;
    this.encoder.clean(row, sink);
    this.counts.duplicates++;
    if (later) {
      const cents = row.quantity * row.priceCents;
      this.revenue.add(Math.floor(keptTs / DAY), row.country, cents, -1);
      this.revenue.add(Math.floor(row.ts / DAY), row.country, cents, 1);
      this.recent.store(slot, row);
    }
  }

  /**
   * A newer version of a recent order (its key exists): order_ts later by 1 minute to 2 days, the
   * status moved on; the earlier version becomes a duplicate. Falls back to a new order when the
   * later time would leave the date range.
   */
  private writeUpdate(sink: ByteSink): void {
    const rng = this.rng;
    const slot = rng.int(this.recent.count);
    const row = this.recent.load(slot, this.row);
    const keptTs = row.ts;
    const ts = keptTs + rng.between(60, MAX_SHIFT);
    if (ts > this.maxTs) {
      this.writeClean(sink);
      return;
    }
    row.ts = ts;
    row.status = NEXT_STATUS[row.status]!;
    this.encoder.clean(row, sink);
    this.counts.duplicates++;
    this.updates++;
    const cents = row.quantity * row.priceCents;
    this.revenue.add(Math.floor(keptTs / DAY), row.country, cents, -1);
    this.revenue.add(Math.floor(ts / DAY), row.country, cents, 1);
    this.recent.store(slot, row);
  }

  private writeUnknownKey(sink: ByteSink): void {
    const rng = this.rng;
    const row = this.freshRow();
    const which = rng.int(5); // 0-1 customer, 2-3 product, 4 both
    if (which <= 1 || which === 4) {
      row.customerNo = rng.between(this.dims.customerCount + 1, MAX_CUSTOMER_ID);
      this.counts.unknownCustomer++;
    }
    if (which >= 2) {
      row.productNo = rng.between(this.dims.productCount + 1, MAX_PRODUCT_ID);
      this.counts.unknownProduct++;
    }
    this.encoder.clean(row, sink);
    this.keepNew(row);
  }

  private writeOddCase(sink: ByteSink): void {
    const rng = this.rng;
    const row = this.freshRow();
    const fields = rowFields(row);
    const mask = 1 + rng.int(7); // which of status, country, channel get odd
    for (let bit = 0; bit < 3; bit++) {
      if ((mask & (1 << bit)) === 0) continue;
      const at = 6 + bit;
      const canonical = fields[at]!;
      const odd = oddCase(canonical, rng.int(6));
      fields[at] = odd === canonical ? ` ${canonical}` : odd;
    }
    this.encoder.fields(fields, sink);
    this.keepNew(row);
  }

  /** A new order with random values in `this.row`. */
  private freshRow(): OrderRow {
    const rng = this.rng;
    const row = this.row;
    const dims = this.dims;
    if (this.nextOrderNo > MAX_ORDER_NO)
      throw new Error(`more than ${MAX_ORDER_NO} orders do not fit O + 9 digits`);
    row.orderNo = this.nextOrderNo++;
    // Skewed towards low numbers: some customers and products are far more popular than others.
    const c = rng.next();
    row.customerNo = 1 + Math.floor(dims.customerCount * c * (0.3 + 0.7 * c));
    const p = rng.next();
    row.productNo = 1 + Math.floor(dims.productCount * p * (0.2 + 0.8 * p));
    const day = this.options.startDay + rng.int(this.days);
    row.ts = day * DAY + this.hourTable[rng.nextUint32() & 255]! * 3600 + rng.int(3600);
    const bits = rng.nextUint32();
    row.quantity = 1 + this.quantityTable[bits & 255]!;
    const percent = PRICE_PERCENTS[(bits >>> 8) % PRICE_PERCENTS.length]!;
    row.priceCents = Math.round((dims.productPriceCents[row.productNo - 1]! * percent) / 100);
    row.status = this.statusTable[(bits >>> 16) & 255]!;
    row.channel = this.channelTable[bits >>> 24]!;
    const home = rng.nextUint32();
    row.country =
      (home & 255) < 230 ? dims.customerCountry[row.customerNo - 1]! : this.countryTable[home >>> 24]!;
    return row;
  }

  /** Accounts for a valid record with a new order_id. */
  private keepNew(row: OrderRow): void {
    this.counts.validOut++;
    this.revenue.add(Math.floor(row.ts / DAY), row.country, row.quantity * row.priceCents, 1);
  }

  private quarantine(reason: QuarantineReason): void {
    this.counts.quarantinedByReason[reason]++;
  }
}
