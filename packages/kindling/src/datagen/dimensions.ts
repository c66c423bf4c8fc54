import { open } from "node:fs/promises";
import { join } from "node:path";
import { ByteSink } from "./byte-sink.js";
import { daysFromCivil, formatDay } from "./calendar.js";
import { csvField } from "./csv.js";
import { Random, weightedTable } from "./random.js";
import {
  CATEGORIES,
  COUNTRIES,
  EMAIL_DOMAINS,
  namesFor,
  PRODUCT_ADJECTIVES,
  SEGMENTS,
} from "./vocabulary.js";

/** Highest customer number that fits `C` + 6 digits; numbers above the customer count are unknown keys. */
export const MAX_CUSTOMER_ID = 999_999;
/** Highest product number that fits `P` + 5 digits. */
export const MAX_PRODUCT_ID = 99_999;

/** What the orders need to know about the dimension tables, held in typed arrays. */
export interface Dimensions {
  /** Customers are C000001..C{customerCount}. */
  readonly customerCount: number;
  /** Country index (into COUNTRIES) of customer n at [n - 1]. */
  readonly customerCountry: Uint8Array;
  /** Products are P00001..P{productCount}. */
  readonly productCount: number;
  /** List price in cents of product n at [n - 1]. */
  readonly productPriceCents: Int32Array;
}

/** A dimension file written, for the manifest. */
export interface DimensionFile {
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
}

/** Number of customers and products for a run of about `rows` orders. */
export function dimensionSizes(rows: number): { customers: number; products: number } {
  return {
    customers: clamp(Math.round(rows / 40), 200, 900_000),
    products: clamp(Math.round(rows / 5_000), 100, 5_000),
  };
}

/** Customers and products: fields in memory, plus a writer for each file. Same seed, same tables. */
export function createDimensions(seed: number, rows: number): Dimensions {
  const { customers, products } = dimensionSizes(rows);
  const rng = new Random(seed, 1);
  const countryTable = weightedTable(COUNTRIES.map(([, w]) => w));
  const customerCountry = new Uint8Array(customers);
  for (let i = 0; i < customers; i++) customerCountry[i] = countryTable[rng.nextUint32() & 255]!;
  const productPriceCents = new Int32Array(products);
  for (let i = 0; i < products; i++) {
    const [lo, hi] = CATEGORIES[categoryOf(i + 1)]!.cents;
    // Prices end in .99, .49 or .00 like real price lists.
    const dollars = Math.floor((lo + rng.next() ** 2 * (hi - lo)) / 100);
    productPriceCents[i] = dollars * 100 + [99, 49, 0][rng.int(3)]!;
  }
  return { customerCount: customers, customerCountry, productCount: products, productPriceCents };
}

/**
 * Writes `customers.jsonl` (customer_id, name, email, segment, country, signup_date).
 * Resolves to what was written; rejects when the file cannot be written.
 */
export async function writeCustomers(dir: string, seed: number, dims: Dimensions, signupBeforeDay: number) {
  const rng = new Random(seed, 2);
  const segmentTable = weightedTable(SEGMENTS.map(([, w]) => w));
  const firstSignup = daysFromCivil(2019, 1, 1);
  return writeFile(dir, "customers.jsonl", dims.customerCount, (sink, i) => {
    const n = i + 1;
    const country = COUNTRIES[dims.customerCountry[i]!]![0];
    const names = namesFor(country);
    const [first, firstAscii] = rng.pick(names.first);
    const [last, lastAscii] = rng.pick(names.last);
    const record = {
      customer_id: customerId(n),
      name: `${first} ${last}`,
      email: `${firstAscii}.${lastAscii}${n}@${rng.pick(EMAIL_DOMAINS)}`,
      segment: SEGMENTS[segmentTable[rng.nextUint32() & 255]!]![0],
      country,
      signup_date: formatDay(rng.between(firstSignup, signupBeforeDay - 1)),
    };
    sink.text(`${JSON.stringify(record)}\n`);
  });
}

/**
 * Writes `products.csv` (product_id, name, category, list_price) with a header row; names with
 * commas or quotes are quoted as RFC 4180 says. Resolves to what was written.
 */
export async function writeProducts(dir: string, seed: number, dims: Dimensions) {
  const rng = new Random(seed, 3);
  return writeFile(dir, "products.csv", dims.productCount, (sink, i) => {
    if (i === 0) sink.text("product_id,name,category,list_price\n");
    const category = CATEGORIES[categoryOf(i + 1)]!;
    const name = `${rng.pick(PRODUCT_ADJECTIVES)} ${rng.pick(category.nouns)}`;
    sink.text(`${productId(i + 1)},${csvField(name)},${csvField(category.name)},`);
    sink.cents(dims.productPriceCents[i]!);
    sink.byte(10);
  });
}

/** `C` + 6 digits. */
export function customerId(n: number): string {
  return `C${String(n).padStart(6, "0")}`;
}

/** `P` + 5 digits. */
export function productId(n: number): string {
  return `P${String(n).padStart(5, "0")}`;
}

function categoryOf(productNumber: number): number {
  return (productNumber * 7) % CATEGORIES.length;
}

async function writeFile(
  dir: string,
  name: string,
  rows: number,
  writeRow: (sink: ByteSink, index: number) => void,
): Promise<DimensionFile> {
  const file = await open(join(dir, name), "w");
  const sink = new ByteSink(file);
  try {
    for (let i = 0; i < rows; i++) {
      writeRow(sink, i);
      if (sink.needsFlush()) await sink.flush();
    }
    await sink.drain();
    return { path: name, rows, bytes: sink.bytes };
  } finally {
    await sink.settle();
    await file.close();
  }
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}
