/**
 * The web dashboard in a real browser (Debian's Chromium driven by playwright-core; no browser
 * download) against a real Prometheus + Pushgateway, a 2-worker local standalone cluster with
 * Kindling's metrics configuration, and `kindling run --pushgateway` as a user runs it.
 *
 * The cluster, not the embedded `local[*]` server: the "Shuffle read / write" panel and the
 * executor series of other panels read the driver's per-executor summaries with
 * `executor_id != "driver"`, which only separate executor JVMs have.
 *
 * Screenshots and the measured delays go to test-screenshots/dashboard/ (gitignored).
 */
import type { ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { clusterDir } from "../../src/cluster/paths.js";
import { clusterJvms } from "../../src/cluster/procs.js";
import { type ClusterHandle, startCluster } from "../../src/cluster/start.js";
import { webDashboard } from "../../src/dashboard/model.js";
import { type DashboardServer, startDashboardServer } from "../../src/dashboard/server.js";
import { generate } from "../../src/datagen/index.js";
import { ensureJmxAgent } from "../../src/metrics/jmx.js";
import { type PrometheusStack, startPrometheus } from "../../src/metrics/prometheus.js";
import { sparkMetricsConf } from "../../src/metrics/spark-conf.js";
import { sparkRunStats } from "../../src/run/spark-ui.js";
import { eventually } from "../cluster/support.js";
import { examplePipeline, repoRoot } from "../pipeline/support.js";
import { launchChromium } from "../support/browser.js";
import { startKindling } from "../support/cli.js";
import { describeWith } from "../support/needs.js";

const NAME = `test-dash-${process.pid}`;
const SHOTS = join(repoRoot, "test-screenshots", "dashboard");

let stack: PrometheusStack | undefined;
let cluster: ClusterHandle | undefined;
let server: DashboardServer | undefined;
let context: BrowserContext | undefined;
let work: string;
const children: ChildProcess[] = [];

interface RunOutput {
  runId: string;
  status: string;
  spark?: { applicationId: string };
}

/** `kindling run` on the cluster with the Pushgateway; resolves with its --json result. */
function kindlingRun(dataDir: string, outDir: string): { child: ChildProcess; done: Promise<RunOutput> } {
  const cli = startKindling([
    "run",
    examplePipeline,
    "--cluster",
    NAME,
    "--pushgateway",
    stack!.pushgatewayUrl,
    "--json",
    "--set",
    `data_dir=${dataDir}`,
    "--set",
    `out_dir=${outDir}`,
  ]);
  children.push(cli.child);
  const done = cli.finished.then((r) => {
    try {
      return JSON.parse(r.stdout) as RunOutput;
    } catch {
      throw new Error(`kindling run exited ${r.code ?? r.signal}: ${r.stderr.slice(-2000)}`);
    }
  });
  return { child: cli.child, done };
}

/** Rows in / out / quarantined as Kindling's metrics sum them (run-metrics.ts), from report.json. */
function reportCounts(outDir: string, runId: string) {
  const report = JSON.parse(readFileSync(join(outDir, "reports", "runs", runId, "report.json"), "utf8"));
  const counts = report.counts;
  const sources = Object.values(counts.sources) as { rows: number; malformed: number }[];
  return {
    rowsIn: sources.reduce((a, s) => a + s.rows, 0),
    rowsOut: (Object.values(counts.sinks) as number[]).reduce((a, n) => a + n, 0),
    quarantined:
      sources.reduce((a, s) => a + s.malformed, 0) +
      (counts.steps as { quarantined: number }[]).reduce((a, s) => a + s.quarantined, 0),
  };
}

async function openPage(path: string): Promise<Page> {
  const page = await context!.newPage();
  page.setDefaultTimeout(60_000);
  await page.setViewportSize({ width: 1400, height: 1900 });
  await page.goto(`${server!.url}${path}`);
  return page;
}

function medianOf(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  return v.length ? (v[(v.length - 1) >> 1]! + v[v.length >> 1]!) / 2 : Number.NaN;
}

/** Selects a run in the drop-down and waits until the page has updated for it. */
async function selectRun(page: Page, runId: string): Promise<void> {
  const status = page.locator(".page-status");
  const before = Number(await status.getAttribute("data-updated-at"));
  await page.selectOption('select[data-control="var-run"]', runId);
  await expect
    .poll(async () => Number(await status.getAttribute("data-updated-at")), { timeout: 60_000 })
    .toBeGreaterThan(before);
}

/** Panel id → [state, series drawn, note]. */
async function panelStates(page: Page): Promise<Map<string, [string, number, string]>> {
  const list = await page.$$eval("section.panel", (els) =>
    els.map((e) => [
      (e as HTMLElement).dataset.panelId!,
      (e as HTMLElement).dataset.state!,
      Number((e as HTMLElement).dataset.series),
      e.querySelector(".note")?.textContent ?? "",
    ]),
  );
  return new Map(list.map(([id, s, n, note]) => [id as string, [s as string, n as number, note as string]]));
}

const outDirs: { slow: string; small: string } = { slow: "", small: "" };
const runs: { slow?: RunOutput; small?: RunOutput } = {};

beforeAll(async () => {
  const say = (l: string) => process.stderr.write(`${l}\n`);
  mkdirSync(SHOTS, { recursive: true });
  work = mkdtempSync(join(tmpdir(), "kindling-dash-"));
  outDirs.slow = join(work, "out-slow");
  outDirs.small = join(work, "out-small");
  const agent = await ensureJmxAgent({ onProgress: say });
  const metrics = sparkMetricsConf({ mode: "cluster", agent });
  stack = await startPrometheus({ scrapeIntervalSeconds: 1, discoveryIntervalMs: 1000, namespace: "local" });
  cluster = await startCluster({
    name: NAME,
    workers: 2,
    coresPerWorker: 1,
    memoryPerWorker: "512m",
    // One orders file per task (files are ~0.4 MB): rows read grow task by task, not in 4 jumps.
    conf: { ...metrics.conf, "spark.sql.shuffle.partitions": "4", "spark.sql.files.maxPartitionBytes": "1m" },
  });
  await stack.addSpark({ uiUrl: cluster.connectUiUrl, executorJmx: metrics.executorJmx });
  server = await startDashboardServer({
    prometheus: stack.prometheusUrl,
    port: 0,
    scrapeIntervalSeconds: 1,
    reportDirs: [join(outDirs.slow, "reports"), join(outDirs.small, "reports")],
  });
  await generate({ outDir: join(work, "slow", "raw"), rows: 120_000, files: 24, seed: 5 });
  await generate({ outDir: join(work, "small", "raw"), rows: 4_000, files: 2, seed: 9 });
  context = await launchChromium(join(work, "chromium-profile"));
}, 900_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await context?.close();
  await server?.close();
  await cluster?.stop();
  await stack?.stop();
  expect(clusterJvms(NAME)).toEqual([]);
  rmSync(clusterDir(NAME), { recursive: true, force: true });
  if (stack) rmSync(stack.dir, { recursive: true, force: true });
  if (work) rmSync(work, { recursive: true, force: true });
}, 300_000);

