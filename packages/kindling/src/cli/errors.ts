/** A failure the CLI reports without a stack trace: the message says what and where, and what to do. */
export class KindlingError extends Error {
  /** 1 = data or pipeline failure, 2 = usage or spec error. */
  readonly exitCode: 1 | 2;
  constructor(message: string, exitCode: 1 | 2 = 1) {
    super(message);
    this.name = "KindlingError";
    this.exitCode = exitCode;
  }
}

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
