/** The embedded local server never outlives its owner: Ctrl-C, SIGKILL, normal exit. */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cacheRoot, reapOrphans } from "../src/index.js";
import { scaled } from "./support/timeouts.js";

const fixture = join(import.meta.dirname, "fixtures", "long-query.ts");

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `pred` for up to `timeoutMs` × the load-aware test scale; its last answer. */
async function until(pred: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + scaled(timeoutMs);
  while (Date.now() < end) {
    if (pred()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return pred();
}

function startFixture(): Promise<{ child: ChildProcess; jvm: number }> {
  const child = spawn(process.execPath, ["--import", "tsx", fixture], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    let jvm = 0;
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = out.match(/JVM (\d+)/);
      if (m) jvm = Number(m[1]);
      if (jvm && out.includes("RUNNING")) resolve({ child, jvm });
    });
    child.on("exit", (code) => reject(new Error(`fixture exited early (${code}): ${out}`)));
  });
}

describe("local server lifecycle", () => {
  it("SIGINT (Ctrl-C) of Node during a query leaves no JVM", async () => {
    const { child, jvm } = await startFixture();
    expect(alive(jvm)).toBe(true);
    child.kill("SIGINT");
    await new Promise((r) => child.once("exit", r));
    expect(await until(() => !alive(jvm), 15_000)).toBe(true);
  });

  it("SIGKILL of Node during a query leaves no JVM (the watchdog ends it)", async () => {
    const { child, jvm } = await startFixture();
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    expect(await until(() => !alive(jvm), 20_000)).toBe(true);
  });

  it("the next start reaps a server whose owner died without cleaning up", async () => {
    // A stand-in 'server' recorded as owned by a process that no longer exists.
    const marker = `kindling-reap-test-${Date.now()}`;
    const orphan = spawn("sh", ["-c", "sleep 300", marker], { stdio: "ignore", detached: true });
    const deadOwner = spawn("true");
    await new Promise((r) => deadOwner.once("exit", r));
    const dir = join(cacheRoot(), "run");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, `${orphan.pid}.json`),
      JSON.stringify({ pid: orphan.pid, owner: deadOwner.pid, marker }),
    );
    expect(alive(orphan.pid!)).toBe(true);
    expect(reapOrphans()).toContain(orphan.pid);
    expect(await until(() => orphan.exitCode !== null || orphan.signalCode !== null, 5_000)).toBe(true);
  });
});
