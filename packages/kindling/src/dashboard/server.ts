/**
 * `kindling dashboard`: a small Node HTTP server for the web dashboard. It serves the page and its
 * esbuild-built assets, the dashboard model (`/api/dashboard`), proxies Prometheus's read API
 * (`/api/v1/query`, `query_range`, `labels`, `label/<name>/values`, `series`) so the browser needs
 * no CORS, and serves run reports found in the given report folders (`/reports/<run id>/report.html`).
 */
import { existsSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { KindlingError } from "../errors.js";
import { type Asset, buildAssets } from "./assets.js";
import { webDashboard } from "./model.js";

/** Default port of `kindling dashboard` (Grafana's usual port, so habits carry over). */
export const DASHBOARD_PORT = 3000;

export interface DashboardServerOptions {
  /** Prometheus base URL, e.g. `http://127.0.0.1:9090`. */
  prometheus: string;
  port?: number;
  host?: string;
  /** Prometheus's scrape interval in seconds (for `$__rate_interval`). Default 15. */
  scrapeIntervalSeconds?: number;
  /** Report folders (`report.path` of pipelines): `<dir>/runs/<run id>/report.*` are served. */
  reportDirs?: string[];
}

export interface DashboardServer {
  url: string;
  port: number;
  /** Stops listening. Idempotent. */
  close(): Promise<void>;
}

/** Prometheus API paths the proxy forwards (read-only). */
const PROXIED = /^\/api\/v1\/(query|query_range|labels|series|label\/[A-Za-z_][A-Za-z0-9_]*\/values)$/;
const REPORT = /^\/reports\/([A-Za-z0-9_.-]+)\/report\.(html|json|md)$/;
const REPORT_TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  json: "application/json",
  md: "text/markdown; charset=utf-8",
};

/**
 * Builds the assets and starts the server (port 0 = a free port). Resolves once listening.
 * Throws KindlingError when the assets do not build or the port cannot be bound.
 */
export async function startDashboardServer(options: DashboardServerOptions): Promise<DashboardServer> {
  const assets = await buildAssets();
  const prometheus = options.prometheus.replace(/\/+$/, "");
  const config = JSON.stringify({
    ...webDashboard(),
    scrapeIntervalSeconds: options.scrapeIntervalSeconds ?? 15,
    prometheus,
  });
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://x");
    const path = url.pathname;
    if (PROXIED.test(path)) return void proxy(prometheus, req, url, res);
    if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "text/plain", "read only\n");
    if (path === "/" || path === "/runs") return send(res, 200, "text/html; charset=utf-8", page());
    if (path === "/api/dashboard") return send(res, 200, "application/json", config);
    if (path === "/-/healthy") return send(res, 200, "text/plain", "ok\n");
    const asset = path.startsWith("/assets/") ? assets.get(path.slice(8)) : undefined;
    if (asset) return sendAsset(res, asset);
    const report = REPORT.exec(path);
    if (report) {
      const file = (options.reportDirs ?? [])
        .map((d) => join(d, "runs", report[1]!, `report.${report[2]}`))
        .find((f) => existsSync(f));
      if (file) return send(res, 200, REPORT_TYPES[report[2]!]!, readFileSync(file));
    }
    send(res, 404, "text/plain", `not found: ${path}\n`);
  };
  const server = createServer(handle);
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) =>
      reject(
        new KindlingError(
          err.code === "EADDRINUSE"
            ? `port ${options.port} on ${host} is in use: pass --port <n> (0 = any free port).`
            : `the dashboard could not listen on ${host}:${options.port}: ${err.message}`,
          2,
        ),
      ),
    );
    server.listen(options.port ?? DASHBOARD_PORT, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`,
    port,
    close: () => {
      closing ??= new Promise((r) => server.close(() => r()));
      server.closeAllConnections();
      return closing;
    },
  };
}

function send(res: ServerResponse, status: number, type: string, body: string | Uint8Array): void {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
  res.end(body);
}

function sendAsset(res: ServerResponse, asset: Asset): void {
  res.writeHead(200, { "content-type": asset.contentType, "cache-control": "no-cache" });
  res.end(asset.body);
}

/**
 * Forwards one read request to Prometheus (query string and form body kept). When Prometheus
 * cannot be reached, answers 502 in Prometheus's own error shape so the page shows why.
 */
async function proxy(prometheus: string, req: IncomingMessage, url: URL, res: ServerResponse): Promise<void> {
  try {
    const body = req.method === "POST" ? await readBody(req) : undefined;
    const r = await fetch(`${prometheus}${url.pathname}${url.search}`, {
      method: req.method === "POST" ? "POST" : "GET",
      ...(body ? { body, headers: { "content-type": "application/x-www-form-urlencoded" } } : {}),
      signal: AbortSignal.timeout(30_000),
    });
    send(
      res,
      r.status,
      r.headers.get("content-type") ?? "application/json",
      new Uint8Array(await r.arrayBuffer()),
    );
  } catch (err) {
    const cause = (err as { cause?: Error }).cause?.message ?? (err as Error).message;
    send(
      res,
      502,
      "application/json",
      JSON.stringify({
        status: "error",
        errorType: "unavailable",
        error: `no Prometheus answers at ${prometheus} (${cause}): start one with \`kindling metrics up\`, or pass --prometheus <url>`,
      }),
    );
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** The page: a shell the bundle fills in (the same page for `/` and `/runs`). */
function page(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kindling — Spark Job Monitoring</title>
<link rel="stylesheet" href="/assets/app.css">
</head>
<body>
<div id="app">Loading…</div>
<noscript>The Kindling dashboard needs JavaScript.</noscript>
<script type="module" src="/assets/app.js"></script>
</body>
</html>
`;
}
