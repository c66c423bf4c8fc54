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
  | "DECODE" // a result value has no faithful JS value under the chosen decode options
  | "INTERNAL";

/** The innermost error of Spark's cause chain: the Java/Scala exception that started the failure. */
export interface SparkRootCause {
  /** Fully qualified class, e.g. `org.apache.hadoop.fs.FileAlreadyExistsException`. */
  className: string;
  /** Its message as one line (whitespace collapsed, cut at 500 characters). */
  message: string;
}

export interface SparkErrorDetails {
  errorClass?: string;
  sqlState?: string;
  messageParameters?: Record<string, string>;
  /** A suggestion from the server or the client on how to fix the problem. */
  hint?: string;
  /** The server's stack trace, when it sent one; never part of `message`. */
  serverStackTrace?: string;
  /** The innermost cause Spark reported (via FetchErrorDetails), when the error had one. */
  rootCause?: SparkRootCause;
  cause?: unknown;
}

/** Text from the server as one line: whitespace collapsed, control characters escaped, cut at `max`. */
export function oneLine(text: string, max = 500): string {
  const flat = text
    .replace(/\s+/g, " ")
    .trim()
    .replace(/\p{Cc}/gu, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The base of every error the client throws. `message` is one readable paragraph. */
export class SparkConnectError extends Error {
  readonly code: SparkErrorCode;
  readonly errorClass: string | undefined;
  readonly sqlState: string | undefined;
  readonly messageParameters: Record<string, string>;
  readonly hint: string | undefined;
  readonly serverStackTrace: string | undefined;
  /**
   * The innermost exception of Spark's cause chain when the top error wraps others (e.g. the
   * `FileAlreadyExistsException` under `TASK_WRITE_FAILED`); it is also named in `message`.
   */
  readonly rootCause: SparkRootCause | undefined;

  constructor(code: SparkErrorCode, message: string, details: SparkErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "SparkConnectError";
    this.code = code;
    this.errorClass = details.errorClass;
    this.sqlState = details.sqlState;
    this.messageParameters = details.messageParameters ?? {};
    this.hint = details.hint;
    this.serverStackTrace = details.serverStackTrace;
    this.rootCause = details.rootCause;
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
