/**
 * One error family for the client. Every error carries a stable `code`; errors raised by the
 * server also carry Spark's error class, SQLSTATE, message parameters and hint.
 */
/** The stable category of every {@link SparkConnectError}; the comment on each says when it is used. */
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

/** The details a {@link SparkConnectError} carries besides its code and message (all optional). */
export interface SparkErrorDetails {
  /** Spark's error class, e.g. `TABLE_OR_VIEW_NOT_FOUND`. */
  errorClass?: string;
  /** The SQLSTATE, e.g. `42P01`. */
  sqlState?: string;
  /** The error class's message parameters, by name. */
  messageParameters?: Record<string, string>;
  /** A suggestion from the server or the client on how to fix the problem. */
  hint?: string;
  /** The server's stack trace, when it sent one; never part of `message`. */
  serverStackTrace?: string;
  /** The innermost cause Spark reported (via FetchErrorDetails), when the error had one. */
  rootCause?: SparkRootCause;
  /**
   * The messages of the server-side causes (FetchErrorDetails), outermost first, including the
   * JVM exceptions `message` leaves out (e.g. `java.io.IOException: No space left on device`
   * under `[TASK_WRITE_FAILED]`). Never part of `message`.
   */
  serverCauses?: string[];
  /** The underlying error (gRPC, file system…), kept as the JS `cause`. */
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
  /**
   * The client's stable category of the error (see {@link SparkErrorCode}); switch on this, not on the message.
   */
  readonly code: SparkErrorCode;
  /**
   * Spark's error class for server errors (e.g. `UNRESOLVED_COLUMN.WITH_SUGGESTION`, see Spark's error-conditions reference); undefined for client-side errors.
   */
  readonly errorClass: string | undefined;
  /** The SQLSTATE of a server error (e.g. `42703`), when Spark sent one. */
  readonly sqlState: string | undefined;
  /**
   * The message parameters of Spark's error class, by name (e.g. `{ objectName: "`x`" }`); empty when none.
   */
  readonly messageParameters: Record<string, string>;
  /** A suggestion on how to fix the problem, from the server or the client, when there is one. */
  readonly hint: string | undefined;
  /** The server's JVM stack trace when it sent one; never part of `message`. */
  readonly serverStackTrace: string | undefined;
  /**
   * The innermost exception of Spark's cause chain when the top error wraps others (e.g. the
   * `FileAlreadyExistsException` under `TASK_WRITE_FAILED`); it is also named in `message`.
   */
  readonly rootCause: SparkRootCause | undefined;
  /**
   * The messages of the server-side cause chain (FetchErrorDetails), outermost first; empty when none. Never part of `message`.
   */
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
    this.rootCause = details.rootCause;
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
  /** The server's log file: the first place to look for why it did not start. */
  readonly logFile: string;
  constructor(message: string, logFile: string) {
    super("SERVER_START", message);
    this.name = "SparkServerStartError";
    this.logFile = logFile;
  }
}
