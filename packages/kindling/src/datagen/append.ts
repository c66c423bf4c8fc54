/**
 * `generate --append`: lands a new batch of orders files next to a generated dataset, as a
 * landing folder receives them: new file names (the part numbers go on), new orders whose ids go
 * on from the last one, and a fraction of records that update an order of an earlier batch (same
 * order_id, a later order_ts, the status moved on). The manifest then describes the whole dataset:
 * its `expected` is what one run over every file (or the incremental runs over each batch in
 * turn) must produce, and `appended` lists each batch.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { KindlingError } from "../errors.js";
import { createDimensions } from "./dimensions.js";
import { toAggregates } from "./expected.js";
import { writeOrders } from "./generate.js";
import type { AppendedBatch, Manifest } from "./manifest.js";
import { BYTES_PER_FILE, type GenerateProgress, resolveOptions } from "./options.js";
import { readState, writeState } from "./state.js";

/** Default fraction of an appended batch's records that update an existing order. */
export const DEFAULT_UPDATE_RATE = 0.05;

/** What to append. The seed, format, dirty rate and date range are the dataset's own. */
export interface AppendOptions {
  /** The dataset's folder (holding manifest.json). */
  outDir: string;
  /** Bytes of orders to add (number or "128MB"). Default 128 MB (one file). Ignored with `rows`. */
  size?: string | number;
  /** Exact number of order records to add instead of a size. */
  rows?: number;
  /** Files to split the batch into. Default: one per 128 MB. */
  files?: number;
  /** Fraction 0..1 of the batch's records that update an order of an earlier batch. Default 0.05. */
  updateRate?: number;
  onProgress?: (progress: GenerateProgress) => void;
}

/**
 * Appends one batch to the dataset in `options.outDir` and rewrites its manifest.json. Batch `b`
 * (1, 2, …) draws from seed `manifest.seed + b`, so the same sequence of appends gives the same
 * files. Throws KindlingError (exit code 2) when there is no dataset or an option is out of range.
 */
export async function appendOrders(
  options: AppendOptions,
): Promise<{ manifest: Manifest; batch: AppendedBatch; elapsedMs: number }> {
  const started = performance.now();
  const updateRate = options.updateRate ?? DEFAULT_UPDATE_RATE;
  if (!(updateRate >= 0 && updateRate <= 1))
    throw new KindlingError(`update rate ${updateRate} must be between 0 and 1`, 2);
  const manifest = await readManifest(options.outDir);
  const state = await readState(options.outDir);
  const number = (manifest.appended?.length ?? 0) + 1;
  const opts = resolveOptions({
    outDir: options.outDir,
    ...(options.rows === undefined ? { size: options.size ?? BYTES_PER_FILE } : { rows: options.rows }),
    ...(options.files === undefined ? {} : { files: options.files }),
    seed: manifest.seed + number,
    dirtyRate: manifest.dirtyRate,
    dirtyWeights: manifest.dirtyWeights,
    format: manifest.format,
    startDate: manifest.dateRange.start,
    endDate: manifest.dateRange.end,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const dims = createDimensions(manifest.seed, state.dimensionRows);
  const e = manifest.expected;
  const { writer, files } = await writeOrders(
    opts,
    dims,
    started,
    true,
    {
      nextOrderNo: state.nextOrderNo,
      recent: state.recent,
      counts: {
        rowsIn: e.rowsIn,
        validOut: e.validOut,
        duplicates: e.duplicates,
        unknownCustomer: e.unknownCustomer,
        unknownProduct: e.unknownProduct,
        quarantinedByReason: { ...e.quarantinedByReason },
      },
      revenue: e.revenueByDateCountry.map((g) => ({
        orderDate: g.orderDate,
        country: g.country,
        orders: g.orders,
        cents: BigInt(g.revenue.replace(".", "")),
      })),
      updateRate,
    },
    manifest.orders.files.length,
  );
  const batch: AppendedBatch = {
    batch: number,
    seed: opts.seed,
    rows: files.reduce((a, f) => a + f.rows, 0),
    bytes: files.reduce((a, f) => a + f.bytes, 0),
    updates: writer.updates,
    updateRate,
    files: files.map((f) => f.path),
  };
  const allFiles = [...manifest.orders.files, ...files];
  const byKind = { ...manifest.dirty.byKind };
  for (const [k, n] of Object.entries(writer.dirtyByKind)) byKind[k as keyof typeof byKind] += n;
  const next: Manifest = {
    ...manifest,
    orders: {
      ...manifest.orders,
      files: allFiles,
      rows: allFiles.reduce((a, f) => a + f.rows, 0),
      bytes: allFiles.reduce((a, f) => a + f.bytes, 0),
    },
    dirty: { total: Object.values(byKind).reduce((a, b) => a + b, 0), byKind },
    expected: toAggregates(writer.counts, writer.revenue.groups()),
    appended: [...(manifest.appended ?? []), batch],
  };
  await writeState(options.outDir, { dimensionRows: state.dimensionRows, writer });
  await writeFile(join(options.outDir, "manifest.json"), `${JSON.stringify(next, null, 2)}\n`);
  return { manifest: next, batch, elapsedMs: performance.now() - started };
}

async function readManifest(outDir: string): Promise<Manifest> {
  const path = join(outDir, "manifest.json");
  try {
    const m = JSON.parse(await readFile(path, "utf8")) as Manifest;
    if (m.generator === "kindling-datagen") return m;
  } catch {
    // reported below
  }
  throw new KindlingError(
    `${path} is missing or not a kindling generate manifest, so there is no dataset to append to; run kindling generate --out ${outDir} first.`,
    2,
  );
}
