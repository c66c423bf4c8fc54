import { connect, createServer, type Server, type Socket } from "node:net";

/** A TCP proxy in front of a server, able to cut every open connection (a dropped network). */
export interface DroppingProxy {
  port: number;
  /** Destroys every connection now; new ones are accepted again afterwards. */
  dropAll(): number;
  close(): Promise<void>;
}

export function startProxy(targetPort: number): Promise<DroppingProxy> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, "127.0.0.1");
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => undefined);
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const addr = server.address();
      resolve({
        port: typeof addr === "object" && addr ? addr.port : 0,
        dropAll() {
          const n = sockets.size;
          for (const s of sockets) s.destroy();
          return n;
        },
        close: () =>
          new Promise((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}
