import { KindlingError } from "../errors.js";
import { parseDay } from "./calendar.js";
import { DEFAULT_DIRTY_WEIGHTS, DIRTY_KINDS, type DirtyKind } from "./dirty-kinds.js";

/** How the orders fact is written: CSV with a header row, or JSON lines. */
export type OrdersFormat = "csv" | "json";

/** Progress reported while generating (after each written chunk and at the end of each file). */
export interface GenerateProgress {
  /** Bytes of orders written so far (dimension files not included). */
  readonly bytesWritten: number;
  /** The orders bytes the run aims for (an estimate when `rows` was given). */
  readonly bytesTarget: number;
  readonly rowsWritten: number;
  /** Index of the orders file being written. */
  readonly fileIndex: number;
  readonly files: number;
  readonly elapsedMs: number;
}

/** What to generate. Every field is optional; the defaults are listed on each. */
export interface GenerateOptions {
  /** Output directory, created if missing. Default `data/raw`. */
  outDir?: string;
  /** Target bytes of the orders fact: a number of bytes or text like "300MB", "1GB", "20GB"
   * (binary units: 1 MB = 2^20 bytes). Default "300MB". Ignored when `rows` is given. */
  size?: string | number;
  /** Exact number of order records (including dirty ones) instead of a byte size. */
  rows?: number;
  /** Seed: the same options and seed give byte-identical files. Default 42. */
  seed?: number;
  /** Fraction of order records that are dirty, 0..1. Default 0.02. */
  dirtyRate?: number;
  /** Relative weights of the dirty kinds, merged over {@link DEFAULT_DIRTY_WEIGHTS}; 0 turns a kind off. */
  dirtyWeights?: Partial<Record<DirtyKind, number>>;
  /** Orders format. Default "csv". */
  format?: OrdersFormat;
  /** Number of orders files. Default: one per 128 MB of orders. */
  files?: number;
  /** First order date, `yyyy-MM-dd`. Default 2026-01-01. */
  startDate?: string;
  /** Last order date (inclusive), `yyyy-MM-dd`. Default 2026-03-31. */
  endDate?: string;
  /** Called with progress while writing. */
  onProgress?: (progress: GenerateProgress) => void;
}

/** Options with every default applied and checked. */
export interface ResolvedOptions {
  readonly outDir: string;
  /** Byte target of the orders, or null when `rows` decides. */
  readonly bytesTarget: number | null;
  readonly rows: number | null;
  /** Rows expected: `rows`, or estimated from the byte target. */
  readonly estimatedRows: number;
  /** Orders bytes expected: the byte target, or estimated from `rows`. */
  readonly estimatedBytes: number;
  readonly seed: number;
  readonly dirtyRate: number;
  readonly dirtyWeights: Readonly<Record<DirtyKind, number>>;
  readonly format: OrdersFormat;
  readonly files: number;
  /** Day numbers of the first and last order date. */
  readonly startDay: number;
  readonly endDay: number;
  readonly onProgress: ((progress: GenerateProgress) => void) | undefined;
}

/** Default orders size. */
export const DEFAULT_SIZE = "300MB";
/** Default output directory. */
export const DEFAULT_OUT_DIR = "data/raw";
/** Default seed. */
export const DEFAULT_SEED = 42;
/** Default fraction of dirty rows. */
export const DEFAULT_DIRTY_RATE = 0.02;
/** Default first order date. */
export const DEFAULT_START_DATE = "2026-01-01";
/** Default last order date (inclusive). */
export const DEFAULT_END_DATE = "2026-03-31";
/** Default size of one orders file, used to pick the number of files. */
export const BYTES_PER_FILE = 128 * 2 ** 20;

/** Average bytes of one orders record, used to estimate rows from bytes and the other way round. */
const BYTES_PER_ROW: Record<OrdersFormat, number> = { csv: 78, json: 190 };

