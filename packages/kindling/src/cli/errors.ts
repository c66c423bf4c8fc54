import { KindlingError } from "../errors.js";

/** The text the CLI prints for an error: its message, never a stack (set KINDLING_DEBUG=1 for one). */
export function formatCliError(err: unknown): string {
  if (process.env.KINDLING_DEBUG && err instanceof Error && err.stack) return err.stack;
  const message = err instanceof Error ? err.message : String(err);
  return `kindling: ${message}`;
}

/** The process exit code for an error (see {@link KindlingError}). */
export function exitCodeFor(err: unknown): number {
  return err instanceof KindlingError ? err.exitCode : 1;
}
