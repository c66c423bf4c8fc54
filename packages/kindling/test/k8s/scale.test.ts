/** The executor count that `kindling k8s scale` writes into an overlay (pure text, no cluster). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KindlingError } from "../../src/errors.js";
import { executorCount, withExecutorCount } from "../../src/k8s/scale.js";
import { REPO_ROOT } from "../support/cli.js";

const props = "# a comment\nspark.executor.instances=2\nspark.executor.cores=1\n";

describe("kindling k8s scale: the overlay's executor count", () => {
  it("rewrites spark.executor.instances only, every other line as it was", () => {
    expect(withExecutorCount(props, 3, "x")).toBe(
      "# a comment\nspark.executor.instances=3\nspark.executor.cores=1\n",
    );
    expect(executorCount(withExecutorCount(props, 5, "x"))).toBe(5);
    expect(withExecutorCount(props, 2, "x")).toBe(props);
  });

  it("refuses counts that are not whole numbers from 1 to 64, naming the option", () => {
    for (const n of [0, -1, 1.5, 65, Number.NaN]) {
      const e = (() => {
        try {
          withExecutorCount(props, n, "x");
        } catch (err) {
          return err;
        }
      })();
      expect(e).toBeInstanceOf(KindlingError);
      expect((e as KindlingError).code).toBe("usage");
      expect((e as KindlingError).message).toMatch(/^--executors must be a whole number from 1 to 64/);
    }
  });

  it("names the file when it has no spark.executor.instances line", () => {
    expect(() =>
      withExecutorCount("spark.executor.cores=1\n", 2, "k8s/overlays/x/executors.properties"),
    ).toThrow("k8s/overlays/x/executors.properties has no spark.executor.instances line");
  });

  it("reads the count of every overlay the command scales (local, kind)", () => {
    for (const overlay of ["local", "kind"]) {
      const text = readFileSync(join(REPO_ROOT, "k8s", "overlays", overlay, "executors.properties"), "utf8");
      expect(executorCount(text), overlay).toBeGreaterThanOrEqual(1);
    }
  });
});
