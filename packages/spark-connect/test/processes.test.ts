/** The owned-process and wait-until-ready helpers, on real processes (no Spark needed). */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  busyMachineScale,
  type OwnedProcess,
  ownedPids,
  ProcessNotReadyError,
  startOwnedProcess,
  waitUntilReady,
} from "../src/local/index.js";
import { scaled } from "./support/timeouts.js";

const dir = mkdtempSync(join(tmpdir(), "kindling-owned-"));
const started: OwnedProcess[] = [];
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop(1000)));
});

/** `sh -c script` as an owned process logging to a fresh file. */
function shell(name: string, script: string): OwnedProcess {
  const p = startOwnedProcess({
    command: "sh",
    args: ["-c", script, `kindling-owned-test-${name}`],
    logFile: join(dir, `${name}.log`),
    marker: `kindling-owned-test-${name}`,
    label: `the ${name} script`,
  });
  started.push(p);
  return p;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until the script has written `child <pid>` to its log; returns that pid. */
async function backgroundPid(p: OwnedProcess): Promise<number> {
  let pid = 0;
  await waitUntilReady({
    what: "the script to name its background child",
    check: () => {
      pid = Number(/child (\d+)/.exec(readFileSync(p.logFile, "utf8"))?.[1] ?? 0);
      return pid > 0;
    },
    watch: [p],
    timeoutMs: scaled(10_000),
    intervalMs: 50,
  });
  return pid;
}

describe("waitUntilReady", () => {
  it("ends at once when the watched process exits, naming it, its log file and its last lines", async () => {
    const p = shell("early-exit", 'echo starting; echo "address already in use" >&2; exit 3');
    const t0 = Date.now();
    const err = await waitUntilReady({
      what: "the server to answer",
      check: () => false,
      watch: [p],
      timeoutMs: 600_000,
      intervalMs: 50,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProcessNotReadyError);
    const e = err as ProcessNotReadyError;
    expect(e.code).toBe("SERVER_START");
    expect(e.reason).toBe("exited");
    expect(e.logFile).toBe(p.logFile);
    expect(e.message).toBe(
      `the early-exit script (pid ${p.pid}) exited with code 3 while waiting for the server to answer. ` +
        `Last lines of ${p.logFile}:\nstarting\naddress already in use`,
    );
    expect(Date.now() - t0).toBeLessThan(scaled(10_000));
  });

  it("times out naming what was awaited and the check's last error, in the caller's error family", async () => {
    const p = shell("never-ready", "echo still booting; sleep 300");
    const err = await waitUntilReady({
      what: "port 1 to answer",
      check: () => {
        throw new Error("connect ECONNREFUSED");
      },
      watch: [p],
      timeoutMs: 300,
      intervalMs: 50,
      error: (f) => new RangeError(`${f.reason}: ${f.message}`),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RangeError);
    expect((err as Error).message).toMatch(
      /^timeout: timed out after \d+ s waiting for port 1 to answer \(last error: Error: connect ECONNREFUSED\)\. Last lines of .*never-ready\.log:\nstill booting$/,
    );
    expect(p.exitDescription()).toBeUndefined();
  });

  it("resolves once the check holds", async () => {
    let calls = 0;
    await waitUntilReady({
      what: "three polls",
      check: () => ++calls === 3,
      timeoutMs: 10_000,
      intervalMs: 10,
    });
    expect(calls).toBe(3);
  });
});

describe("startOwnedProcess", () => {
  it("stop() ends the whole process group with SIGTERM and forgets the process", async () => {
    const p = shell("group", "sleep 300 & echo child $!; wait");
    const child = await backgroundPid(p);
    expect(ownedPids()).toContain(p.pid);
    await p.stop();
    expect(p.exitDescription()).toBe("was killed by SIGTERM");
    await waitUntilReady({
      what: "the background sleep to end",
      check: () => !alive(child),
      timeoutMs: 5_000,
    });
    expect(ownedPids()).not.toContain(p.pid);
  });

  it("stop() sends SIGKILL after the grace when SIGTERM is ignored", async () => {
    const p = shell("stubborn", "trap '' TERM; sleep 300 & echo child $!; wait");
    const child = await backgroundPid(p);
    const t0 = Date.now();
    await p.stop(300);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(p.exitDescription()).toBe("was killed by SIGKILL");
    await waitUntilReady({
      what: "the background sleep to end",
      check: () => !alive(child),
      timeoutMs: 5_000,
    });
  });

  it("a command that does not exist is a SERVER_START error naming it", () => {
    const missing = join(dir, "no-such-binary");
    expect(() =>
      startOwnedProcess({
        command: missing,
        args: [],
        logFile: join(dir, "missing.log"),
        marker: "kindling-owned-test-missing",
        label: "the missing binary",
      }),
    ).toThrow(`Could not start the missing binary (${missing}); check that it is installed.`);
  });
});

describe("busyMachineScale", () => {
  it("is 1 + the larger load average per core, at most 5", () => {
    expect(busyMachineScale([0, 0, 0], 2)).toBe(1);
    expect(busyMachineScale([2, 3, 1], 2)).toBe(2.5);
    expect(busyMachineScale([13, 10, 8], 2)).toBe(5);
  });
});
