import type { DimensionFile } from "./dimensions.js";
import type { DirtyKind } from "./dirty-kinds.js";
import type { ExpectedAggregates } from "./expected.js";
import type { OrdersFormat } from "./options.js";

/** A column of a generated file, with the type a reader should give it once clean. */
export interface ColumnInfo {
  readonly name: string;
  readonly type: "string" | "int" | "decimal(10,2)" | "timestamp" | "date";
}

/** One orders file. */
export interface OrdersFile {
  /** Path relative to the output directory, e.g. "orders/part-00000.csv". */
  readonly path: string;
  /** Records (a CSV record with a quoted line break counts once; the header is not a record). */
  readonly rows: number;
  readonly bytes: number;
}

/** `manifest.json`: what `generate` wrote, with the results a correct cleaning pipeline must produce. */
export interface Manifest {
  readonly generator: "kindling-datagen";
  /** Bumped when the same options would give different data. */
  readonly version: 1;
  readonly seed: number;
  readonly format: OrdersFormat;
  readonly dirtyRate: number;
  readonly dirtyWeights: Readonly<Record<DirtyKind, number>>;
  /** Order dates, `yyyy-MM-dd`, inclusive (near duplicates may move order_ts up to 2 days beyond). */
  readonly dateRange: { readonly start: string; readonly end: string };
  readonly orders: {
    /** Directory of the orders files, relative to the output directory. */
    readonly path: string;
    readonly header: boolean;
    readonly columns: readonly ColumnInfo[];
    readonly files: readonly OrdersFile[];
    readonly rows: number;
    readonly bytes: number;
  };
  readonly customers: DimensionFile & { readonly columns: readonly ColumnInfo[] };
  readonly products: DimensionFile & { readonly header: boolean; readonly columns: readonly ColumnInfo[] };
  /** Dirty order records written, in total and by kind. */
  readonly dirty: { readonly total: number; readonly byKind: Readonly<Record<DirtyKind, number>> };
  /** Ground truth for tests: what a correct pipeline outputs from every file (see `contract.ts`). */
  readonly expected: ExpectedAggregates;
  /** Batches added by `generate --append`, in order (absent until the first). */
  readonly appended?: readonly AppendedBatch[];
}

/** One batch of `generate --append`. */
export interface AppendedBatch {
  /** 1 for the first appended batch. */
  readonly batch: number;
  /** The seed it drew from (the dataset's seed + batch). */
  readonly seed: number;
  readonly rows: number;
  readonly bytes: number;
  /** Records that update an order of an earlier batch (its order_id exists; order_ts later). */
  readonly updates: number;
  readonly updateRate: number;
  /** Its files, relative to the dataset folder. */
  readonly files: readonly string[];
}

/** Columns of orders files. */
export const ORDER_COLUMN_INFO: readonly ColumnInfo[] = [
  { name: "order_id", type: "string" },
  { name: "customer_id", type: "string" },
  { name: "product_id", type: "string" },
  { name: "order_ts", type: "timestamp" },
  { name: "quantity", type: "int" },
  { name: "unit_price", type: "decimal(10,2)" },
  { name: "status", type: "string" },
  { name: "country", type: "string" },
  { name: "channel", type: "string" },
];

/** Columns of customers.jsonl. */
export const CUSTOMER_COLUMN_INFO: readonly ColumnInfo[] = [
  { name: "customer_id", type: "string" },
  { name: "name", type: "string" },
  { name: "email", type: "string" },
  { name: "segment", type: "string" },
  { name: "country", type: "string" },
  { name: "signup_date", type: "date" },
];

/** Columns of products.csv. */
export const PRODUCT_COLUMN_INFO: readonly ColumnInfo[] = [
  { name: "product_id", type: "string" },
  { name: "name", type: "string" },
  { name: "category", type: "string" },
  { name: "list_price", type: "decimal(10,2)" },
];
