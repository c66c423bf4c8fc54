/**
 * The dashboard's controls in Chromium against a real (empty) Prometheus: the time range picker
 * (5 min … 24 h and a custom range), auto-refresh and the variables, each kept in the URL.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type DashboardServer, startDashboardServer } from "../../src/dashboard/server.js";
import { type PrometheusStack, startPrometheus } from "../../src/metrics/prometheus.js";
import { launchChromium } from "../support/browser.js";
import { describeWith } from "../support/needs.js";

let stack: PrometheusStack | undefined;
let server: DashboardServer | undefined;
let context: BrowserContext | undefined;
let profile: string;

beforeAll(async () => {
  stack = await startPrometheus({ scrapeIntervalSeconds: 1 });
  server = await startDashboardServer({ prometheus: stack.prometheusUrl, port: 0, scrapeIntervalSeconds: 1 });
  profile = mkdtempSync(join(tmpdir(), "kindling-chromium-"));
  context = await launchChromium(profile);
}, 300_000);

afterAll(async () => {
  await context?.close();
  await server?.close();
  await stack?.stop();
  if (stack) rmSync(stack.dir, { recursive: true, force: true });
  if (profile) rmSync(profile, { recursive: true, force: true });
});

describeWith("browser", "the dashboard's controls", {}, () => {
  it("offers 5 min to 24 h and a custom range, auto-refresh and the three variables, all kept in the URL", async () => {
    const page = await context!.newPage();
    page.setDefaultTimeout(60_000);
    await page.goto(`${server!.url}/?from=now-5m&to=now&refresh=`);
    const range = page.locator('select[data-control="range"]');
    await range.waitFor();
    expect(
      await range.locator("option").evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)),
    ).toEqual(["now-5m", "now-15m", "now-30m", "now-1h", "now-3h", "now-6h", "now-12h", "now-24h", "custom"]);
    expect(
      await page
        .locator('select[data-control="refresh"] option')
        .evaluateAll((os) => os.map((o) => o.textContent)),
    ).toEqual(["Off", "5 s", "10 s", "30 s"]);
    for (const name of ["namespace", "application", "run"]) {
      const first = page.locator(`select[data-control="var-${name}"] option`).first();
      expect(await first.textContent()).toBe("All");
    }

    await range.selectOption("now-24h");
    await expect.poll(() => new URL(page.url()).searchParams.get("from")).toBe("now-24h");
    await page.locator('select[data-control="refresh"]').selectOption("30s");
    await expect.poll(() => new URL(page.url()).searchParams.get("refresh")).toBe("30s");

    await page.locator('select[data-control="range"]').selectOption("custom");
    const custom = page.locator('[data-control="custom-range"]');
    await custom.locator('input[name="from"]').fill("2026-11-29T10:00");
    await custom.locator('input[name="to"]').fill("2026-11-29T12:30");
    await custom.locator("button").click();
    await expect.poll(() => new URL(page.url()).searchParams.get("to")).not.toBe("now");
    const url = new URL(page.url());
    const spanMs = Number(url.searchParams.get("to")) - Number(url.searchParams.get("from"));
    expect(spanMs).toBe(150 * 60_000);
    // The custom range survives a reload, shown as such.
    await page.reload();
    await expect.poll(() => page.locator('select[data-control="range"]').inputValue()).toBe("custom");
    await page.close();
  }, 180_000);
});
