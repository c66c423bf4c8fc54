import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Command, InvalidArgumentError, Option } from "commander";
import {
  type AppendedBatch,
  appendOrders,
  DEFAULT_DIRTY_RATE,
  DEFAULT_OUT_DIR,
  DEFAULT_SEED,
  DEFAULT_SIZE,
  DEFAULT_UPDATE_RATE,
  type GenerateProgress,
  type GenerateResult,
  generate,
  parseSize,
} from "../../datagen/index.js";
import { KindlingError } from "../../errors.js";
import { parseS3 } from "../../run/publish-s3.js";
import { credentialsFromEnv } from "../../storage/credentials.js";
import { s3Client } from "../../storage/objects.js";
import { uploadDirectory } from "../../storage/upload.js";

const MB = 2 ** 20;

/** Options of `kindling generate`, as commander parses them. */
interface GenerateCommandOptions {
  size: number;
  rows?: number;
  seed: number;
  dirtyRate: number;
  format: "csv" | "json";
  files?: number;
  startDate?: string;
  endDate?: string;
  out: string;
  json?: boolean;
  to?: string;
  s3Endpoint?: string;
  append?: boolean;
  updateRate: number;
}

/** Options that belong to the dataset being appended to (its manifest decides them). */
const DATASET_OPTIONS = ["seed", "dirtyRate", "format", "startDate", "endDate", "to"] as const;

/**
 * Adds `kindling generate`: writes the example dataset (orders, customers, products, manifest)
 * with progress on stderr and a summary on stdout (`--json`: the manifest).
 */
export function registerGenerate(program: Command): void {
  program
    .command("generate")
    .description("Write a seeded, realistic and deliberately dirty dataset for the example pipeline.")
    .option(
      "--size <size>",
      "target size of the orders, e.g. 300MB, 1GB, 20GB",
      parseSizeOption,
      parseSize(DEFAULT_SIZE),
    )
    .option("--rows <n>", "exact number of order records instead of --size", wholeNumber("--rows", 0))
    .option(
      "--seed <n>",
      "seed; the same seed gives byte-identical files",
      wholeNumber("--seed", 0),
      DEFAULT_SEED,
    )
    .option("--dirty-rate <rate>", "fraction of dirty order records, 0..1", fraction, DEFAULT_DIRTY_RATE)
    .addOption(new Option("--format <format>", "orders format").choices(["csv", "json"]).default("csv"))
    .option("--files <n>", "number of orders files (default: one per 128 MB)", wholeNumber("--files", 1))
    .option("--start-date <yyyy-MM-dd>", "first order date (default 2026-01-01)")
    .option("--end-date <yyyy-MM-dd>", "last order date (default 2026-03-31)")
    .option("--out <dir>", "output directory", DEFAULT_OUT_DIR)
    .option("--json", "print the manifest as JSON instead of a summary")
    .option(
      "--to <s3a-uri>",
      "upload the dataset to S3 (s3a://bucket/prefix); endpoint from --s3-endpoint or KINDLING_S3_ENDPOINT",
    )
    .option("--s3-endpoint <url>", "S3 endpoint for --to (credentials from AWS_* or AWS_PROFILE)")
    .option(
      "--append",
      "add a batch of new orders files to the dataset in --out (default size 128MB: one file); the manifest then describes every file",
    )
    .option(
      "--update-rate <rate>",
      "with --append: fraction of the batch's records that update an existing order (same order_id, later order_ts)",
      fraction,
      DEFAULT_UPDATE_RATE,
    )
    .action(async (opts: GenerateCommandOptions, cmd: Command) => {
      await (opts.append ? appendCommand(opts, cmd) : generateCommand(opts));
    });
}

