import {
  type ClientHttp2Session,
  connect,
  constants,
  createServer,
  type Http2Server,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
  type ServerHttp2Session,
} from "node:http2";

/** One request the proxy forwarded: its path and the headers the client sent. */
export interface SeenRequest {
  path: string;
  headers: IncomingHttpHeaders;
}

/**
 * An HTTP/2 proxy in front of a real Spark Connect server: forwards every gRPC call unchanged and
 * records each request's headers. `endWithoutStatus(path, afterBytes)` makes the next call to
 * `path` end (END_STREAM on its data) after forwarding at least `afterBytes` of its response,
 * with no trailers: a middlebox that drops the gRPC status, which a client must treat as a lost
 * connection.
 */
export interface H2Proxy {
  port: number;
  seen: SeenRequest[];
  endWithoutStatus(path: string, afterBytes: number): void;
  close(): Promise<void>;
}

/** Headers without HTTP/2 pseudo-headers and hop-by-hop ones, to forward. */
function forwardable(h: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(h)) if (!k.startsWith(":") && v !== undefined) out[k] = v;
  return out;
}

export async function startH2Proxy(targetPort: number): Promise<H2Proxy> {
  const upstream: ClientHttp2Session = connect(`http://127.0.0.1:${targetPort}`);
  upstream.on("error", () => undefined);
  const seen: SeenRequest[] = [];
  let cut: { path: string; afterBytes: number } | undefined;
  const server: Http2Server = createServer();
  const sessions = new Set<ServerHttp2Session>();
  server.on("session", (session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
    session.on("error", () => undefined);
  });
  server.on("stream", (stream, headers) => {
    if (upstream.closed || upstream.destroyed) {
      stream.close(constants.NGHTTP2_REFUSED_STREAM);
      return;
    }
    const path = String(headers[":path"]);
    seen.push({ path, headers });
    const cutThis = cut?.path === path ? cut : undefined;
    if (cutThis) cut = undefined;
    const req = upstream.request({ ":method": "POST", ":path": path, ...forwardable(headers) });
    stream.on("error", () => undefined);
    req.on("error", () => undefined);
    stream.pipe(req);
    let trailers: OutgoingHttpHeaders = {};
    req.on("response", (h) =>
      stream.respond({ ":status": h[":status"], ...forwardable(h) }, { waitForTrailers: !cutThis }),
    );
    req.on("trailers", (t) => {
      trailers = forwardable(t);
    });
    stream.on("wantTrailers", () => stream.sendTrailers(trailers));
    let sent = 0;
    req.on("data", (chunk: Buffer) => {
      if (stream.writableEnded) return;
      stream.write(chunk);
      sent += chunk.length;
      if (cutThis && sent >= cutThis.afterBytes) {
        stream.end(); // END_STREAM without trailers: no grpc-status
        req.close(constants.NGHTTP2_CANCEL);
      }
    });
    req.on("end", () => {
      if (!stream.writableEnded) stream.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("the proxy has no port");
  return {
    port: address.port,
    seen,
    endWithoutStatus(path, afterBytes) {
      cut = { path, afterBytes };
    },
    close: () =>
      new Promise<void>((r) => {
        for (const session of sessions) session.destroy();
        upstream.close();
        server.close(() => r());
      }),
  };
}
