/**
 * The web dashboard in the browser: the "Spark Job Monitoring" panels (from `/api/dashboard`, the
 * same definition as the Grafana JSON) at `/`, and the Runs page at `/runs`, with the time range,
 * auto-refresh and variables in the URL.
 */
import "uplot/dist/uPlot.min.css";
import "./style.css";
import type { WebDashboard } from "../src/dashboard/model.js";
import { MATCH_ALL, rateInterval } from "../src/metrics/variables.js";
import { renderControls, variableOptions } from "./controls.js";
import { createPanel, type PanelContext, type PanelView } from "./panels.js";
import { queryInstant } from "./prom.js";
import { listRuns, liveRuns, reachableReports, renderLive, renderRuns } from "./runs.js";
import { readState, refreshMs, resolveTime, stepFor, type ViewState, writeState } from "./state.js";

interface Config extends WebDashboard {
  scrapeIntervalSeconds: number;
  prometheus: string;
}

/** While a run is live the Runs page asks every second, whatever the auto-refresh says (≤ 5 s old). */
const LIVE_POLL_MS = 1000;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  cls = "",
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

async function main(): Promise<void> {
  const config = (await (await fetch("/api/dashboard")).json()) as Config;
  const runsPage = location.pathname === "/runs";
  let state = readState(location.search);
  const app = document.getElementById("app")!;
  const header = el("header", "top");
  const title = el("h1", "", runsPage ? `${config.title} — Runs` : config.title);
  const nav = el("nav");
  const link = (href: string, text: string, current: boolean) => {
    const a = el("a", current ? "current" : "", text);
    a.href = href + writeState(state);
    a.dataset.nav = text.toLowerCase();
    return a;
  };
  nav.append(link("/", "Dashboard", !runsPage), link("/runs", "Runs", runsPage));
  const source = el("span", "source", `Prometheus: ${config.prometheus}`);
  header.append(title, nav, source);
  const controls = el("div", "controls");
  const status = el("p", "page-status");
  const content = el("main");
  app.replaceChildren(header, controls, status, content);

  let timer: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;
  let customOpen = false;

  const setState = (next: ViewState) => {
    state = next;
    customOpen = false;
    history.replaceState(null, "", location.pathname + writeState(state));
    for (const a of nav.querySelectorAll("a")) a.href = a.pathname + writeState(state);
    void refresh(true);
  };

  const panels: { view: PanelView; spec: WebDashboard["rows"][number]["panels"][number] }[] = [];
  if (!runsPage) {
    for (const row of config.rows) {
      const section = el("section", "row");
      section.append(el("h2", "", row.title));
      const grid = el("div", "grid");
      for (const spec of row.panels) {
        const view = createPanel(spec);
        panels.push({ view, spec });
        grid.append(view.element);
      }
      section.append(grid);
      content.append(section);
    }
  }
  const live = el("div", "live");
  const runsTable = el("div", "runs-table");
  if (runsPage) content.append(el("h2", "", "Runs in progress"), live, el("h2", "", "Runs"), runsTable);

  async function refresh(controlsToo: boolean): Promise<void> {
    const mine = ++generation;
    if (timer) clearTimeout(timer);
    const now = Date.now();
    let nextMs = refreshMs(state.refresh);
    try {
      const start = resolveTime(state.from, now);
      const end = resolveTime(state.to, now);
      // Variable options follow the time range (Grafana's "on time range change"), not every refresh.
      if (controlsToo) {
        const options = await variableOptions(config.variables, state, now);
        if (mine !== generation) return;
        renderControls(controls, config.variables, options, state, {
          onChange: setState,
          onRefreshNow: () => void refresh(true),
          onCustomOpen: () => {
            customOpen = true;
          },
          customOpen,
        });
      }
      const filter = { namespace: state.vars.namespace, application: state.vars.application };
      if (runsPage) {
        const [cards, runs] = await Promise.all([liveRuns(filter, end), listRuns(filter, end, end - start)]);
        const reports = await reachableReports(runs.map((r) => r.runId));
        if (mine !== generation) return;
        renderLive(live, cards, Date.now());
        if (!cards.length) live.textContent = "No run in progress.";
        renderRuns(runsTable, runs, reports);
        if (cards.length && state.to === "now") nextMs = Math.min(nextMs ?? LIVE_POLL_MS, LIVE_POLL_MS);
      } else {
        const step = stepFor(start, end, config.scrapeIntervalSeconds);
        const ctx: PanelContext = {
          vars: { ...state.vars, rateInterval: rateInterval(step, config.scrapeIntervalSeconds) },
          start,
          end,
          step,
          instantAt: await instantTime(state, end, start, config.scrapeIntervalSeconds),
        };
        await Promise.all(panels.map((p) => p.view.update(ctx)));
      }
      if (mine !== generation) return;
      status.textContent = `Updated ${new Date().toISOString().slice(11, 19)} UTC`;
      status.dataset.updatedAt = String(Date.now());
      status.classList.remove("error");
    } catch (err) {
      status.textContent = `Could not update: ${(err as Error).message}`;
      status.classList.add("error");
    }
    if (mine === generation && nextMs) timer = setTimeout(() => void refresh(false), nextMs);
  }
  await refresh(true);
}

/**
 * When instant panels (stat, bar gauge, table) are evaluated: the range's end, or, for one chosen
 * run that has ended, just after its last push (a later run of the same pipeline replaces its
 * series on the Pushgateway, so at "now" an older run would look empty).
 */
async function instantTime(state: ViewState, end: number, start: number, scrape: number): Promise<number> {
  if (state.vars.run === MATCH_ALL) return end;
  const window = `${Math.max(Math.ceil(end - start), 60)}s`;
  const pushed = await queryInstant(
    `max(last_over_time(kindling_run_last_push_timestamp_seconds{run_id=~"${state.vars.run}"}[${window}]))`,
    end,
  ).catch(() => []);
  const at = Number(pushed[0]?.value[1]);
  return Number.isFinite(at) ? Math.min(end, at + 2 * scrape + 1) : end;
}

void main().catch((err: Error) => {
  const app = document.getElementById("app");
  if (app) app.textContent = `The dashboard could not start: ${err.message}`;
});
