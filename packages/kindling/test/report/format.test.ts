import { describe, expect, it } from "vitest";
import { throughputText } from "../../src/report/format.js";

describe("throughputText", () => {
  it("keeps two significant digits below 1 MB/s instead of printing 0.0", () => {
    expect(throughputText(3.4 * 2 ** 20, 111_700)).toBe("0.030 MB/s");
    expect(throughputText(2 ** 20, 1_000)).toBe("1.0 MB/s");
    expect(throughputText(300 * 2 ** 20, 24_000)).toBe("12.5 MB/s");
    expect(throughputText(0, 5_000)).toBe("0.0 MB/s");
    expect(throughputText(10, 0)).toBe("0.0 MB/s");
  });
});
