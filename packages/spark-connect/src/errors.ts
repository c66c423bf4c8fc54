/**
 * One error family for the client. Every error carries a stable `code`; errors raised by the
 * server also carry Spark's error class, SQLSTATE, message parameters and hint.
 */
export type SparkErrorCode =
  | "ANALYSIS" // the server rejected the query (unknown column, bad SQL, missing file…)
  | "EXECUTION" // the query failed while running
  | "UNAVAILABLE" // the server could not be reached or went away
  | "INTERRUPTED" // the operation was interrupted
  | "INVALID_ARGUMENT" // the client was called wrongly
  | "PROVISION" // Spark could not be provisioned (Java/Maven missing, download failed)
  | "SERVER_START" // the local server did not start
  | "PROTOCOL" // the server sent something the client does not understand
  | "INTERNAL";

export interface SparkErrorDetails {
  errorClass?: string;
  sqlState?: string;
  messageParameters?: Record<string, string>;
  /** A suggestion from the server or the client on how to fix the problem. */
  hint?: string;
  /** The server's stack trace, when it sent one; never part of `message`. */
  serverStackTrace?: string;
  /**
   * The messages of the server-side causes (FetchErrorDetails), outermost first, including the
   * JVM exceptions `message` leaves out (e.g. `java.io.IOException: No space left on device`
   * under `[TASK_WRITE_FAILED]`). Never part of `message`.
   */
  serverCauses?: string[];
  cause?: unknown;
}

/** The base of every error the client throws. `message` is one readable paragraph. */
export class SparkConnectError extends Error {
  readonly code: SparkErrorCode;
  readonly errorClass: string | undefined;
  readonly sqlState: string | undefined;
  readonly messageParameters: Record<string, string>;
  readonly hint: string | undefined;
  readonly serverStackTrace: string | undefined;
  readonly serverCauses: string[];

  constructor(code: SparkErrorCode, message: string, details: SparkErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "SparkConnectError";
    this.code = code;
    this.errorClass = details.errorClass;
    this.sqlState = details.sqlState;
    this.messageParameters = details.messageParameters ?? {};
    this.hint = details.hint;
    this.serverStackTrace = details.serverStackTrace;
    this.serverCauses = details.serverCauses ?? [];
  }
}

/** Spark could not be provisioned (missing Java or Maven, failed download). */
export class SparkProvisionError extends SparkConnectError {
  constructor(message: string) {
    super("PROVISION", message);
    this.name = "SparkProvisionError";
  }
}

/** The local Spark Connect server did not start; `logTail` holds the end of its log. */
export class SparkServerStartError extends SparkConnectError {
  readonly logFile: string;
  constructor(message: string, logFile: string) {
    super("SERVER_START", message);
    this.name = "SparkServerStartError";
    this.logFile = logFile;
  }
}