/** `generate`: a new dataset in --out, or uploaded to --to (written to a temporary folder first). */
async function generateCommand(opts: GenerateCommandOptions): Promise<void> {
  const progress = progressPrinter();
  const target = opts.to;
  if (target && !/^s3a?:\/\//.test(target))
    // A KindlingError: commander's own errors thrown from an action end the CLI without a message.
    throw new KindlingError(`--to must be an s3a:// URI, got "${target}"`, 2);
  const outDir = target ? mkdtempSync(join(tmpdir(), "kindling-generate-")) : opts.out;
  const result = await generate({
    outDir,
    size: opts.size,
    rows: opts.rows,
    seed: opts.seed,
    dirtyRate: opts.dirtyRate,
    format: opts.format,
    files: opts.files,
    startDate: opts.startDate,
    endDate: opts.endDate,
    onProgress: progress.update,
  });
  progress.done();
  if (target) await uploadDataset(outDir, target, opts.s3Endpoint);
  process.stdout.write(opts.json ? `${JSON.stringify(result.manifest, null, 2)}\n` : summary(result));
}

/** `generate --append`: a new batch of orders files beside the dataset's own. */
async function appendCommand(opts: GenerateCommandOptions, cmd: Command): Promise<void> {
  const given = DATASET_OPTIONS.filter((o) => cmd.getOptionValueSource(o) === "cli");
  if (given.length)
    throw new KindlingError(
      `--append keeps the dataset's own ${given.map((o) => `--${o.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(", ")} (from its manifest.json); leave ${given.length > 1 ? "them" : "it"} out.`,
      2,
    );
  const progress = progressPrinter();
  const appended = await appendOrders({
    outDir: opts.out,
    ...(opts.rows !== undefined ? { rows: opts.rows } : {}),
    ...(cmd.getOptionValueSource("size") === "cli" ? { size: opts.size } : {}),
    ...(opts.files !== undefined ? { files: opts.files } : {}),
    updateRate: opts.updateRate,
    onProgress: progress.update,
  });
  progress.done();
  process.stdout.write(
    opts.json
      ? `${JSON.stringify(appended.manifest, null, 2)}\n`
      : appendSummary(opts.out, appended.batch, appended.manifest.expected.validOut),
  );
}

/** Uploads the generated folder to an s3a:// URI, then removes the folder. */
async function uploadDataset(outDir: string, target: string, s3Endpoint: string | undefined): Promise<void> {
  const endpoint = s3Endpoint ?? process.env.KINDLING_S3_ENDPOINT ?? process.env.AWS_ENDPOINT_URL;
  if (!endpoint)
    throw new KindlingError("--to needs an S3 endpoint: --s3-endpoint <url> or KINDLING_S3_ENDPOINT.", 2);
  const client = s3Client(endpoint, credentialsFromEnv());
  try {
    const { bucket, key } = parseS3(target);
    const up = await uploadDirectory(client, outDir, bucket, key);
    process.stderr.write(
      `kindling: uploaded ${up.files} file(s), ${(up.bytes / MB).toFixed(1)} MB to ${target}\n`,
    );
  } finally {
    client.destroy();
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** Prints progress at most every 250 ms: one rewritten line on a terminal, a line every 2 s otherwise. */
function progressPrinter(): { update: (p: GenerateProgress) => void; done: () => void } {
  const tty = process.stderr.isTTY === true;
  const every = tty ? 250 : 2000;
  let last = -Infinity;
  let line = "";
  return {
    update(p) {
      if (p.elapsedMs - last < every && p.bytesWritten < p.bytesTarget) return;
      last = p.elapsedMs;
      const mbps = p.bytesWritten / MB / Math.max(p.elapsedMs / 1000, 0.001);
      const percent = Math.min(100, (100 * p.bytesWritten) / Math.max(p.bytesTarget, 1));
      line = `generate: ${(p.bytesWritten / MB).toFixed(1)} MB of ${(p.bytesTarget / MB).toFixed(1)} MB (${percent.toFixed(0)}%), ${mbps.toFixed(1)} MB/s, file ${p.fileIndex + 1}/${p.files}`;
      process.stderr.write(tty ? `\r${line}\u001b[K` : `${line}\n`);
    },
    done() {
      if (tty && line) process.stderr.write("\n");
    },
  };
}

function summary({ outDir, manifest, elapsedMs }: GenerateResult): string {
  const { orders, expected, dirty } = manifest;
  const seconds = elapsedMs / 1000;
  const reasons = Object.entries(expected.quarantinedByReason)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(", ");
  return [
    `Wrote ${outDir} in ${seconds.toFixed(1)} s (${(orders.bytes / MB / seconds).toFixed(1)} MB/s of orders):`,
    `  orders     ${orders.rows} records, ${(orders.bytes / MB).toFixed(1)} MB in ${orders.files.length} ${manifest.format} file(s)`,
    `  customers  ${manifest.customers.rows}, products ${manifest.products.rows}`,
    `  dirty      ${dirty.total} (${((100 * dirty.total) / Math.max(orders.rows, 1)).toFixed(2)}%)`,
    `  expected   ${expected.validOut} valid orders, ${expected.quarantined} quarantined (${reasons}), ${expected.duplicates} duplicates`,
    `             revenue ${expected.totalRevenue}; see ${outDir}/manifest.json`,
    "",
  ].join("\n");
}

function appendSummary(outDir: string, batch: AppendedBatch, validOut: number): string {
  return [
    `Appended batch ${batch.batch} to ${outDir}: ${batch.rows} records (${batch.updates} update existing orders), ${(batch.bytes / MB).toFixed(1)} MB in ${batch.files.join(", ")}`,
    `  expected over every file: ${validOut} valid orders; see ${outDir}/manifest.json`,
    "",
  ].join("\n");
}

function parseSizeOption(value: string): number {
  try {
    return parseSize(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

function wholeNumber(flag: string, min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`${flag} must be a whole number >= ${min}.`);
    }
    return n;
  };
}

function fraction(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !(n >= 0 && n <= 1))
    throw new InvalidArgumentError("must be a number from 0 to 1.");
  return n;
}
