/**
 * A gRPC server-streaming call read straight off its HTTP/2 stream, for the result streams of
 * ExecutePlan and ReattachExecute (every other call goes through connect-es).
 *
 * Why: connect-es passes each HTTP/2 chunk (~12 KiB) through a chain of async iterables before
 * its envelope decoder; a result of 1M rows is ~7,000 chunks, and the Node CPU this costs is taken
 * from the cores the Spark server needs at the same time. Reading them here cut a 1M-row
 * `toArrow()` from ~450 to ~380 ms of Node CPU (bench/README.md, "To Arrow: ExecutePlan's result
 * stream read by the client itself"). Chunks are split into messages in the stream's `data`
 * handler ({@link EnvelopeReader}) and only whole messages are queued for the consumer.
 *
 * Errors are connect-es's `ConnectError`s with the codes its gRPC transport gives the same
 * failures (HTTP status, `grpc-status` trailers with `grpc-status-details-bin`, HTTP/2 reset codes,
 * socket errors), so the client's retry and error mapping (`isTransient`, `toSparkError`) are
 * unchanged, with one difference: a stream that ends without `grpc-status` is UNAVAILABLE (the
 * connection went away; the client re-attaches) where connect-es says INTERNAL. Session handling
 * (connect, keep-alive pings, GOAWAY, TLS) stays connect-node's `Http2SessionManager`.
 */
import { type ClientHttp2Stream, constants, type IncomingHttpHeaders } from "node:http2";
import { type DescMessage, fromBinary, type MessageShape } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { requestHeader, validateResponse, validateTrailer } from "@connectrpc/connect/protocol-grpc";
import type { Http2SessionManager } from "@connectrpc/connect-node";
import { EnvelopeReader, envelope } from "./envelope.js";

/** Decoded messages held before the HTTP/2 stream is paused (the server then waits on the window). */
const HIGH_WATER_MESSAGES = 16;

export interface ServerStreamCall<O extends DescMessage> {
  sessions: Http2SessionManager;
  /** `/package.Service/Method`. */
  path: string;
  /** Request headers besides gRPC's own (authorization, user-agent, …). */
  headers: Record<string, string>;
  /** The serialized request message. */
  request: Uint8Array;
  output: O;
  signal?: AbortSignal;
}

/**
 * Starts the call and yields each response message in order. Throws `ConnectError`: the
 * server's status when it is not OK, CANCELED when `signal` aborts, and for transport failures the
 * code connect-es's gRPC transport would give. Ending the iteration early resets the stream
 * (HTTP/2 CANCEL).
 */
export async function* serverStream<O extends DescMessage>(
  call: ServerStreamCall<O>,
): AsyncGenerator<MessageShape<O>> {
  if (call.signal?.aborted) throw aborted();
  const headers: Record<string, string> = {};
  requestHeader(true, undefined, call.headers).forEach((v, k) => {
    headers[k] = v;
  });
  const stream = await call.sessions.request("POST", call.path, headers, {}).catch((e: unknown) => {
    throw connectErrorOf(e);
  });
  const state = new StreamState(stream, call);
  try {
    stream.end(envelope(call.request));
    for (;;) {
      const next = await state.next();
      if (next === undefined) return;
      yield next;
    }
  } finally {
    state.close();
  }
}

/** The stream's events turned into a queue of decoded messages and one final outcome. */
class StreamState<O extends DescMessage> {
  private readonly queue: MessageShape<O>[] = [];
  private readonly reader = new EnvelopeReader();
  private responseHeaders: Headers | undefined;
  private trailers = new Headers();
  private ended = false;
  private failure: ConnectError | undefined;
  private wake: (() => void) | undefined;
  private readonly onAbort = () => {
    this.queue.length = 0; // a cancelled call yields nothing more
    this.fail(aborted());
  };

  constructor(
    private readonly stream: ClientHttp2Stream,
    private readonly call: ServerStreamCall<O>,
  ) {
    stream.on("response", (h) => this.onResponse(h));
    stream.on("data", (chunk: Buffer) => this.onData(chunk));
    stream.on("trailers", (t) => {
      this.trailers = webHeaders(t);
    });
    stream.on("end", () => this.onEnd());
    stream.on("error", (e) => this.fail(connectErrorOf(e)));
    stream.on("close", () => this.onClose());
    call.signal?.addEventListener("abort", this.onAbort, { once: true });
    if (call.signal?.aborted) this.onAbort(); // aborted while the stream was being opened
  }

  /** The next message, or undefined once the call has ended OK; throws its failure. */
  async next(): Promise<MessageShape<O> | undefined> {
    for (;;) {
      const m = this.queue.shift();
      if (m !== undefined) {
        if (this.queue.length < HIGH_WATER_MESSAGES / 2 && this.stream.isPaused()) this.stream.resume();
        return m;
      }
      if (this.failure) throw this.failure;
      if (this.ended) return undefined;
      await new Promise<void>((r) => {
        this.wake = r;
      });
    }
  }

  /** Detaches from the signal and resets the stream if it is still open. */
  close(): void {
    this.call.signal?.removeEventListener("abort", this.onAbort);
    if (!this.ended && !this.stream.closed) this.stream.close(constants.NGHTTP2_CANCEL);
  }