describeWith("browser", "the web dashboard in Chromium", {}, () => {
  it("shows a run in progress on the Runs page: current step, rows read growing, at most 5 s behind Spark", async () => {
    const run = kindlingRun(join(work, "slow"), outDirs.slow);
    // Auto-refresh on: the page must notice the run start (while one is live it asks every 2 s).
    const page = await openPage("/runs?from=now-30m&to=now&refresh=5s");
    const card = page.locator("[data-live-run]").first();
    await card.waitFor({ timeout: 300_000 });
    const runId = (await card.getAttribute("data-live-run"))!;
    const tag = `kindling-run-${runId}`;

    // Spark's own progress: records read by the run's stages, from the Spark UI, as often as it answers.
    const spark: { at: number; rows: number }[] = [];
    let following = true;
    const follow = (async () => {
      while (following) {
        // Stamped when asked, not when answered: a slow answer can only make the delay look longer.
        const asked = Date.now();
        const stats = await sparkRunStats(cluster!.connectUiUrl, tag, 0);
        if (stats) spark.push({ at: asked, rows: stats.stages.reduce((a, s) => a + s.inputRecords, 0) });
        await new Promise((r) => setTimeout(r, 200));
      }
    })();

    // Each look also records how far behind the page is: since when Spark has known a higher count.
    const looks: { at: number; rows: number; step: string; delayMs: number }[] = [];
    const read = async () => {
      const rows = Number(await card.locator('[data-field="rowsIn"]').getAttribute("data-value"));
      const step = (await card.locator('[data-field="currentAction"]').textContent()) ?? "";
      return { at: Date.now(), rows, step };
    };
    let screenshot = false;
    // A look every ~0.5 s for as long as the run is live.
    while (run.child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 500));
      if (!(await card.isVisible())) break;
      const look = await read().catch(() => undefined);
      if (!look || !Number.isFinite(look.rows) || spark.length < 3 || spark[0]!.at > look.at - 3000) continue;
      // How far behind: since when has Spark known a count above the one shown (0 if it has not).
      const ahead = spark.find((s) => s.rows > look.rows && s.at <= look.at);
      looks.push({ ...look, delayMs: ahead ? look.at - ahead.at : 0 });
      if (!screenshot && look.rows > 0) {
        await page.screenshot({ path: join(SHOTS, "runs-live.png") });
        screenshot = true;
      }
    }
    following = false;
    await follow;
    runs.slow = await run.done;
    // Propagation: each time Spark's count went up, how long until the page showed it (or more).
    // A look every ~0.5 s, so each figure is an upper bound by that much.
    const updates = spark.filter((x, k) => k > 0 && x.rows > spark[k - 1]!.rows);
    const propagation = updates
      .map((u) => {
        const shown = looks.find((l) => l.at >= u.at && l.rows >= u.rows);
        return shown
          ? { sparkAt: u.at, rows: u.rows, shownAt: shown.at, delayMs: shown.at - u.at }
          : undefined;
      })
      .filter((x) => x !== undefined);
    const firstTen = propagation.slice(0, 10).map((p) => p.delayMs);
    const median = medianOf(firstTen);
    const summary = {
      runId,
      medianOfFirstTenMs: median,
      firstTenMs: firstTen,
      medianAllMs: medianOf(propagation.map((p) => p.delayMs)),
      maxMs: Math.max(...propagation.map((p) => p.delayMs)),
      propagation,
      looks,
      spark,
    };
    writeFileSync(join(SHOTS, "live-delay.json"), `${JSON.stringify(summary, null, 2)}\n`);
    process.stderr.write(
      `live delay (Spark's count up → shown on the Runs page): median of first 10 ${median} ms (${firstTen.join(", ")}); median of all ${propagation.length}: ${summary.medianAllMs} ms; max ${summary.maxMs} ms\n`,
    );

    expect(runs.slow.status).toBe("succeeded");
    expect(looks.length, "looks at the live card while the run worked").toBeGreaterThanOrEqual(10);
    expect(
      looks.some((l) => /writing \w+/.test(l.step)),
      "current step shown",
    ).toBe(true);
    const grew = looks.some((l, i) => i > 0 && l.rows > looks[i - 1]!.rows);
    expect(grew, `rows read grew between two looks: ${looks.map((l) => l.rows).join(", ")}`).toBe(true);
    expect(firstTen.length, "Spark count updates seen on the page").toBe(10);
    expect(median).toBeLessThanOrEqual(5000);
    await page.close();
  }, 1_800_000);

  it("draws at least one series in every panel after a run", async () => {
    // The next run of the same pipeline replaces the slow run's group on the Pushgateway: give
    // Prometheus two 15 s steps of the 1 h range with the slow run's final figures, or a range
    // query may step over them (seen: "the panel showed: time | last Spark job").
    await new Promise((r) => setTimeout(r, 35_000));
    runs.small = await kindlingRun(join(work, "small"), outDirs.small).done;
    expect(runs.small.status).toBe("succeeded");
    const app = runs.small.spark!.applicationId;
    const page = await openPage(
      `/?from=now-30m&to=now&refresh=5s&var-namespace=local&var-application=${app}&var-run=${runs.small.runId}`,
    );
    const ids = webDashboard().rows.flatMap((r) => r.panels.map((p) => p.id));
    let states = new Map<string, [string, number, string]>();
    // Rates need a few scrapes after the run; the page refreshes every 5 s.
    await eventually(
      "every panel to draw a series",
      async () => {
        states = await panelStates(page);
        return ids.every((id) => states.get(id)?.[0] === "ok" && states.get(id)![1] >= 1) ? true : undefined;
      },
      180_000,
      2000,
    ).catch(() => undefined);
    await page.screenshot({ path: join(SHOTS, "dashboard.png"), fullPage: true });
    const notDrawn = ids.filter((id) => !(states.get(id)?.[0] === "ok" && states.get(id)![1] >= 1));
    expect(notDrawn.map((id) => `${id}: ${states.get(id)?.join(" | ")}`)).toEqual([]);
    // Time series are real uPlot charts with a legend naming the series.
    const charts = await page.$$eval("section.panel-timeseries", (els) =>
      els.map((e) => [e.querySelectorAll("canvas").length, e.querySelectorAll(".u-legend .u-series").length]),
    );
    expect(charts.length).toBe(
      ids.filter(
        (id) =>
          webDashboard()
            .rows.flatMap((r) => r.panels)
            .find((p) => p.id === id)?.type === "timeseries",
      ).length,
    );
    for (const [canvas, legend] of charts) {
      expect(canvas).toBeGreaterThanOrEqual(1);
      expect(legend).toBeGreaterThanOrEqual(2); // the time column and ≥ 1 series
    }
    await page.close();
  }, 600_000);

  it("lists both runs on the Runs page with their reports' counts and a link to each report", async () => {
    const page = await openPage("/runs?from=now-1h&to=now&refresh=5s");
    for (const [key, run] of Object.entries(runs) as [keyof typeof outDirs, RunOutput][]) {
      const want = reportCounts(outDirs[key], run.runId);
      const row = page.locator(`tr[data-run-id="${run.runId}"]`);
      await eventually(
        `run ${run.runId} with its final figures`,
        async () =>
          (await row.locator('[data-field="status"]').textContent()) === "succeeded" ? true : undefined,
        60_000,
        1000,
      );
      const value = async (f: string) =>
        Number(await row.locator(`[data-field="${f}"]`).getAttribute("data-value"));
      expect({
        rowsIn: await value("rowsIn"),
        rowsOut: await value("rowsOut"),
        quarantined: await value("quarantined"),
      }).toEqual(want);
      expect(want.rowsIn).toBeGreaterThan(0);
      expect(await value("duration")).toBeGreaterThan(0);
      const href = await row.locator('[data-field="report"] a').getAttribute("href");
      const report = await (await fetch(`${server!.url}${href}`)).text();
      expect(report).toContain(run.runId);
    }
    await page.screenshot({ path: join(SHOTS, "runs.png"), fullPage: true });
    await page.close();
  }, 300_000);

  it("changes the series when the run variable changes", async () => {
    const app = runs.small!.spark!.applicationId;
    const page = await openPage(`/?from=now-1h&to=now&refresh=&var-namespace=local&var-application=${app}`);
    await page.locator(".page-status[data-updated-at]").waitFor();
    const legends = async (runId: string) => {
      await selectRun(page, runId);
      const panel = page.locator('section[data-panel-id="job-duration"]');
      let seen: string[] = [];
      return eventually(
        `the job duration series of run ${runId}`,
        async () => {
          const labels = await panel.locator(".u-legend .u-series th").allTextContents();
          seen = labels;
          const runs = labels.filter((l) => /\(\d{8}T\d{6}-\w+\)/.test(l));
          return runs.length && runs.every((l) => l.includes(runId)) ? runs : undefined;
        },
        60_000,
        500,
      ).catch((err: Error) => {
        throw new Error(`${err.message}; the panel showed: ${seen.join(" | ") || "no legend"}`);
      });
    };
    const slow = await legends(runs.slow!.runId);
    const small = await legends(runs.small!.runId);
    expect(slow).not.toEqual(small);
    // The instant panels follow too: each run's own rows read.
    const rowsIn = async (runId: string) => {
      await selectRun(page, runId);
      const stat = page.locator('section[data-panel-id="rows-in-out-quarantined"] .series .value').first();
      return eventually(
        `rows read by run ${runId}`,
        async () => {
          const text = await stat.textContent();
          return text && text !== "–" ? text : undefined;
        },
        30_000,
        500,
      );
    };
    expect(await rowsIn(runs.slow!.runId)).not.toBe(await rowsIn(runs.small!.runId));
    await page.close();
  }, 300_000);

  it("explains empty panels for a run that never existed, and shows Prometheus's error for a bad query", async () => {
    const page = await openPage("/?from=now-30m&to=now&refresh=&var-run=no-such-run");
    const rows = page.locator('section[data-panel-id="rows-in-out-quarantined"]');
    await expect.poll(() => rows.getAttribute("data-state"), { timeout: 60_000 }).toBe("empty");
    expect(await rows.locator(".note").textContent()).toContain(
      "No series for run no-such-run in this time range: was the Pushgateway given to the run",
    );
    await page.screenshot({ path: join(SHOTS, "no-such-run.png") });
    await page.goto(`${server!.url}/?from=now-30m&to=now&refresh=&var-run=(`);
    await expect.poll(() => rows.getAttribute("data-state"), { timeout: 60_000 }).toBe("error");
    // Prometheus's own words for an unbalanced regular expression.
    expect(await rows.locator(".note").textContent()).toMatch(
      /Query failed — A: bad_data: .*missing closing \)/,
    );
    await page.close();
  }, 300_000);
});
