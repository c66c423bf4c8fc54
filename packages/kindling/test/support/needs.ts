/**
 * Tests that need more than Spark (an S3 store, Prometheus, Chromium, root…) declare it with
 * {@link describeWith} / {@link itWith}. Never a silent skip: with the need opted out
 * (`KINDLING_TEST_SKIP`) the tests are skipped under a title carrying {@link OPT_OUT_MARK} (the
 * opt-out reporter lists them at the end and fails the run on any other skip); otherwise the
 * setup's own checks run first and a missing dependency FAILS the tests with the command that fixes it.
 */
import { beforeAll, describe, it, type TestOptions } from "vitest";
import { parseTestSkip, type TestNeed } from "../../src/setup/needs.js";
import { testSetupSteps } from "../../src/setup/steps.js";

/** Part of the title of every test skipped by an explicit opt-out (the reporter looks for it). */
export const OPT_OUT_MARK = "[opted out by KINDLING_TEST_SKIP";

const optedOut = (need: TestNeed) => parseTestSkip().has(need);
const markOf = (need: TestNeed) => `${OPT_OUT_MARK}=${need}]`;

/**
 * Throws, naming each missing dependency of `need` and the command that fixes it, unless the
 * setup's checks all pass. Fast (the checks only look).
 */
export async function requireSetup(need: TestNeed): Promise<void> {
  const problems: string[] = [];
  for (const step of testSetupSteps().filter((s) => s.needs.includes(need))) {
    const found = await step.check();
    if (!found.present) problems.push(`${step.name}: ${found.reason}\n    fix, once: ${step.fix}`);
  }
  if (problems.length)
    throw new Error(
      `These tests need what is not set up here (or run 'npm run test:setup', which installs what it can):\n` +
        `  ${problems.join("\n  ")}\n` +
        `To leave them out on purpose: KINDLING_TEST_SKIP=${need}`,
    );
}

/** `describe(name, options, fn)` for tests that need `need` (see the module comment). */
export function describeWith(need: TestNeed, name: string, options: TestOptions, fn: () => void): void {
  if (optedOut(need)) {
    describe.skip(`${name} ${markOf(need)}`, fn);
    return;
  }
  describe(name, options, () => {
    // Registered before the suite's own hooks, so it runs first; when it throws, every test of
    // the suite fails with its message (and the suite's own beforeAll hooks do not run).
    beforeAll(() => requireSetup(need));
    fn();
  });
}

/** `it(name, fn, timeout)` for one test that needs `need` (see the module comment). */
export function itWith(need: TestNeed, name: string, fn: () => Promise<void>, timeout?: number): void {
  if (optedOut(need)) {
    it.skip(`${name} ${markOf(need)}`, fn);
    return;
  }
  it(
    name,
    async () => {
      await requireSetup(need);
      await fn();
    },
    timeout,
  );
}
