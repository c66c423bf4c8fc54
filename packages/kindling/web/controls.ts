/**
 * The bar above the panels: template variable drop-downs (filled from Prometheus label values,
 * each narrowed by the ones before it, "All" first, as Grafana's query variables), the time range
 * picker with a custom range, and auto-refresh.
 */
import type { WebVariable } from "../src/dashboard/model.js";
import { MATCH_ALL, parseLabelValues, substituteVariables } from "../src/metrics/variables.js";
import { labelValues } from "./prom.js";
import { RANGES, REFRESHES, resolveTime, type ViewState } from "./state.js";

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text?: string,
) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function select(name: string, label: string, options: readonly (readonly [string, string])[], value: string) {
  const wrap = el("label", { class: "control" });
  wrap.append(el("span", {}, label));
  const s = el("select", { name, "data-control": name });
  for (const [v, text] of options) {
    const o = el("option", { value: v }, text);
    if (v === value) o.selected = true;
    s.append(o);
  }
  if (![...s.options].some((o) => o.value === value)) {
    // A value from the URL that Prometheus does not know (yet): kept, and shown as such.
    const o = el("option", { value }, `${value} (no data)`);
    o.selected = true;
    s.append(o);
  }
  wrap.append(s);
  return { wrap, select: s };
}

/** Fills each variable's options in order; returns them (value, text) with "All" first. */
export async function variableOptions(
  variables: WebVariable[],
  state: ViewState,
  now: number,
): Promise<Map<string, [string, string][]>> {
  const start = resolveTime(state.from, now);
  const end = resolveTime(state.to, now);
  const out = new Map<string, [string, string][]>();
  for (const v of variables) {
    const parsed = parseLabelValues(v.query);
    let values: string[] = [];
    if (parsed) {
      const match = substituteVariables(parsed.selector, { ...state.vars, rateInterval: "1m" });
      values = await labelValues(parsed.label, match, start, end).catch(() => []);
    }
    out.set(v.name, [[MATCH_ALL, "All"], ...values.map((x) => [x, x] as [string, string])]);
  }
  return out;
}

export interface ControlsHandlers {
  onChange(next: ViewState): void;
  onRefreshNow(): void;
  /** The user opened the custom range inputs (kept open when the bar is drawn again). */
  onCustomOpen(): void;
  /** Whether the custom range inputs are open. */
  customOpen: boolean;
}

/** Renders the bar into `root` for `state`; every change calls `onChange` with the new state. */
export function renderControls(
  root: HTMLElement,
  variables: WebVariable[],
  options: Map<string, [string, string][]>,
  state: ViewState,
  handlers: ControlsHandlers,
): void {
  // Drawn again while the user types a custom range: keep what was typed.
  const typed = handlers.customOpen
    ? [...root.querySelectorAll<HTMLInputElement>(".custom-range input")].map((i) => i.value)
    : [];
  root.replaceChildren();
  for (const v of variables) {
    const { wrap, select: s } = select(
      `var-${v.name}`,
      v.label,
      options.get(v.name) ?? [],
      state.vars[v.name],
    );
    s.addEventListener("change", () => {
      const vars = { ...state.vars, [v.name]: s.value };
      // Later variables depend on this one: back to All, as Grafana does on refresh.
      for (const later of variables.slice(variables.indexOf(v) + 1)) vars[later.name] = MATCH_ALL;
      handlers.onChange({ ...state, vars });
    });
    root.append(wrap);
  }
  const custom = !RANGES.some(([v]) => v === state.from) || state.to !== "now";
  const ranges = [...RANGES, ["custom", "Custom range…"] as const];
  const { wrap: rangeWrap, select: range } = select(
    "range",
    "Time range",
    ranges,
    custom ? "custom" : state.from,
  );
  root.append(rangeWrap);
  const customBox = el("span", { class: "custom-range", "data-control": "custom-range" });
  const toLocal = (ms: number) =>
    new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  const now = Date.now();
  const fromInput = el("input", { type: "datetime-local", name: "from" });
  const toInput = el("input", { type: "datetime-local", name: "to" });
  fromInput.value = typed[0] || toLocal(resolveTime(state.from, now) * 1000);
  toInput.value = typed[1] || toLocal(resolveTime(state.to, now) * 1000);
  const apply = el("button", { type: "button" }, "Apply");
  apply.addEventListener("click", () => {
    const from = new Date(fromInput.value).getTime();
    const to = new Date(toInput.value).getTime();
    if (Number.isFinite(from) && Number.isFinite(to) && from < to)
      handlers.onChange({ ...state, from: String(from), to: String(to) });
  });
  customBox.append(fromInput, " to ", toInput, apply);
  customBox.hidden = !custom && !handlers.customOpen;
  if (handlers.customOpen) range.value = "custom";
  range.addEventListener("change", () => {
    if (range.value === "custom") {
      customBox.hidden = false;
      handlers.onCustomOpen();
    } else handlers.onChange({ ...state, from: range.value, to: "now" });
  });
  root.append(customBox);
  const { wrap: refreshWrap, select: refresh } = select("refresh", "Auto-refresh", REFRESHES, state.refresh);
  refresh.addEventListener("change", () => handlers.onChange({ ...state, refresh: refresh.value }));
  root.append(refreshWrap);
  const now2 = el("button", { type: "button", "data-control": "refresh-now" }, "Refresh");
  now2.addEventListener("click", () => handlers.onRefreshNow());
  root.append(now2);
}
