/**
 * `npm run test:setup` (the first part of `npm test`, and what `.ci/run` calls): brings everything
 * the tests need into the cache, printing progress, or says exactly what to run once. Honours
 * `KINDLING_TEST_SKIP`. Exit 0 when ready, 1 when something is missing, 2 for a bad opt-out key.
 */
import { KindlingError } from "../errors.js";
import { optOutSummary, parseTestSkip } from "./needs.js";
import { formatSetupReport, formatStepResult, runSetup } from "./step.js";
import { testSetupSteps } from "./steps.js";

const say = (line: string) => process.stdout.write(`${line}\n`);

try {
  const skip = parseTestSkip();
  const steps = testSetupSteps();
  say(`setup: ${steps.length} steps (what the tests need; cached in ~/.cache/kindling, keyed by version)`);
  const report = await runSetup(steps, { skip, say, onResult: (r) => say(formatStepResult(r)) });
  // Again at the end what is not ready, so the commands to run are the last thing on the screen.
  say(formatSetupReport(report));
  const optedOut = optOutSummary(skip);
  if (optedOut) say(optedOut);
  process.exitCode = report.ok ? 0 : 1;
} catch (err) {
  process.stderr.write(`setup: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = err instanceof KindlingError ? err.exitCode : 1;
}
