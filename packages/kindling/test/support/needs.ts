/**
 * Tests that need more than Spark (an S3 store, Prometheus, Chromium, root…) declare it with
 * {@link describeWith} / {@link itWith}. Never a silent skip: with the need opted out
 * (`KINDLING_TEST_SKIP`) the tests are skipped under a title carrying {@link OPT_OUT_MARK} (the
 * opt-out reporter lists them at the end and fails the run on any other skip); otherwise the
 * setup's own checks run first and a missing dependency FAILS a test with the command that fixes it.
 */
import { describe, it, type TestOptions } from "vitest";
import { parseTestSkip, type TestNeed } from "../../src/setup/needs.js";
import { testSetupSteps } from "../../src/setup/steps.js";

/** Part of the title of every test skipped by an explicit opt-out (the reporter looks for it). */
export const OPT_OUT_MARK = "[opted out by KINDLING_TEST_SKIP";

const optedOut = (need: TestNeed) => parseTestSkip().has(need);
const markOf = (need: TestNeed) => `${OPT_OUT_MARK}=${need}]`;

/**
 * What is missing for `need`, each with the command that fixes it, or undefined when the setup's
 * checks all pass. Fast and synchronous (the checks only look), so suites call it while collecting.
 */
export function setupProblem(need: TestNeed): string | undefined {
  const problems: string[] = [];
  for (const step of testSetupSteps().filter((s) => s.needs.includes(need))) {
    const found = step.check();
    if (!found.present) problems.push(`${step.name}: ${found.reason}\n    fix, once: ${step.fix}`);
  }
  if (!problems.length) return undefined;
  return (
    `These tests need what is not set up here (or run 'npm run test:setup', which installs what it can):\n` +
    `  ${problems.join("\n  ")}\n` +
    `To leave them out on purpose: KINDLING_TEST_SKIP=${need}`
  );
}

/** `describe(name, options, fn)` for tests that need `need` (see the module comment). */
export function describeWith(need: TestNeed, name: string, options: TestOptions, fn: () => void): void {
  if (optedOut(need)) {
    describe.skip(`${name} ${markOf(need)}`, fn);
    return;
  }
  describe(name, options, () => {
    // Missing: one test that FAILS with what to run, instead of the suite (whose hooks would fail
    // on the missing part and leave its tests reported as skipped).
    const problem = setupProblem(need);
    if (problem) {
      it(`has what these tests need (${need})`, () => {
        throw new Error(problem);
      });
      return;
    }
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
      const problem = setupProblem(need);
      if (problem) throw new Error(problem);
      await fn();
    },
    timeout,
  );
}
