/**
 * The one error family of `@kindling/kindling` (like connect-es's `ConnectError` + `Code`): every
 * failure a user should read without a stack trace is a {@link KindlingError} with a stable
 * {@link KindlingErrorCode}. Lower layers throw it; the CLI only formats it (cli/errors.ts).
 */

/**
 * Stable codes a program may branch on. `exitCode` follows from the code: 2 for `usage` and
 * `spec` (the command or the spec must change), 1 for everything else.
 */
export type KindlingErrorCode =
  /** A command line that cannot be run as given (unknown option, missing argument). */
  | "usage"
  /** A pipeline spec that does not validate (file:line, YAML path, what to change). */
  | "spec"
  /** The data broke the run: counts that do not add up, a failed dataset rule, malformed input. */
  | "data"
  /** A write or publish that could not complete (permissions, disk, a path that escapes). */
  | "output"
  /** Another run holds the lock on an output folder. */
  | "locked"
  /** Another run committed to the same Delta table while this run was working (nothing was written). */
  | "conflict"
  /** A required program, file or server is missing or not reachable. */
  | "environment"
  /** Spark (or the Spark Connect server) failed the query. */
  | "spark"
  /** Anything else the run reports as a failure. */
  | "failed";

/** A failure the CLI reports without a stack trace: the message says what and where, and what to do. */
export class KindlingError extends Error {
  /** 1 = data or pipeline failure, 2 = usage or spec error. */
  readonly exitCode: 1 | 2;
  readonly code: KindlingErrorCode;
  /**
   * @param message what failed, where (file, line, step, output) and what to do about it
   * @param exitCodeOrCode 1 / 2 (legacy form: code `failed` / `usage`) or a {@link KindlingErrorCode}
   */
  constructor(message: string, exitCodeOrCode: 1 | 2 | KindlingErrorCode = 1, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "KindlingError";
    this.code =
      typeof exitCodeOrCode === "string" ? exitCodeOrCode : exitCodeOrCode === 2 ? "usage" : "failed";
    this.exitCode = this.code === "usage" || this.code === "spec" ? 2 : 1;
  }
}
