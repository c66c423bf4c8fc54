/** Number and size formatting shared by the text and HTML reports. */
import type { StepRecord } from "../run/reconcile.js";

export const int = (n: number | undefined) => (n === undefined ? "–" : n.toLocaleString("en-US"));

export function bytes(n: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}

export const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Raw-input throughput of a run in MB/s. */
export function throughput(inputBytes: number, ms: number): number {
  return ms > 0 ? inputBytes / 2 ** 20 / (ms / 1000) : 0;
}

/** Throughput as text, e.g. "12.3 MB/s"; below 1 MB/s two significant digits ("0.031 MB/s", not "0.0"). */
export function throughputText(inputBytes: number, ms: number): string {
  const v = throughput(inputBytes, ms);
  return `${v >= 1 || v === 0 ? v.toFixed(1) : v.toPrecision(2)} MB/s`;
}

/**
 * A step's counts behind its totals, one text for the Markdown and HTML reports: rows per rule,
 * warnings, unmatched lookup rows, and rows each join dropped (inner, semi, anti).
 */
export function stepDetail(s: StepRecord): string {
  const nonZero = (m: Record<string, number>, label: string) =>
    Object.entries(m)
      .filter(([, v]) => v > 0)
      .map(([k, v]) => `${label}${k}: ${int(v)}`);
  return [
    ...nonZero(s.rules, ""),
    ...nonZero(s.warnings, "warn "),
    ...nonZero(s.unmatched, "unmatched "),
    ...nonZero(s.droppedBy ?? {}, "dropped by "), // absent in reports written before it was counted
  ].join("; ");
}
