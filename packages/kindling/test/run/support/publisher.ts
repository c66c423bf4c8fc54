/** Publishing processes (support/publish-child.ts) a test starts, pauses at a moment, and kills. */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";

const child = join(import.meta.dirname, "publish-child.ts");
const started: ChildProcess[] = [];
/** SIGKILLs every publisher a test started that still runs (call in afterEach). */
export function killStarted(): void {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  started.length = 0;
}

export interface Run {
  root: string;
  pipeline?: string;
  runId: string;
  outputs: Record<string, Record<string, string>>;
  mode?: string;
  force?: boolean;
}

/** Starts a publishing process; `pauseAt` makes it stop (alive, locks held) at that moment. */
export function start(run: Run, pauseAt?: string, env: Record<string, string> = {}) {
  const p = spawn(process.execPath, ["--import", "tsx", child, JSON.stringify({ pipeline: "p", ...run })], {
    env: { ...process.env, ...env, ...(pauseAt ? { KINDLING_TEST_PAUSE_AT: pauseAt } : {}) },
    stdio: ["ignore", "ignore", "pipe"],
  });
  started.push(p);
  let stderr = "";
  p.stderr!.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise<{ code: number | null; stderr: string }>((res) =>
    p.on("exit", (code) => res({ code, stderr })),
  );
  const reached = (line: string) =>
    new Promise<void>((res, rej) => {
      const check = () => (stderr.includes(line) ? res() : undefined);
      p.stderr!.on("data", check);
      p.on("exit", () =>
        stderr.includes(line) ? res() : rej(new Error(`exited before "${line}": ${stderr}`)),
      );
      check();
    });
  return { p, exited, reached };
}

/** Starts a publisher, waits until it pauses at `moment`, and SIGKILLs it there. */
export async function killAt(run: Run, moment: string, env: Record<string, string> = {}) {
  const c = start(run, moment, env);
  await c.reached(`kindling-test: paused at ${moment}`);
  c.p.kill("SIGKILL");
  await c.exited;
  return c;
}
