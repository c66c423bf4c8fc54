import { Code, ConnectError } from "@connectrpc/connect";
import { oneLine, SparkConnectError, type SparkErrorCode, type SparkRootCause } from "../errors.js";
import { ErrorInfoSchema } from "../gen/google/rpc/error_details_pb.js";
import type {
  FetchErrorDetailsResponse,
  FetchErrorDetailsResponse_Error,
} from "../gen/spark/connect/base_pb.js";

/** Suggestions for the error classes users meet most, appended to the message. */
const HINTS: [RegExp, string][] = [
  [
    /^UNRESOLVED_COLUMN/,
    "Check the column name against the DataFrame's columns; quote names with special characters in backticks.",
  ],
  [
    /^(PATH_NOT_FOUND|UNABLE_TO_INFER_SCHEMA)/,
    "Check that the path exists and is readable by the Spark server (paths are resolved on the server, not the client).",
  ],
  [/^PARSE_SYNTAX_ERROR/, "Fix the SQL near the position given."],
  [
    /^TABLE_OR_VIEW_NOT_FOUND/,
    "Create the view first (createOrReplaceTempView) or check the table name and catalog.",
  ],
  [
    /^UNRESOLVED_ROUTINE/,
    "Check the function name; Spark SQL's built-in functions are listed by SHOW FUNCTIONS.",
  ],
  [
    /^CAST_INVALID_INPUT/,
    "Use tryCast (or try_cast in SQL) to turn bad values into nulls, or clean the input first.",
  ],
  [/^DIVIDE_BY_ZERO/, "Guard the divisor, or use try_divide to get null instead."],
];

function hintFor(errorClass: string | undefined): string | undefined {
  if (!errorClass) return undefined;
  return HINTS.find(([re]) => re.test(errorClass))?.[1];
}

/**
 * Makes one readable paragraph from a Spark error message: the analyzed plan Spark appends after
 * the first line is dropped (it stays in `serverStackTrace`-like detail only through FetchErrorDetails).
 */
export function oneParagraph(message: string): string {
  const firstBlock = message.trimStart().split(/;\s*\n|\n/)[0] ?? message;
  return firstBlock.replace(/;\s*$/, "").trim();
}

/**
 * Spark's cause chain from the top error (`rootErrorIdx`, the error the RPC failed with) down to
 * the innermost cause, following each error's `causeIdx` (FetchErrorDetailsResponse in base.proto).
 */
export function causeChain(details: FetchErrorDetailsResponse): FetchErrorDetailsResponse_Error[] {
  const chain: FetchErrorDetailsResponse_Error[] = [];
  const seen = new Set<number>();
  for (let i: number | undefined = details.rootErrorIdx ?? 0; i !== undefined && !seen.has(i); ) {
    const e: FetchErrorDetailsResponse_Error | undefined = details.errors[i];
    if (!e) break;
    seen.add(i);
    chain.push(e);
    i = e.causeIdx;
  }
  return chain;
}

/** The innermost cause of a chain of two or more errors (a lone error is its own explanation). */
export function rootCauseOf(chain: FetchErrorDetailsResponse_Error[]): SparkRootCause | undefined {
  const last = chain.length > 1 ? chain[chain.length - 1] : undefined;
  if (!last) return undefined;
  return { className: last.errorTypeHierarchy[0] ?? "unknown", message: oneLine(last.message) };
}

/**
 * The message for a server error: the top error's first paragraph, then the Spark errors it wraps
 * ("Caused by: …") and the root cause ("Root cause: class: message") when not already said.
 */
function serverMessage(chain: FetchErrorDetailsResponse_Error[], fallback: string, root?: SparkRootCause) {
  let message = oneParagraph(chain[0]?.message ?? fallback);
  // Spark often wraps the telling error (a malformed record, a bad cast) in a generic one
  // ("error while reading file"): name the Spark causes too, still in one paragraph.
  const seen = new Set([message]);
  for (const cause of chain.slice(1, 6)) {
    const text = oneParagraph(cause.message);
    if (cause.sparkThrowable?.errorClass && text && !seen.has(text)) {
      seen.add(text);
      message = `${message.replace(/\s+$/, "")} Caused by: ${text}`;
    }
  }
  if (root && !message.includes(root.message)) {
    message = `${message.replace(/[\s.]+$/, "")}. Root cause: ${root.className}: ${root.message}`;
  }
  return message;
}

/** Error details the server attached to a failed RPC, decoded from google.rpc.ErrorInfo. */
export interface ServerErrorInfo {
  reason: string;
  errorClass?: string;
  sqlState?: string;
  messageParameters?: Record<string, string>;
  errorId?: string;
  classes?: string[];
  stackTrace?: string;
}

