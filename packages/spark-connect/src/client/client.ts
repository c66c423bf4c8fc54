import { randomUUID } from "node:crypto";
import type { ClientHttp2Stream, Http2Session } from "node:http2";
import { create, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import { type Client, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { SparkConnectError } from "../errors.js";
import {
  type AddArtifactsResponse,
  type AnalyzePlanRequestSchema,
  type AnalyzePlanResponse,
  type ConfigRequest_OperationSchema,
  ExecutePlanRequestSchema,
  type ExecutePlanResponse,
  ExecutePlanResponseSchema,
  InterruptRequest_InterruptType,
  type Plan,
  ReattachExecuteRequestSchema,
  SparkConnectService,
  type UserContext,
} from "../gen/spark/connect/base_pb.js";
import { type Artifact, artifactRequests } from "./artifacts.js";
import { isTransient, serverErrorInfo, toSparkError } from "./errors.js";
import { serverStream } from "./server-stream.js";
import type { ConnectionSpec } from "./url.js";

const CLIENT_TYPE = "kindling-spark-connect/0.1 node";

/** How the client retries re-attaching after a dropped connection. */
export interface RetryPolicy {
  /** Re-attach attempts before giving up with UNAVAILABLE (default 12). */
  maxRetries: number;
  /** Wait before the first retry, milliseconds (default 50); doubled on each further attempt. */
  initialBackoffMs: number;
  /** Upper bound of the wait between retries, milliseconds (default 2000). */
  maxBackoffMs: number;
}

/** HTTP/2 per-stream receive window: room for several Arrow batches in flight. */
const RECEIVE_WINDOW_BYTES = 16 * 1024 * 1024;

/**
 * The connection-level window is a separate HTTP/2 setting that Node leaves at 64 KiB and exposes
 * only on the session object, so the stream windows above could not all be used at once.
 */
class WideWindowSessionManager extends Http2SessionManager {
  private readonly widened = new WeakSet<Http2Session>();

  override async request(...args: Parameters<Http2SessionManager["request"]>): Promise<ClientHttp2Stream> {
    const stream = await super.request(...args);
    const session = stream.session;
    if (session && !this.widened.has(session)) {
      this.widened.add(session);
      session.setLocalWindowSize(RECEIVE_WINDOW_BYTES * 2);
    }
    return stream;
  }
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 12, initialBackoffMs: 50, maxBackoffMs: 2_000 };

export interface ExecuteOptions {
  tags?: string[];
  signal?: AbortSignal;
}

/**
 * The RPC layer: one gRPC channel to a Spark Connect server, the session's identity, and the
 * retry/re-attach logic. Everything above it (DataFrame, reader, writer) builds plans and calls
 * `execute` / `analyze` / `config`.
 */
export class SparkConnectClient {
  readonly sessionId: string;
  readonly userContext: UserContext;
  readonly target: string;
  readonly retry: RetryPolicy;
  private readonly rpc: Client<typeof SparkConnectService>;
  /** The HTTP/2 connection `rpc` uses; ExecutePlan's result streams are read off it directly. */
  private readonly sessions: Http2SessionManager;
  /** Headers every call sends (user agent, authorization, the connection string's extras). */
  private readonly headers: Record<string, string>;
  private serverSideSessionId: string | undefined;
  /** Operation ids of executions still running, for interruptAll bookkeeping and tests. */
  readonly running = new Set<string>();
  /** Incremented on each re-attach; tests and metrics read it. */
  reattachCount = 0;
  /** gRPC calls started on this client, by the protocol's method name (see rpcCounts). */
  private readonly calls = new Map<string, number>();

  constructor(spec: ConnectionSpec, retry: RetryPolicy = DEFAULT_RETRY) {
    this.sessionId = spec.sessionId ?? randomUUID();
    this.userContext = {
      $typeName: "spark.connect.UserContext",
      userId: spec.userId,
      userName: spec.userId,
      extensions: [],
    };
    this.target = `${spec.host}:${spec.port}`;
    this.retry = retry;
    const headers: Record<string, string> = { ...spec.headers, "user-agent": spec.userAgent };
    if (spec.token) headers.authorization = `Bearer ${spec.token}`;
    this.headers = headers;
    const auth: Interceptor = (next) => async (req) => {
      for (const [k, v] of Object.entries(headers)) req.header.set(k, v);
      return next(req);
    };
    // Counted when the call starts (interceptors run synchronously from the call site), so a
    // fire-and-forget ReleaseExecute is counted by the time the action that sent it returns.
    const count: Interceptor = (next) => (req) => {
      this.countCall(req.method.name);
      return next(req);
    };
    const baseUrl = `${spec.useSsl ? "https" : "http"}://${spec.host.includes(":") ? `[${spec.host}]` : spec.host}:${spec.port}`;
    this.sessions = new WideWindowSessionManager(
      baseUrl,
      // Keep idle connections alive across long-running stages.
      { pingIntervalMs: 30_000, pingIdleConnection: true },
      // Node's HTTP/2 default stream window is 64 KiB, so each 4 MiB Arrow batch cost ~64 window
      // updates and the server sat waiting for them (the client was >90% idle in --cpu-prof).
      // grpc-core clients grow their window by BDP probing; a fixed 16 MiB window does the same
      // job here (1M mixed rows to Arrow: ~3.5 s → ~2.6 s, bench/README.md).
      { settings: { initialWindowSize: RECEIVE_WINDOW_BYTES } },
    );
    const transport = createGrpcTransport({
      baseUrl,
      interceptors: [count, auth],
      sessionManager: this.sessions,
    });
    this.rpc = createClient(SparkConnectService, transport);
  }

  /**
   * How many gRPC calls this client has started, by the Spark Connect service's method name
   * (`ExecutePlan`, `AnalyzePlan`, `Config`, `ReattachExecute`, `ReleaseExecute`, `Interrupt`,
   * `FetchErrorDetails`, `ReleaseSession`, …; names as in `spark/connect/base.proto`). Every
   * attempt counts, retries and re-attaches included; methods never called are absent. A copy:
   * subtract two snapshots to count the calls of one stretch of work.
   */
  rpcCounts(): Record<string, number> {
    return Object.fromEntries(this.calls);
  }

  private countCall(method: string): void {
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
  }

  private base() {
    return {
      sessionId: this.sessionId,
      userContext: this.userContext,
      clientType: CLIENT_TYPE,
      ...(this.serverSideSessionId ? { clientObservedServerSideSessionId: this.serverSideSessionId } : {}),
    };
  }

  private observe(serverSideSessionId: string | undefined) {
    if (serverSideSessionId) this.serverSideSessionId = serverSideSessionId;
  }

  /** Runs an AnalyzePlan request. Throws SparkConnectError. */
  async analyze(
    analyze: MessageInitShape<typeof AnalyzePlanRequestSchema>["analyze"],
  ): Promise<AnalyzePlanResponse["result"]> {
    try {
      const r = await this.rpc.analyzePlan({ ...this.base(), analyze });
      this.observe(r.serverSideSessionId);
      return r.result;
    } catch (e) {
      throw await this.convert(e);
    }
  }

  /**
   * Uploads artifacts to the session (the `AddArtifacts` client-streaming RPC): jars under `jars/`
   * join the session's class path (Java UDFs), other paths become session files. Returns the
   * names the server stored. Throws SparkConnectError when the server refuses the request or
   * reports a failed CRC for any artifact (the caller may resend).
   */
  async addArtifacts(artifacts: readonly Artifact[]): Promise<string[]> {
    const requests = artifactRequests(this.base(), artifacts);
    let r: AddArtifactsResponse;
    try {
      r = await this.rpc.addArtifacts(
        (async function* () {
          yield* requests;
        })(),
      );
    } catch (e) {
      throw await this.convert(e);
    }
    this.observe(r.serverSideSessionId);
    const bad = r.artifacts.filter((a) => !a.isCrcSuccessful).map((a) => a.name);
    if (bad.length)
      throw new SparkConnectError(
        "PROTOCOL",
        `The server discarded artifacts with a failed CRC: ${bad.join(", ")}.`,
      );
    return r.artifacts.map((a) => a.name);
  }

  /** Runs a Config request; returns the key/value pairs the server answered. */
  async config(
    operation: MessageInitShape<typeof ConfigRequest_OperationSchema>["opType"],
  ): Promise<{ key: string; value?: string }[]> {
    try {
      const r = await this.rpc.config({ ...this.base(), operation: { opType: operation } });
      this.observe(r.serverSideSessionId);
      return r.pairs.map((p) => ({ key: p.key, ...(p.value !== undefined ? { value: p.value } : {}) }));
    } catch (e) {
      throw await this.convert(e);
    }
  }

  /** Interrupts operations: all of this session's, those with a tag, or one by id. Returns interrupted ids. */
  async interrupt(what: { all: true } | { tag: string } | { operationId: string }): Promise<string[]> {
    try {
      const r = await this.rpc.interrupt({
        ...this.base(),
        ...("all" in what
          ? { interruptType: InterruptRequest_InterruptType.ALL }
          : "tag" in what
            ? {
                interruptType: InterruptRequest_InterruptType.TAG,
                interrupt: { case: "operationTag", value: what.tag },
              }
            : {
                interruptType: InterruptRequest_InterruptType.OPERATION_ID,
                interrupt: { case: "operationId", value: what.operationId },
              }),
      });
      return r.interruptedIds;
    } catch (e) {
      throw await this.convert(e);
    }
  }

  /** Ends the server-side session (frees its state). Errors are ignored: the session is going away. */
  async releaseSession(): Promise<void> {
    try {
      await this.rpc.releaseSession({
        sessionId: this.sessionId,
        userContext: this.userContext,
        clientType: CLIENT_TYPE,
      });
    } catch {
      /* the server may already be gone */
    }
  }

  /**
   * Executes a plan as a re-attachable operation and yields every response. If the connection
   * drops mid-stream the client re-attaches to the same operation (from the last response it
   * saw) instead of running the query again; it gives up after the retry policy and throws
   * UNAVAILABLE. Server errors throw SparkConnectError with Spark's error class. Stopping the
   * iteration early interrupts and releases the operation.
   */
  async *execute(plan: Plan, options: ExecuteOptions = {}): AsyncGenerator<ExecutePlanResponse> {
    const operationId = randomUUID();
    const request = {
      ...this.base(),
      operationId,
      plan,
      tags: options.tags ?? [],
      requestOptions: [
        { requestOption: { case: "reattachOptions" as const, value: { reattachable: true } } },
      ],
    };
    let lastResponseId: string | undefined;
    let complete = false;
    let attempt = 0;
    let sinceRelease = 0;
    this.running.add(operationId);
    const requestBytes = toBinary(ExecutePlanRequestSchema, create(ExecutePlanRequestSchema, request));
    const executePlan = () => this.resultStream("ExecutePlan", requestBytes, options.signal);
    let stream: AsyncIterable<ExecutePlanResponse> = executePlan();
    try {
      while (!complete) {
        try {
          for await (const r of stream) {
            attempt = 0;
            this.observe(r.serverSideSessionId);
            if (r.responseId) lastResponseId = r.responseId;
            if (r.responseType.case === "resultComplete") complete = true;
            yield r;
            // Let the server drop responses we have consumed (it buffers them for re-attach).
            if (++sinceRelease >= 32 && lastResponseId && !complete) {
              sinceRelease = 0;
              this.releaseUntil(operationId, lastResponseId);
            }
          }
          if (!complete) stream = this.reattach(operationId, lastResponseId, options.signal);
        } catch (e) {
          if (options.signal?.aborted)
            throw new SparkConnectError("INTERRUPTED", "The operation was cancelled.", { cause: e });
          const notFound = e instanceof ConnectError && /OPERATION_NOT_FOUND/.test(e.rawMessage);
          if (notFound && lastResponseId === undefined && attempt < this.retry.maxRetries) {
            // The first request never reached the server: executing again is safe.
            attempt++;
            stream = executePlan();
            continue;
          }
          if (!isTransient(e) || attempt >= this.retry.maxRetries) throw await this.convert(e);
          attempt++;
          await sleep(Math.min(this.retry.maxBackoffMs, this.retry.initialBackoffMs * 2 ** (attempt - 1)));
          this.reattachCount++;
          stream = this.reattach(operationId, lastResponseId, options.signal);
        }
      }
    } finally {
      this.running.delete(operationId);
      if (!complete) void this.interrupt({ operationId }).catch(() => undefined);
      void this.releaseAll(operationId);
    }
  }

  private reattach(operationId: string, lastResponseId: string | undefined, signal?: AbortSignal) {
    const request = create(ReattachExecuteRequestSchema, {
      ...this.base(),
      operationId,
      ...(lastResponseId ? { lastResponseId } : {}),
    });
    return this.resultStream("ReattachExecute", toBinary(ReattachExecuteRequestSchema, request), signal);
  }

  /**
   * ExecutePlan's or ReattachExecute's response stream, read by `serverStream` rather than
   * through `rpc` (see server-stream.ts for why); counted in `rpcCounts` like every other call.
   */
  private resultStream(method: "ExecutePlan" | "ReattachExecute", request: Uint8Array, signal?: AbortSignal) {
    this.countCall(method);
    return serverStream({
      sessions: this.sessions,
      path: `/${SparkConnectService.typeName}/${method}`,
      headers: this.headers,
      request,
      output: ExecutePlanResponseSchema,
      ...(signal ? { signal } : {}),
    });
  }

  private releaseUntil(operationId: string, responseId: string): void {
    this.rpc
      .releaseExecute({
        ...this.base(),
        operationId,
        release: { case: "releaseUntil", value: { responseId } },
      })
      .catch(() => undefined);
  }

  private async releaseAll(operationId: string): Promise<void> {
    await this.rpc
      .releaseExecute({ ...this.base(), operationId, release: { case: "releaseAll", value: {} } })
      .catch(() => undefined);
  }

  /** Converts an RPC failure, fetching Spark's full error details when the server offers them. */
  private async convert(e: unknown): Promise<SparkConnectError> {
    if (e instanceof ConnectError) {
      const info = serverErrorInfo(e);
      if (info?.errorId) {
        try {
          const details = await this.rpc.fetchErrorDetails({ ...this.base(), errorId: info.errorId });
          return toSparkError(e, details, this.target);
        } catch {
          /* fall back to what the status carried */
        }
      }
    }
    return toSparkError(e, undefined, this.target);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
