/**
 * The setup's step model: each thing the tests need is a {@link SetupStep} with a fast check
 * (is it there?), an install (into the cache, keyed by version) when this process can do it, and
 * the command a person runs once when it cannot (a Debian package without root). {@link runSetup}
 * checks every step, installs what is missing, checks again, and reports each outcome; a second
 * run only checks. Pure logic: the steps themselves live in steps.ts.
 */
import type { TestNeed } from "./needs.js";

/** What a check found: present (with what, e.g. a path and version) or missing (with why). */
export type Presence = { present: true; detail: string } | { present: false; reason: string };

/** One thing the tests need. */
export interface SetupStep {
  /** Short name for progress lines, e.g. `S3 store (SeaweedFS)`. */
  name: string;
  /** The test groups that need it; when all are opted out the step is not run. Empty: always needed. */
  needs: TestNeed[];
  /** Fast (well under a second when present) and synchronous (tests call it while collecting): looks, never installs. */
  check(): Presence;
  /** Installs it (cached); absent when this process cannot (then {@link fix} is what to run). */
  install?: (say: (line: string) => void) => Promise<void>;
  /** The command that installs it by hand, once (e.g. `sudo apt-get install -y chromium`). */
  fix: string;
}

/** How one step ended. */
export type StepOutcome = "present" | "installed" | "opted-out" | "missing" | "failed";

export interface StepResult {
  name: string;
  outcome: StepOutcome;
  /** What is there (present/installed), or why not (missing/failed). */
  detail: string;
  /** For missing/failed: the command to run once. */
  fix?: string;
  /** Wall time of check + install, milliseconds. */
  ms: number;
}

export interface SetupReport {
  results: StepResult[];
  /** True when nothing is missing or failed. */
  ok: boolean;
  ms: number;
}

/**
 * Runs the steps in order (later steps may rely on earlier ones). A step whose needs are all in
 * `skip` is reported as opted out and neither checked nor installed. An install that throws or
 * leaves the check failing makes the step `failed`; a missing step without an install is
 * `missing`. Never throws for a step: every outcome is in the report (`say` gets progress lines).
 */
export async function runSetup(
  steps: SetupStep[],
  options: {
    skip?: ReadonlySet<TestNeed>;
    say?: (line: string) => void;
    /** Called as each step ends (progress, in order). */
    onResult?: (result: StepResult) => void;
  } = {},
): Promise<SetupReport> {
  const say = options.say ?? (() => undefined);
  const skip = options.skip ?? new Set<TestNeed>();
  const started = Date.now();
  const results: StepResult[] = [];
  for (const step of steps) {
    const t0 = Date.now();
    const result = await runStep(step, skip, say);
    const full = { ...result, name: step.name, ms: Date.now() - t0 };
    results.push(full);
    options.onResult?.(full);
  }
  const ok = results.every((r) => r.outcome !== "missing" && r.outcome !== "failed");
  return { results, ok, ms: Date.now() - started };
}

async function runStep(
  step: SetupStep,
  skip: ReadonlySet<TestNeed>,
  say: (line: string) => void,
): Promise<Omit<StepResult, "name" | "ms">> {
  if (step.needs.length && step.needs.every((n) => skip.has(n)))
    return { outcome: "opted-out", detail: `KINDLING_TEST_SKIP has ${step.needs.join(", ")}` };
  let first: Presence;
  try {
    first = step.check();
  } catch (err) {
    return { outcome: "failed", detail: `the check failed: ${messageOf(err)}`, fix: step.fix };
  }
  if (first.present) return { outcome: "present", detail: first.detail };
  if (!step.install) return { outcome: "missing", detail: first.reason, fix: step.fix };
  say(`setup: ${step.name}: ${first.reason}; installing…`);
  try {
    await step.install((line) => {
      if (line.trim()) say(`setup:   ${line}`);
    });
    const after = step.check();
    if (after.present) return { outcome: "installed", detail: after.detail };
    return { outcome: "failed", detail: `still missing after the install: ${after.reason}`, fix: step.fix };
  } catch (err) {
    return { outcome: "failed", detail: messageOf(err), fix: step.fix };
  }
}

/** An error's message without its stack (a KindlingError's message already says what to do). */
function messageOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

const MARKS: Record<StepOutcome, string> = {
  present: "ok",
  installed: "installed",
  "opted-out": "opted out",
  missing: "MISSING",
  failed: "FAILED",
};

/** One step's outcome for the terminal (two lines when there is a command to run). */
export function formatStepResult(r: StepResult): string {
  const head = `  ${MARKS[r.outcome].padEnd(9)} ${r.name}: ${r.detail} (${(r.ms / 1000).toFixed(1)} s)`;
  return r.fix ? `${head}\n            fix, once: ${r.fix}` : head;
}

/** The steps that are not ready (all of them with `all`) and a verdict, for the terminal. */
export function formatSetupReport(report: SetupReport, options: { all?: boolean } = {}): string {
  const shown = options.all
    ? report.results
    : report.results.filter((r) => r.outcome === "missing" || r.outcome === "failed");
  const lines = shown.map(formatStepResult);
  const verdict = report.ok
    ? `setup: ready in ${(report.ms / 1000).toFixed(1)} s`
    : "setup: not ready: run the commands above once (or opt out of those tests with KINDLING_TEST_SKIP=…), then again";
  return [...lines, verdict].join("\n");
}