export function serverErrorInfo(err: ConnectError): ServerErrorInfo | undefined {
  const info = err.findDetails(ErrorInfoSchema)[0];
  if (!info) return undefined;
  const md = info.metadata;
  const parse = <T>(s: string | undefined): T | undefined => {
    if (!s) return undefined;
    try {
      return JSON.parse(s) as T;
    } catch {
      return undefined;
    }
  };
  return {
    reason: info.reason,
    ...(md.errorClass ? { errorClass: md.errorClass } : {}),
    ...(md.sqlState ? { sqlState: md.sqlState } : {}),
    ...(md.messageParameters
      ? { messageParameters: parse<Record<string, string>>(md.messageParameters) ?? {} }
      : {}),
    ...(md.errorId ? { errorId: md.errorId } : {}),
    ...(md.classes ? { classes: parse<string[]>(md.classes) ?? [] } : {}),
    ...(md.stackTrace ? { stackTrace: md.stackTrace } : {}),
  };
}

/**
 * Codes a call ends with when the connection, not Spark, failed. connect-node maps a socket reset
 * (`read ECONNRESET`, a server killed mid-call) to Aborted and other socket errors to Internal.
 */
const TRANSPORT_CODES = new Set([
  Code.Unavailable,
  Code.Canceled,
  Code.Aborted,
  Code.DeadlineExceeded,
  Code.Internal,
  Code.Unknown,
]);

function codeFor(err: ConnectError, info: ServerErrorInfo | undefined): SparkErrorCode {
  // Spark's own errors always carry ErrorInfo: without it, the failure is the transport's (a reset
  // HTTP/2 stream, a dead server); our own cancellations are reported before this.
  if (!info) return TRANSPORT_CODES.has(err.code) ? "UNAVAILABLE" : "EXECUTION";
  const classes = info?.classes ?? [info?.reason ?? ""];
  if (classes.some((c) => /AnalysisException|ParseException/.test(c))) return "ANALYSIS";
  if (
    info?.errorClass?.startsWith("OPERATION_CANCELED") ||
    classes.some((c) => /InterruptedException|TaskKilled/.test(c))
  )
    return "INTERRUPTED";
  return "EXECUTION";
}

/**
 * Converts anything thrown by a gRPC call into a {@link SparkConnectError} carrying Spark's error
 * class, SQLSTATE, message parameters and a hint. `details` (from FetchErrorDetails) refines it.
 */
export function toSparkError(
  err: unknown,
  details?: FetchErrorDetailsResponse,
  target?: string,
): SparkConnectError {
  if (err instanceof SparkConnectError) return err;
  if (!(err instanceof ConnectError)) {
    const e = err as Error;
    return new SparkConnectError("INTERNAL", e?.message ?? String(err), { cause: err });
  }
  const info = serverErrorInfo(err);
  const chain = details ? causeChain(details) : [];
  const root = chain[0];
  const rootCause = rootCauseOf(chain);
  const throwable = root?.sparkThrowable;
  const errorClass = throwable?.errorClass ?? info?.errorClass;
  const sqlState = throwable?.sqlState ?? info?.sqlState;
  const messageParameters = { ...(info?.messageParameters ?? {}), ...(throwable?.messageParameters ?? {}) };
  const code = codeFor(err, info);
  let message: string;
  if (code === "UNAVAILABLE" && !info) {
    message =
      `The Spark Connect server${target ? ` at ${target}` : ""} is unreachable or went away (${err.rawMessage.trim() || Code[err.code]}). ` +
      "Check that it is running; a local server's log is in ~/.cache/kindling/logs.";
  } else {
    message = serverMessage(chain, err.rawMessage, rootCause);
  }
  const serverCauses: string[] = [];
  for (let i = root?.causeIdx, hops = 0; details && i !== undefined && hops < 16; hops++) {
    const cause = details.errors[i];
    if (!cause) break;
    serverCauses.push(`${cause.errorTypeHierarchy[0] ?? "?"}: ${cause.message}`);
    i = cause.causeIdx;
  }
  const hint = hintFor(errorClass);
  if (hint && code !== "UNAVAILABLE") message = `${message}. ${hint}`.replace(/\.\. /, ". ");
  const stack = root?.stackTrace?.length
    ? root.stackTrace
        .map((s) => `at ${s.declaringClass}.${s.methodName}(${s.fileName ?? "?"}:${s.lineNumber})`)
        .join("\n")
    : info?.stackTrace;
  return new SparkConnectError(code, message, {
    ...(errorClass ? { errorClass } : {}),
    ...(sqlState ? { sqlState } : {}),
    messageParameters,
    ...(hint ? { hint } : {}),
    ...(stack ? { serverStackTrace: stack } : {}),
    ...(rootCause ? { rootCause } : {}),
    ...(serverCauses.length ? { serverCauses } : {}),
    cause: err,
  });
}

/** True for failures where the operation may still be alive on the server and can be re-attached. */
export function isTransient(err: unknown): boolean {
  if (!(err instanceof ConnectError)) return false;
  if (serverErrorInfo(err)) return false; // the server answered with a real error
  if (err.code === Code.Unavailable || err.code === Code.DeadlineExceeded) return true;
  if (err.code === Code.Canceled && /stream closed|CANCEL|aborted/i.test(err.rawMessage)) return true;
  return (
    (err.code === Code.Internal || err.code === Code.Unknown || err.code === Code.Aborted) &&
    /ECONNRESET|ECONNREFUSED|EPIPE|socket|stream|closed|GOAWAY|RST|hang up|premature/i.test(err.rawMessage)
  );
}
