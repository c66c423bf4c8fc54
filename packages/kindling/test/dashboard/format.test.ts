/** The page's pure parts: units, legends, time range, step and `$__rate_interval`. */
import { describe, expect, it } from "vitest";
import { parseLabelValues, rateInterval } from "../../src/metrics/variables.js";
import { axisLabel, formatValue, legendText } from "../../web/format.js";
import { readState, refreshMs, resolveTime, stepFor, writeState } from "../../web/state.js";

describe("units", () => {
  it("formats each unit the panels use", () => {
    expect(formatValue(0.25, "s")).toBe("250 ms");
    expect(formatValue(75, "s")).toBe("75.0 s");
    expect(formatValue(1536, "bytes")).toBe("1.50 KiB");
    expect(formatValue(3 * 2 ** 20, "Bps")).toBe("3.00 MiB/s");
    expect(formatValue(0.05, "percentunit")).toBe("5.00 %");
    expect(formatValue(12_345, "ops")).toBe("12.3 k/s");
    expect(formatValue(1.5, "suffix: cores")).toBe("1.50 cores");
    expect(formatValue(4300, "short")).toBe("4300");
    expect(formatValue(null, "s")).toBe("–");
    expect(axisLabel("suffix: rows/s")).toBe("rows/s");
    expect(axisLabel("Bps")).toBe("bytes per second");
  });

  it("fills Grafana legend templates from the series' labels", () => {
    expect(
      legendText("{{pipeline}} {{output}} ({{run_id}})", { pipeline: "p", output: "o", run_id: "r" }),
    ).toBe("p o (r)");
    expect(legendText("{{missing}}", { a: "1" })).toBe('{"a":"1"}');
  });
});

describe("time range and variables", () => {
  it("reads and writes the state with Grafana's URL parameters", () => {
    const s = readState("?from=now-6h&to=now&refresh=30s&var-run=r1");
    expect(s).toEqual({
      from: "now-6h",
      to: "now",
      refresh: "30s",
      vars: { namespace: ".*", application: ".*", run: "r1" },
    });
    expect(readState(writeState(s))).toEqual(s);
    expect(readState("").from).toBe("now-30m");
  });

  it("resolves relative and absolute times, steps and refresh periods", () => {
    const now = 1_800_000_000_000;
    expect(resolveTime("now-5m", now)).toBe(now / 1000 - 300);
    expect(resolveTime("now-24h", now)).toBe(now / 1000 - 86_400);
    expect(resolveTime(String(now - 1000), now)).toBe(now / 1000 - 1);
    expect(() => resolveTime("yesterday", now)).toThrow(/not a time/);
    expect(stepFor(0, 1800, 1)).toBe(8);
    expect(stepFor(0, 300, 15)).toBe(15);
    expect(refreshMs("10s")).toBe(10_000);
    expect(refreshMs("")).toBeUndefined();
  });

  it("computes $__rate_interval as Grafana does and parses label_values", () => {
    expect(rateInterval(8, 1)).toBe("9s");
    expect(rateInterval(15, 15)).toBe("60s");
    expect(parseLabelValues('label_values(up{namespace=~"$namespace"}, application_id)')).toEqual({
      selector: 'up{namespace=~"$namespace"}',
      label: "application_id",
    });
  });
});
