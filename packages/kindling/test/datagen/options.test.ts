import { describe, expect, it } from "vitest";
import { parseSize } from "../../src/datagen/index.js";
import { resolveOptions } from "../../src/datagen/options.js";
import { KindlingError } from "../../src/errors.js";

describe("parseSize", () => {
  it("reads binary units", () => {
    expect(parseSize("300MB")).toBe(300 * 2 ** 20);
    expect(parseSize("1GB")).toBe(2 ** 30);
    expect(parseSize("20G")).toBe(20 * 2 ** 30);
    expect(parseSize("1.5GiB")).toBe(1.5 * 2 ** 30);
    expect(parseSize("512kb")).toBe(512 * 1024);
    expect(parseSize("1000")).toBe(1000);
  });

  it("rejects text that is not a size with a usage error", () => {
    expect(() => parseSize("lots")).toThrow(KindlingError);
    expect(() => parseSize("0MB")).toThrow(/above 0/);
  });
});

describe("resolveOptions", () => {
  it("applies the defaults", () => {
    const o = resolveOptions();
    expect(o).toMatchObject({
      outDir: "data/raw",
      seed: 42,
      dirtyRate: 0.02,
      format: "csv",
      files: 3,
      rows: null,
    });
    expect(o.bytesTarget).toBe(300 * 2 ** 20);
  });

  it("scales the number of files with the size", () => {
    expect(resolveOptions({ size: "20GB" }).files).toBe(160);
    expect(resolveOptions({ size: "5MB" }).files).toBe(1);
  });

  it("names the option that is out of range", () => {
    expect(() => resolveOptions({ dirtyRate: 2 })).toThrow(/dirty rate/);
    expect(() => resolveOptions({ files: 0 })).toThrow(/files/);
    expect(() => resolveOptions({ startDate: "2026-02-30" })).toThrow(/start date/);
    expect(() => resolveOptions({ dirtyWeights: { nope: 1 } as never })).toThrow(/unknown dirty kind "nope"/);
  });
});
