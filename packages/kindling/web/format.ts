/** Units of the dashboard's panels (Grafana unit ids) as text, and Grafana's legend templates. */

const BYTE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

function round(v: number): string {
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toPrecision(2);
}

function bytes(v: number): string {
  let i = 0;
  while (Math.abs(v) >= 1024 && i < BYTE_UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${round(v)} ${BYTE_UNITS[i]}`;
}

function short(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${round(v / 1e9)} G`;
  if (a >= 1e6) return `${round(v / 1e6)} M`;
  if (a >= 1e4) return `${round(v / 1e3)} k`;
  return Number.isInteger(v) ? String(v) : round(v);
}

function seconds(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return "0 s";
  if (a < 1) return `${round(v * 1000)} ms`;
  if (a < 120) return `${round(v)} s`;
  if (a < 7200) return `${round(v / 60)} min`;
  return `${round(v / 3600)} h`;
}

/** Grafana's custom unit `suffix:<text>`: the text, or undefined for another unit. */
function suffix(unit: string): string | undefined {
  return unit.startsWith("suffix:") ? unit.slice(7).trim() : undefined;
}

/** A value in a Grafana unit: `s`, `bytes`, `Bps`, `ops`, `percentunit`, `short`, `suffix:<text>`. */
export function formatValue(v: number | null | undefined, unit: string): string {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  const text = suffix(unit);
  if (text) return `${short(v)} ${text}`;
  switch (unit) {
    case "s":
      return seconds(v);
    case "bytes":
      return bytes(v);
    case "Bps":
      return `${bytes(v)}/s`;
    case "ops":
      return `${short(v)}/s`;
    case "percentunit":
      return `${round(v * 100)} %`;
    default:
      return short(v);
  }
}

/** The y axis label of a unit. */
export function axisLabel(unit: string): string {
  return (
    suffix(unit) ??
    {
      s: "seconds",
      bytes: "bytes",
      Bps: "bytes per second",
      ops: "per second",
      percentunit: "share of time",
    }[unit] ??
    ""
  );
}

/** Grafana's legend template: `{{label}}` replaced by the series' label value. */
export function legendText(template: string, labels: Record<string, string>): string {
  const text = template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, name: string) => labels[name] ?? "");
  return text.trim() || JSON.stringify(labels);
}
