/**
 * The setup's step model with small fake steps (pure logic), KINDLING_TEST_SKIP parsing, the
 * load-aware time limits, one real step's cold path (the JMX agent into an empty cache, with
 * Maven), and the opt-out reporter in a real vitest run (a silent skip fails it).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { scaled, timeoutScale, waitFor } from "../../../spark-connect/test/support/timeouts.js";
import { KindlingError } from "../../src/errors.js";
import { optOutSummary, parseTestSkip } from "../../src/setup/needs.js";
import { formatSetupReport, type Presence, runSetup, type SetupStep } from "../../src/setup/step.js";
import { testSetupSteps } from "../../src/setup/steps.js";
import { repoRoot } from "../pipeline/support.js";

/** A fake step whose thing appears once `install` ran (or never, with `installWorks: false`). */
function fakeStep(
  name: string,
  options: { there?: boolean; installWorks?: boolean; canInstall?: boolean } = {},
) {
  let there = options.there ?? false;
  const calls = { check: 0, install: 0 };
  const step: SetupStep = {
    name,
    needs: [],
    check: (): Presence => {
      calls.check++;
      return there
        ? { present: true, detail: `${name} v1` }
        : { present: false, reason: `${name} not there` };
    },
    install:
      options.canInstall === false
        ? undefined
        : async (say) => {
            calls.install++;
            say(`building ${name}`);
            if (options.installWorks === false) return;
            there = true;
          },
    fix: `make ${name}`,
  };
  return { step, calls };
}

describe("runSetup", () => {
  it("only checks what is there, installs what is missing, and checks again after", async () => {
    const a = fakeStep("a", { there: true });
    const b = fakeStep("b");
    const lines: string[] = [];
    const report = await runSetup([a.step, b.step], { say: (l) => lines.push(l) });
    expect(report.ok).toBe(true);
    expect(report.results.map((r) => [r.name, r.outcome, r.detail])).toEqual([
      ["a", "present", "a v1"],
      ["b", "installed", "b v1"],
    ]);
    expect([a.calls, b.calls]).toEqual([
      { check: 1, install: 0 },
      { check: 2, install: 1 },
    ]);
    expect(lines).toEqual(["setup: b: b not there; installing…", "setup:   building b"]);
  });

  it("is idempotent: a second run installs nothing", async () => {
    const b = fakeStep("b");
    await runSetup([b.step]);
    const again = await runSetup([b.step]);
    expect(again.results[0]?.outcome).toBe("present");
    expect(b.calls.install).toBe(1);
  });

  it("reports an install that leaves the thing missing, or throws, as failed with the fix", async () => {
    const noop = fakeStep("noop", { installWorks: false });
    const boom: SetupStep = {
      ...fakeStep("boom").step,
      install: async () => {
        throw new KindlingError("go is not on PATH; install Go 1.26", "environment");
      },
    };
    const report = await runSetup([noop.step, boom]);
    expect(report.ok).toBe(false);
    expect(report.results.map((r) => [r.outcome, r.detail, r.fix])).toEqual([
      ["failed", "still missing after the install: noop not there", "make noop"],
      ["failed", "go is not on PATH; install Go 1.26", "make boom"],
    ]);
  });

  it("says which command to run once when it cannot install (e.g. a Debian package without root)", async () => {
    const deb = fakeStep("chromium", { canInstall: false });
    const report = await runSetup([deb.step]);
    expect(report.results[0]).toMatchObject({
      outcome: "missing",
      detail: "chromium not there",
      fix: "make chromium",
    });
    const text = formatSetupReport(report);
    expect(text).toContain("MISSING   chromium: chromium not there");
    expect(text).toContain("fix, once: make chromium");
    expect(text).toContain("setup: not ready");
  });

  it("neither checks nor installs a step whose tests are all opted out", async () => {
    const s3 = fakeStep("store");
    s3.step.needs = ["s3"];
    const report = await runSetup([s3.step], { skip: new Set(["s3"]) });
    expect(report.ok).toBe(true);
    expect(report.results[0]?.outcome).toBe("opted-out");
    expect(s3.calls).toEqual({ check: 0, install: 0 });
  });
});

