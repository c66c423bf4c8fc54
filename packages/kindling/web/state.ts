/**
 * What the page shows: time range, auto-refresh and the template variables, kept in the URL with
 * Grafana's parameter names (`from`, `to`, `refresh`, `var-<name>`), so a view can be shared.
 */
import { MATCH_ALL } from "../src/metrics/variables.js";

/** The time range picker's choices: Grafana's relative ranges from 5 minutes to 24 hours. */
export const RANGES = [
  ["now-5m", "Last 5 minutes"],
  ["now-15m", "Last 15 minutes"],
  ["now-30m", "Last 30 minutes"],
  ["now-1h", "Last 1 hour"],
  ["now-3h", "Last 3 hours"],
  ["now-6h", "Last 6 hours"],
  ["now-12h", "Last 12 hours"],
  ["now-24h", "Last 24 hours"],
] as const;

/** Auto-refresh choices (Grafana's `refresh`); "" is off. */
export const REFRESHES = [
  ["", "Off"],
  ["5s", "5 s"],
  ["10s", "10 s"],
  ["30s", "30 s"],
] as const;

export type VariableName = "namespace" | "application" | "run";

export interface ViewState {
  /** `now-<n><m|h>` or Unix ms. */
  from: string;
  /** `now` or Unix ms. */
  to: string;
  refresh: string;
  vars: Record<VariableName, string>;
}

const UNIT_S: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Reads the state from the URL's query string (defaults: the Grafana JSON's 30 min and 10 s). */
export function readState(search: string): ViewState {
  const p = new URLSearchParams(search);
  const v = (name: VariableName) => p.get(`var-${name}`) ?? MATCH_ALL;
  return {
    from: p.get("from") ?? "now-30m",
    to: p.get("to") ?? "now",
    refresh: p.get("refresh") ?? "10s",
    vars: { namespace: v("namespace"), application: v("application"), run: v("run") },
  };
}

/** The query string for a state. */
export function writeState(s: ViewState): string {
  const p = new URLSearchParams({ from: s.from, to: s.to, refresh: s.refresh });
  for (const [k, v] of Object.entries(s.vars)) p.set(`var-${k}`, v);
  return `?${p}`;
}

/** A `from`/`to` value as Unix seconds at `now` (ms). Throws for text it cannot read. */
export function resolveTime(value: string, now: number): number {
  if (value === "now") return now / 1000;
  const rel = /^now-(\d+)([smhd])$/.exec(value);
  if (rel) return now / 1000 - Number(rel[1]) * UNIT_S[rel[2]!]!;
  const ms = Number(value);
  if (Number.isFinite(ms) && ms > 0) return ms / 1000;
  throw new Error(`not a time: ${value}`);
}

/** Grafana-like step for a range: about 250 points, never finer than the scrape interval. */
export function stepFor(start: number, end: number, scrapeSeconds: number): number {
  return Math.max(Math.ceil((end - start) / 250), scrapeSeconds, 1);
}

/** "every 10 s" → 10000; off → undefined. */
export function refreshMs(refresh: string): number | undefined {
  const m = /^(\d+)s$/.exec(refresh);
  return m ? Number(m[1]) * 1000 : undefined;
}
