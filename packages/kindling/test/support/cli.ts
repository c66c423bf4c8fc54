import { execFile } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root and the CLI's entry, as a user runs it (`npx kindling …`). */
export const REPO_ROOT = join(fileURLToPath(import.meta.url), "../../../../..");
export const KINDLING_BIN = join(REPO_ROOT, "packages/kindling/bin/kindling.mjs");

export interface CliResult {
  stdout: string;
  stderr: string;
  /** The process's exit code (null when a signal ended it). */
  code: number | null;
}

export interface CliOptions {
  cwd?: string;
  /** Added to this process's environment. */
  env?: Record<string, string>;
  /** Kill the CLI after this long (ms); default 10 min. */
  timeoutMs?: number;
}

/** Runs the real `kindling` CLI in a child process and resolves with its output and exit code. */
export function kindling(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [KINDLING_BIN, ...args],
      {
        cwd: options.cwd ?? REPO_ROOT,
        env: { ...process.env, ...options.env },
        timeout: options.timeoutMs ?? 600_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : null) : 0;
        resolve({ stdout, stderr, code });
      },
    );
  });
}