describe("KINDLING_TEST_SKIP", () => {
  it("parses comma- or space-separated keys; s3 implies minio (MinIO's test runs inside the S3 suite)", () => {
    expect([...parseTestSkip("")]).toEqual([]);
    expect([...parseTestSkip(undefined)]).toEqual([]);
    expect([...parseTestSkip("k8s, browser")].sort()).toEqual(["browser", "k8s"]);
    expect([...parseTestSkip("s3")].sort()).toEqual(["minio", "s3"]);
  });

  it("rejects an unknown key, naming the valid ones", () => {
    const err = (() => {
      try {
        parseTestSkip("s3,kube");
      } catch (e) {
        return e;
      }
    })() as KindlingError;
    expect(err).toBeInstanceOf(KindlingError);
    expect(err.code).toBe("usage");
    expect(err.message).toBe(
      "KINDLING_TEST_SKIP=s3,kube: unknown key 'kube'; the keys are s3, minio, metrics, browser, netns, k8s.",
    );
  });

  it("prints what was not tested", () => {
    expect(optOutSummary(new Set())).toBeUndefined();
    expect(optOutSummary(new Set(["browser"]))).toBe(
      "KINDLING_TEST_SKIP=browser: NOT TESTED in this run (explicit opt-out):\n  browser: the browser tests (headless Chromium)",
    );
  });

  it("every opt-out key has setup steps, and every step names the tests it serves", () => {
    const steps = testSetupSteps();
    for (const key of ["s3", "minio", "metrics", "browser", "netns", "k8s"])
      expect(steps.some((s) => s.needs.includes(key as never))).toBe(true);
    for (const s of steps) expect(s.fix.length).toBeGreaterThan(0);
  });

  it("installs the API reference's TypeDoc (tools/api-docs is no workspace: the root npm ci skips it)", () => {
    const step = testSetupSteps().find((s) => s.name.startsWith("TypeDoc"));
    expect(step).toMatchObject({ needs: [], fix: "bash tools/api-docs/build.sh --install" });
    expect(step?.install).toBeDefined();
    // Installed here (by this setup or build.sh): the check compares versions with package.json.
    const pinned = JSON.parse(readFileSync(join(repoRoot, "tools", "api-docs", "package.json"), "utf8"));
    expect(step?.check()).toEqual({
      present: true,
      detail: `typedoc ${pinned.dependencies.typedoc}, typescript ${pinned.dependencies.typescript}`,
    });
  });
});

describe("load-aware time limits", () => {
  const saved = process.env.KINDLING_TEST_TIMEOUT_SCALE;
  afterEach(() => {
    if (saved === undefined) delete process.env.KINDLING_TEST_TIMEOUT_SCALE;
    else process.env.KINDLING_TEST_TIMEOUT_SCALE = saved;
  });

  it("scales by 1 + load per core (the higher of the 1- and 5-minute averages), at most 10", () => {
    expect(timeoutScale({}, [13, 10, 4], 2)).toBe(7.5);
    expect(timeoutScale({}, [0.2, 0.6, 1], 2)).toBe(1.3);
    expect(timeoutScale({}, [60, 60, 60], 2)).toBe(10);
  });

  it("KINDLING_TEST_TIMEOUT_SCALE fixes the scale; a bad value is an error naming it", () => {
    expect(timeoutScale({ KINDLING_TEST_TIMEOUT_SCALE: "3" }, [13, 13, 13], 2)).toBe(3);
    expect(() => timeoutScale({ KINDLING_TEST_TIMEOUT_SCALE: "fast" })).toThrow(
      "KINDLING_TEST_TIMEOUT_SCALE=fast: expected a number above 0",
    );
    process.env.KINDLING_TEST_TIMEOUT_SCALE = "2";
    expect(scaled(1_000)).toBe(2_000);
  });

  it("waitFor returns the first value, and times out naming what it waited for and the last error", async () => {
    process.env.KINDLING_TEST_TIMEOUT_SCALE = "1";
    let n = 0;
    expect(await waitFor("n to reach 3", () => (++n >= 3 ? n : undefined), { everyMs: 1 })).toBe(3);
    await expect(
      waitFor(
        "a server that never answers",
        () => {
          throw new Error("ECONNREFUSED");
        },
        { timeoutMs: 50, everyMs: 5 },
      ),
    ).rejects.toThrow("timed out after 0 s waiting for a server that never answers: Error: ECONNREFUSED");
  });
});

