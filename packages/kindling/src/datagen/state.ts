/**
 * `datagen-state.json`: where the next appended batch of a dataset starts (`generate --append`):
 * the rows the dimensions were sized for, the next order number, and the recent valid orders
 * (which appended records update or duplicate). The counts and revenue so far are the manifest's
 * `expected`, so they are not kept twice.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { KindlingError } from "../errors.js";
import { RecentOrders, type RecentOrdersState } from "./recent-orders.js";

/** The state file's name, next to manifest.json. */
export const STATE_FILE = "datagen-state.json";

/** What an appended batch needs beyond the manifest. */
export interface DatasetState {
  /** The row count `createDimensions` was given (customers and products depend on it). */
  dimensionRows: number;
  nextOrderNo: number;
  recent: RecentOrders;
}

interface StateFile {
  generator: "kindling-datagen-state";
  version: 1;
  dimensionRows: number;
  nextOrderNo: number;
  recent: RecentOrdersState;
}

/** Writes the state after a batch. Rejects on file system errors. */
export async function writeState(
  outDir: string,
  state: {
    dimensionRows: number;
    writer: { orderNumber: number; recentOrders: RecentOrders };
  },
): Promise<void> {
  const file: StateFile = {
    generator: "kindling-datagen-state",
    version: 1,
    dimensionRows: state.dimensionRows,
    nextOrderNo: state.writer.orderNumber,
    recent: state.writer.recentOrders.toJSON(),
  };
  await writeFile(join(outDir, STATE_FILE), `${JSON.stringify(file)}\n`);
}

/**
 * Reads the state of the dataset in `outDir`. Throws KindlingError (exit code 2) when it is missing
 * or not Kindling's, saying to generate the dataset first.
 */
export async function readState(outDir: string): Promise<DatasetState> {
  const path = join(outDir, STATE_FILE);
  let file: StateFile;
  try {
    file = JSON.parse(await readFile(path, "utf8")) as StateFile;
  } catch {
    throw new KindlingError(
      `${path} is missing or unreadable, so there is no dataset to append to; run kindling generate --out ${outDir} first.`,
      2,
    );
  }
  if (file.generator !== "kindling-datagen-state" || file.version !== 1)
    throw new KindlingError(
      `${path} was not written by this kindling generate; generate the dataset again.`,
      2,
    );
  return {
    dimensionRows: file.dimensionRows,
    nextOrderNo: file.nextOrderNo,
    recent: RecentOrders.fromJSON(file.recent),
  };
}
