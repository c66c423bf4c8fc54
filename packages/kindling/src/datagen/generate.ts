import { mkdir, open, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ByteSink } from "./byte-sink.js";
import { formatDay } from "./calendar.js";
import { createDimensions, type Dimensions, writeCustomers, writeProducts } from "./dimensions.js";
import { type ExpectedAggregates, toAggregates } from "./expected.js";
import {
  CUSTOMER_COLUMN_INFO,
  type Manifest,
  ORDER_COLUMN_INFO,
  type OrdersFile,
  PRODUCT_COLUMN_INFO,
} from "./manifest.js";
import { type GenerateOptions, type ResolvedOptions, resolveOptions } from "./options.js";
import { encoderFor } from "./order-encoders.js";
import { GRID_MARGIN_DAYS, OrderWriter, type WriterResume } from "./order-writer.js";
import { STATE_FILE, writeState } from "./state.js";

/** What a `generate` run produced. */
export interface GenerateResult {
  readonly outDir: string;
  /** The content of `manifest.json`. */
  readonly manifest: Manifest;
  readonly elapsedMs: number;
}

/** Directory of the orders files inside the output directory. */
export const ORDERS_DIR = "orders";

/**
 * Writes the example dataset to `options.outDir`: `orders/part-NNNNN.csv` (or `.jsonl`),
 * `customers.jsonl`, `products.csv` and, last, `manifest.json` with the expected results of a
 * correct cleaning pipeline. Streams with constant memory; the same options give byte-identical
 * files. Earlier orders part files and manifest in the directory are removed first.
 * Throws a `KindlingError` (exit code 2) for invalid options; rejects on file system errors.
 */
export async function generate(options: GenerateOptions = {}): Promise<GenerateResult> {
  const started = performance.now();
  const opts = resolveOptions(options);
  const ordersDir = join(opts.outDir, ORDERS_DIR);
  await mkdir(ordersDir, { recursive: true });
  await removeEarlierOutput(opts.outDir, ordersDir);

  const dims = createDimensions(opts.seed, opts.estimatedRows);
  const customers = await writeCustomers(opts.outDir, opts.seed, dims, opts.startDay);
  const products = await writeProducts(opts.outDir, opts.seed, dims);
  const { writer, files } = await writeOrders(opts, dims, started);

  const manifest: Manifest = {
    generator: "kindling-datagen",
    version: 1,
    seed: opts.seed,
    format: opts.format,
    dirtyRate: opts.dirtyRate,
    dirtyWeights: opts.dirtyWeights,
    dateRange: { start: formatDay(opts.startDay), end: formatDay(opts.endDay) },
    orders: {
      path: ORDERS_DIR,
      header: opts.format === "csv",
      columns: ORDER_COLUMN_INFO,
      files,
      rows: files.reduce((sum, f) => sum + f.rows, 0),
      bytes: files.reduce((sum, f) => sum + f.bytes, 0),
    },
    customers: { ...customers, columns: CUSTOMER_COLUMN_INFO },
    products: { ...products, header: true, columns: PRODUCT_COLUMN_INFO },
    dirty: {
      total: Object.values(writer.dirtyByKind).reduce((a, b) => a + b, 0),
      byKind: { ...writer.dirtyByKind },
    },
    expected: toAggregates(writer.counts, writer.revenue.groups()),
  };
  await writeState(opts.outDir, { dimensionRows: opts.estimatedRows, writer });
  await writeFile(join(opts.outDir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return { outDir: opts.outDir, manifest, elapsedMs: performance.now() - started };
}

/**
 * The results a correct cleaning pipeline must produce from the data `generate(options)` writes,
 * computed by running the same generator without writing anything (constant memory, any size).
 * Throws a `KindlingError` (exit code 2) for invalid options.
 */
export async function expectedAggregates(options: GenerateOptions = {}): Promise<ExpectedAggregates> {
  const opts = { ...resolveOptions(options), onProgress: undefined };
  const dims = createDimensions(opts.seed, opts.estimatedRows);
  const { writer } = await writeOrders(opts, dims, performance.now(), false);
  return toAggregates(writer.counts, writer.revenue.groups());
}

/** Orders file `index` of a run: "orders/part-00003.csv". */
export function ordersFilePath(index: number, extension: string): string {
  return `${ORDERS_DIR}/part-${String(index).padStart(5, "0")}.${extension}`;
}

/**
 * Writes `opts.files` orders files numbered from `firstIndex`; `resume` continues an earlier
 * dataset (`generate --append`). Returns the writer (counts, revenue, state) and the files.
 */
export async function writeOrders(
  opts: ResolvedOptions,
  dims: Dimensions,
  started: number,
  toDisk = true,
  resume?: WriterResume,
  firstIndex = 0,
) {
  const encoder = encoderFor(opts.format, opts.startDay - GRID_MARGIN_DAYS, opts.endDay + GRID_MARGIN_DAYS);
  const writer = new OrderWriter(opts, dims, encoder, resume);
  const files: OrdersFile[] = [];
  const bytesTarget = opts.bytesTarget ?? 0;
  const totalRows = opts.rows ?? 0;
  let bytesBefore = 0;
  const progress = (fileIndex: number, sink: ByteSink) =>
    opts.onProgress?.({
      bytesWritten: bytesBefore + sink.bytes,
      bytesTarget: opts.estimatedBytes,
      rowsWritten: writer.counts.rowsIn,
      fileIndex,
      files: opts.files,
      elapsedMs: performance.now() - started,
    });

  for (let index = 0; index < opts.files; index++) {
    const path = ordersFilePath(firstIndex + index, encoder.extension);
    const handle = toDisk ? await open(join(opts.outDir, path), "w") : null;
    const sink = new ByteSink(handle);
    try {
      const rowsBefore = writer.counts.rowsIn;
      // Split the byte target or the row count evenly; the last file takes what rounding left.
      const fileBytes =
        Math.floor((bytesTarget * (index + 1)) / opts.files) - Math.floor((bytesTarget * index) / opts.files);
      const fileRows =
        Math.floor((totalRows * (index + 1)) / opts.files) - Math.floor((totalRows * index) / opts.files);
      encoder.header(sink);
      for (;;) {
        const done =
          opts.rows === null ? sink.bytes >= fileBytes : writer.counts.rowsIn - rowsBefore >= fileRows;
        if (done) break;
        writer.writeRecord(sink);
        if (sink.needsFlush()) {
          await sink.flush();
          progress(index, sink);
        }
      }
      await sink.drain();
      progress(index, sink);
      files.push({ path, rows: writer.counts.rowsIn - rowsBefore, bytes: sink.bytes });
      bytesBefore += sink.bytes;
    } finally {
      await sink.settle();
      await handle?.close();
    }
  }
  return { writer, files };
}

async function removeEarlierOutput(outDir: string, ordersDir: string): Promise<void> {
  await rm(join(outDir, "manifest.json"), { force: true });
  await rm(join(outDir, STATE_FILE), { force: true });
  for (const name of await readdir(ordersDir)) {
    if (/^part-\d{5}\.(csv|jsonl)$/.test(name)) await rm(join(ordersDir, name));
  }
}
