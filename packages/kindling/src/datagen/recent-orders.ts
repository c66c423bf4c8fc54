import type { OrderRow } from "./order-row.js";

/**
 * The kept version of the most recent valid orders, in typed arrays (no object per order), so
 * duplicates can be written of them. Older orders drop out; that is enough for realistic duplicates.
 */
export class RecentOrders {
  private readonly orderNo: Int32Array;
  private readonly customerNo: Int32Array;
  private readonly productNo: Int32Array;
  private readonly ts: Float64Array;
  private readonly quantity: Int32Array;
  private readonly priceCents: Int32Array;
  private readonly status: Uint8Array;
  private readonly country: Uint8Array;
  private readonly channel: Uint8Array;
  private next = 0;
  /** Orders held, up to the capacity. */
  count = 0;

  constructor(private readonly capacity: number) {
    this.orderNo = new Int32Array(capacity);
    this.customerNo = new Int32Array(capacity);
    this.productNo = new Int32Array(capacity);
    this.ts = new Float64Array(capacity);
    this.quantity = new Int32Array(capacity);
    this.priceCents = new Int32Array(capacity);
    this.status = new Uint8Array(capacity);
    this.country = new Uint8Array(capacity);
    this.channel = new Uint8Array(capacity);
  }

  /** Adds an order, replacing the oldest when full. */
  add(row: OrderRow): void {
    this.store(this.next, row);
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  /** Overwrites the order in `slot` (a newer version of the same order). */
  store(slot: number, row: OrderRow): void {
    this.orderNo[slot] = row.orderNo;
    this.customerNo[slot] = row.customerNo;
    this.productNo[slot] = row.productNo;
    this.ts[slot] = row.ts;
    this.quantity[slot] = row.quantity;
    this.priceCents[slot] = row.priceCents;
    this.status[slot] = row.status;
    this.country[slot] = row.country;
    this.channel[slot] = row.channel;
  }

  /** Loads the order in `slot` into `row` and returns it. */
  load(slot: number, row: OrderRow): OrderRow {
    row.orderNo = this.orderNo[slot]!;
    row.customerNo = this.customerNo[slot]!;
    row.productNo = this.productNo[slot]!;
    row.ts = this.ts[slot]!;
    row.quantity = this.quantity[slot]!;
    row.priceCents = this.priceCents[slot]!;
    row.status = this.status[slot]!;
    row.country = this.country[slot]!;
    row.channel = this.channel[slot]!;
    return row;
  }

  /** The orders held, oldest slot order kept, as plain numbers (for `datagen-state.json`). */
  toJSON(): RecentOrdersState {
    const take = (a: ArrayLike<number>) => Array.from(a).slice(0, this.count);
    return {
      capacity: this.capacity,
      next: this.next,
      count: this.count,
      columns: [
        take(this.orderNo),
        take(this.customerNo),
        take(this.productNo),
        take(this.ts),
        take(this.quantity),
        take(this.priceCents),
        take(this.status),
        take(this.country),
        take(this.channel),
      ],
    };
  }

  /** Orders saved by {@link toJSON}. */
  static fromJSON(state: RecentOrdersState): RecentOrders {
    const recent = new RecentOrders(state.capacity);
    const arrays = [
      recent.orderNo,
      recent.customerNo,
      recent.productNo,
      recent.ts,
      recent.quantity,
      recent.priceCents,
      recent.status,
      recent.country,
      recent.channel,
    ];
    for (const [i, a] of arrays.entries()) a.set(state.columns[i]!);
    recent.next = state.next;
    recent.count = state.count;
    return recent;
  }
}

/** {@link RecentOrders} as JSON: one array per field, slots 0..count-1. */
export interface RecentOrdersState {
  capacity: number;
  next: number;
  count: number;
  columns: number[][];
}