describe("a real step's cold path", () => {
  it("fetches the JMX exporter agent into an empty cache with Maven, then finds it present", async () => {
    const cache = mkdtempSync(join(tmpdir(), "kindling-setup-cache-"));
    const saved = process.env.KINDLING_CACHE;
    process.env.KINDLING_CACHE = cache;
    try {
      const jmx = testSetupSteps().filter((s) => s.name === "JMX exporter agent");
      const lines: string[] = [];
      const cold = await runSetup(jmx, { say: (l) => lines.push(l) });
      expect(cold.results[0]).toMatchObject({ outcome: "installed" });
      expect(cold.results[0]?.detail).toContain(join(cache, "jmx", "jmx_prometheus_javaagent-"));
      expect(lines[0]).toMatch(/^setup: JMX exporter agent: .* not fetched; installing…$/);
      const warm = await runSetup(jmx);
      expect(warm.results[0]?.outcome).toBe("present");
      expect(warm.ms).toBeLessThan(1_000);
    } finally {
      if (saved === undefined) delete process.env.KINDLING_CACHE;
      else process.env.KINDLING_CACHE = saved;
      rmSync(cache, { recursive: true, force: true });
    }
  });
});

describe("the opt-out reporter", () => {
  const fixtures = join(repoRoot, "packages", "kindling", "test", "setup", "fixtures");
  const vitest = (env: Record<string, string>) =>
    spawnSync(process.execPath, [join(repoRoot, "node_modules", "vitest", "vitest.mjs"), "run"], {
      cwd: fixtures,
      encoding: "utf8",
      env: { ...process.env, ...env, KINDLING_TEST_SPARK: "off", CI: "true", NO_COLOR: "1" },
      timeout: scaled(120_000),
    });

  it("fails a run in which a test skipped without an opt-out, naming it", () => {
    const r = vitest({ KINDLING_TEST_SKIP: "browser" });
    const out = r.stdout + r.stderr;
    expect(r.status, out).toBe(1);
    expect(out).toContain("FAIL: 1 tests were skipped without an opt-out");
    expect(out).toContain("skips.fixture.test.ts > a test someone skipped");
    expect(out).toContain("KINDLING_TEST_SKIP=browser: NOT TESTED in this run");
    expect(out).toContain("2 tests skipped because of it.");
  });

  it("fails (does not skip) a test whose dependency is missing, with the command that fixes it", () => {
    const r = vitest({ KINDLING_TEST_SKIP: "", CHROMIUM_PATH: "/nonexistent/chromium" });
    const out = r.stdout + r.stderr;
    expect(r.status, out).toBe(1);
    expect(out).toMatch(/FAIL .*skips\.fixture\.test\.ts > a browser test/);
    expect(out).toMatch(
      /FAIL .*skips\.fixture\.test\.ts > a browser suite > has what these tests need \(browser\)/,
    );
    expect(out).not.toContain("the suite's own hook ran");
    expect(out).toContain("Chromium: not installed (Debian: chromium)");
    expect(out).toMatch(/fix, once: (sudo )?apt-get install -y chromium/);
    expect(out).toContain("To leave them out on purpose: KINDLING_TEST_SKIP=browser");
    expect(out).toMatch(/Tests +2 failed \| 1 passed \| 1 skipped/);
  });
});