  private onResponse(h: IncomingHttpHeaders): void {
    this.responseHeaders = webHeaders(h);
    try {
      const { headerError } = validateResponse(Number(h[":status"] ?? 0), this.responseHeaders);
      if (headerError) this.fail(headerError); // a trailers-only response: the status is in the headers
    } catch (e) {
      this.fail(connectErrorOf(e));
    }
  }

  private onData(chunk: Buffer): void {
    if (this.failure) return;
    this.call.sessions.notifyResponseByteRead(this.stream);
    try {
      for (const bytes of this.reader.push(chunk)) this.queue.push(fromBinary(this.call.output, bytes));
    } catch (e) {
      this.fail(connectErrorOf(e));
      return;
    }
    if (this.queue.length >= HIGH_WATER_MESSAGES) this.stream.pause();
    this.signal();
  }

  private onEnd(): void {
    if (this.failure) return;
    try {
      const headers = this.responseHeaders ?? new Headers();
      if (!this.trailers.has("grpc-status") && !headers.has("grpc-status")) {
        // The HTTP/2 stream ended without gRPC's status: the connection went away mid-call (a
        // proxy or the server dropped it). Transient, as the client treats a reset connection.
        throw new ConnectError(
          "the stream closed before the server sent the call's status",
          Code.Unavailable,
        );
      }
      if (!this.reader.atBoundary)
        throw new ConnectError("protocol error: the stream ended inside a message", Code.Internal);
      validateTrailer(this.trailers, headers);
      this.ended = true;
      this.signal();
    } catch (e) {
      this.fail(connectErrorOf(e));
    }
  }

  /** A stream closed without `end`: reset by the server or torn down with its connection. */
  private onClose(): void {
    if (this.ended || this.failure) return;
    this.fail(
      resetError(this.stream.rstCode) ??
        new ConnectError("http/2 stream closed before the call completed", Code.Unavailable),
    );
  }

  private fail(e: ConnectError): void {
    if (this.failure || this.ended) return;
    this.failure = e;
    this.signal();
  }

  private signal(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }
}

function aborted(): ConnectError {
  return new ConnectError("This operation was aborted", Code.Canceled);
}

function webHeaders(h: IncomingHttpHeaders): Headers {
  const out = new Headers();
  for (const [k, v] of Object.entries(h)) {
    if (k.startsWith(":") || v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) out.append(k, one);
  }
  return out;
}

/**
 * HTTP/2 reset codes that are errors, with connect-node's gRPC codes for them (STREAM_CLOSED and
 * NO_ERROR are not errors by themselves, per gRPC's PROTOCOL-HTTP2.md).
 */
const RESET_CODES = new Map<number, Code>([
  ...[
    constants.NGHTTP2_PROTOCOL_ERROR,
    constants.NGHTTP2_INTERNAL_ERROR,
    constants.NGHTTP2_FLOW_CONTROL_ERROR,
    constants.NGHTTP2_SETTINGS_TIMEOUT,
    constants.NGHTTP2_FRAME_SIZE_ERROR,
    constants.NGHTTP2_COMPRESSION_ERROR,
    constants.NGHTTP2_CONNECT_ERROR,
  ].map((rst): [number, Code] => [rst, Code.Internal]),
  [constants.NGHTTP2_REFUSED_STREAM, Code.Unavailable],
  [constants.NGHTTP2_CANCEL, Code.Canceled],
  [constants.NGHTTP2_ENHANCE_YOUR_CALM, Code.ResourceExhausted],
  [constants.NGHTTP2_INADEQUATE_SECURITY, Code.PermissionDenied],
  [constants.NGHTTP2_HTTP_1_1_REQUIRED, Code.PermissionDenied],
]);

/** The error a stream reset with `rstCode` ends its call with, if that code is an error. */
function resetError(rstCode: number | undefined): ConnectError | undefined {
  const code = rstCode === undefined ? undefined : RESET_CODES.get(rstCode);
  return code === undefined
    ? undefined
    : new ConnectError(`http/2 stream closed with error code 0x${rstCode!.toString(16)}`, code);
}

/**
 * A Node or HTTP/2 failure as a ConnectError, with connect-node's codes: a connection that cannot
 * be made is UNAVAILABLE, a reset or destroyed stream ABORTED, anything else INTERNAL. The
 * original error is kept as `cause`; its message (ECONNRESET, GOAWAY, …) stays in the text the
 * client's retry logic reads.
 */
export function connectErrorOf(e: unknown): ConnectError {
  if (e instanceof ConnectError) return e;
  const codes: string[] = [];
  for (let c: unknown = e, hops = 0; c instanceof Error && hops < 8; c = c.cause, hops++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === "string") codes.push(code);
  }
  const has = (...names: string[]) => codes.some((c) => names.includes(c));
  const code = has(
    "ERR_STREAM_WRITE_AFTER_END",
    "ERR_STREAM_DESTROYED",
    "ERR_HTTP2_INVALID_STREAM",
    "ECONNRESET",
  )
    ? Code.Aborted
    : has("ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED")
      ? Code.Unavailable
      : Code.Internal;
  const out = ConnectError.from(e, code);
  if (out !== e) out.cause = e;
  return out;
}
