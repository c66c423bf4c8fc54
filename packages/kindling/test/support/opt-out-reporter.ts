/**
 * A vitest reporter, after the default one: at the end of a run it prints what was opted out
 * (`KINDLING_TEST_SKIP`) and fails the run on any skipped test that an opt-out does not explain,
 * so no test can skip silently. A run filtered by name (`-t`) skips on purpose: then it only lists.
 */
import type { Reporter, TestModule, Vitest } from "vitest/node";
import { optOutSummary, parseTestSkip } from "../../src/setup/needs.js";
import { OPT_OUT_MARK } from "./needs.js";

export default class OptOutReporter implements Reporter {
  private filtered = false;

  onInit(vitest: Vitest): void {
    this.filtered = Boolean(vitest.config.testNamePattern);
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const optedOut: string[] = [];
    const silent: string[] = [];
    for (const module of testModules)
      for (const test of module.children.allTests("skipped")) {
        const where = `${module.relativeModuleId} > ${test.fullName}`;
        (test.fullName.includes(OPT_OUT_MARK) ? optedOut : silent).push(where);
      }
    const out = (line: string) => process.stdout.write(`${line}\n`);
    const summary = optOutSummary(parseTestSkip());
    if (summary) out(`\n${summary}\n  ${optedOut.length} tests skipped because of it.`);
    if (!silent.length || this.filtered) return;
    out(`\nFAIL: ${silent.length} tests were skipped without an opt-out (no test may skip silently):`);
    for (const s of silent) out(`  ${s}`);
    out("Declare what they need with describeWith/itWith (packages/kindling/test/support/needs.ts).");
    process.exitCode = 1;
  }
}
