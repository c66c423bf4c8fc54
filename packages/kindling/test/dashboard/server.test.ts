/**
 * The dashboard server on its own (no Prometheus running): page, esbuild-built assets, model,
 * reports, and the proxy's answer when Prometheus cannot be reached. The browser tests cover the
 * proxy against a real Prometheus.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WebDashboard } from "../../src/dashboard/model.js";
import { type DashboardServer, startDashboardServer } from "../../src/dashboard/server.js";

let server: DashboardServer;
let reports: string;
/** A port nothing listens on: bound, then released. */
let deadPort: number;

beforeAll(async () => {
  deadPort = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  reports = mkdtempSync(join(tmpdir(), "kindling-dash-reports-"));
  mkdirSync(join(reports, "runs", "20261130T040000-abcd1234"), { recursive: true });
  writeFileSync(join(reports, "runs", "20261130T040000-abcd1234", "report.html"), "<h1>run report</h1>");
  server = await startDashboardServer({
    prometheus: `http://127.0.0.1:${deadPort}`,
    port: 0,
    scrapeIntervalSeconds: 2,
    reportDirs: [reports],
  });
});

afterAll(async () => {
  await server?.close();
  rmSync(reports, { recursive: true, force: true });
});

describe("kindling dashboard's server", () => {
  it("serves the page on / and /runs, and the bundled script and styles (uPlot's included)", async () => {
    for (const path of ["/", "/runs"]) {
      const r = await fetch(`${server.url}${path}`);
      expect(r.status).toBe(200);
      expect(await r.text()).toContain('<script type="module" src="/assets/app.js">');
    }
    const js = await fetch(`${server.url}/assets/app.js`);
    expect(js.headers.get("content-type")).toContain("javascript");
    expect((await js.text()).length).toBeGreaterThan(30_000);
    const css = await (await fetch(`${server.url}/assets/app.css`)).text();
    expect(css).toContain(".u-legend");
  });

  it("serves the dashboard model with the scrape interval", async () => {
    const model = (await (await fetch(`${server.url}/api/dashboard`)).json()) as WebDashboard & {
      scrapeIntervalSeconds: number;
    };
    expect(model.rows.map((r) => r.title)).toEqual(["Spark application", "Kindling pipeline"]);
    expect(model.scrapeIntervalSeconds).toBe(2);
  });

  it("answers a query in Prometheus's error shape, saying how to start one, when Prometheus is down", async () => {
    const r = await fetch(`${server.url}/api/v1/query`, {
      method: "POST",
      body: new URLSearchParams({ query: "up" }),
    });
    expect(r.status).toBe(502);
    const body = (await r.json()) as { status: string; error: string };
    expect(body.status).toBe("error");
    expect(body.error).toContain(`no Prometheus answers at http://127.0.0.1:${deadPort}`);
    expect(body.error).toContain("kindling metrics up");
  });

  it("serves a run's report from a report folder, and nothing outside the API it proxies", async () => {
    const ok = await fetch(`${server.url}/reports/20261130T040000-abcd1234/report.html`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("<h1>run report</h1>");
    expect((await fetch(`${server.url}/reports/no-such-run/report.html`)).status).toBe(404);
    expect((await fetch(`${server.url}/reports/..%2F..%2Fetc/report.html`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/v1/admin/tsdb/delete_series`, { method: "POST" })).status).toBe(
      405,
    );
  });

  it("refuses a port in use with a usage error naming --port", async () => {
    await expect(
      startDashboardServer({ prometheus: "http://127.0.0.1:9", port: server.port }),
    ).rejects.toThrow(/port \d+ on 127.0.0.1 is in use: pass --port/);
  });
});