const UNITS: Record<string, number> = { B: 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/**
 * The number of bytes in a size like "300MB", "1.5GB", "20G", "512KiB" or "1000" (binary units).
 * Throws a {@link KindlingError} (exit code 2) when the text is not a positive size.
 */
export function parseSize(size: string | number): number {
  if (typeof size === "number") return checkPositive(size, "size", String(size));
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:([KMGT])(?:i?B)?|B)?\s*$/i.exec(size);
  if (!m) throw new KindlingError(`size "${size}" is not a size; expected e.g. "300MB", "1GB" or "20GB"`, 2);
  const unit = UNITS[(m[2] ?? "B").toUpperCase()]!;
  return checkPositive(Math.round(Number(m[1]) * unit), "size", size);
}

/**
 * Applies the defaults and checks every option.
 * Throws a {@link KindlingError} (exit code 2) naming the option when a value is out of range.
 */
export function resolveOptions(options: GenerateOptions = {}): ResolvedOptions {
  const format = options.format ?? "csv";
  if (format !== "csv" && format !== "json") {
    throw new KindlingError(`format "${String(format)}" is not supported; expected "csv" or "json"`, 2);
  }
  const rows = options.rows === undefined ? null : checkCount(options.rows, "rows", 0);
  const bytesTarget = rows === null ? parseSize(options.size ?? DEFAULT_SIZE) : null;
  const estimatedRows = rows ?? Math.ceil((bytesTarget ?? 0) / BYTES_PER_ROW[format]);
  const estimatedBytes = bytesTarget ?? estimatedRows * BYTES_PER_ROW[format];
  // Order ids are O + 9 digits; leave room for the estimate being low.
  if (estimatedRows > 900_000_000) {
    throw new KindlingError(
      `${estimatedRows} orders do not fit 9-digit order ids; ask for a smaller size`,
      2,
    );
  }
  const files =
    options.files === undefined
      ? Math.max(1, Math.ceil(estimatedBytes / BYTES_PER_FILE))
      : checkCount(options.files, "files", 1);
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isSafeInteger(seed)) throw new KindlingError(`seed ${seed} must be an integer`, 2);
  const dirtyRate = options.dirtyRate ?? DEFAULT_DIRTY_RATE;
  if (!(dirtyRate >= 0 && dirtyRate <= 1)) {
    throw new KindlingError(`dirty rate ${dirtyRate} must be between 0 and 1`, 2);
  }
  const dirtyWeights = { ...DEFAULT_DIRTY_WEIGHTS };
  for (const [kind, weight] of Object.entries(options.dirtyWeights ?? {})) {
    if (!(DIRTY_KINDS as readonly string[]).includes(kind)) {
      throw new KindlingError(`unknown dirty kind "${kind}"; expected one of ${DIRTY_KINDS.join(", ")}`, 2);
    }
    if (!(typeof weight === "number" && weight >= 0 && Number.isFinite(weight))) {
      throw new KindlingError(`weight of dirty kind "${kind}" must be a number >= 0`, 2);
    }
    dirtyWeights[kind as DirtyKind] = weight;
  }
  if (dirtyRate > 0 && Object.values(dirtyWeights).every((w) => w === 0)) {
    throw new KindlingError("every dirty kind has weight 0 but the dirty rate is above 0", 2);
  }
  const startDay = checkDay(options.startDate ?? DEFAULT_START_DATE, "start date");
  const endDay = checkDay(options.endDate ?? DEFAULT_END_DATE, "end date");
  if (endDay < startDay) throw new KindlingError("end date is before start date", 2);
  return {
    outDir: options.outDir ?? DEFAULT_OUT_DIR,
    bytesTarget,
    rows,
    estimatedRows,
    estimatedBytes,
    seed,
    dirtyRate,
    dirtyWeights,
    format,
    files,
    startDay,
    endDay,
    onProgress: options.onProgress,
  };
}

function checkPositive(n: number, name: string, text: string): number {
  if (!(Number.isFinite(n) && n > 0)) throw new KindlingError(`${name} "${text}" must be above 0`, 2);
  return n;
}

function checkCount(n: number, name: string, min: number): number {
  if (!(Number.isSafeInteger(n) && n >= min)) {
    throw new KindlingError(`${name} ${n} must be a whole number >= ${min}`, 2);
  }
  return n;
}

function checkDay(text: string, name: string): number {
  const day = parseDay(text);
  if (day === null) throw new KindlingError(`${name} "${text}" is not a yyyy-MM-dd date`, 2);
  return day;
}
