/**
 * The decisions of run/server-loss.ts (which failures are a lost server, when a run is run again)
 * as plain logic. The real thing — a server JVM killed and restarted on its port mid-run — is
 * test/pipeline/server-restart.test.ts.
 */
import { SparkConnectError } from "@kindling/spark-connect";
import { describe, expect, it } from "vitest";
import { KindlingError } from "../../src/errors.js";
import type { RunResult } from "../../src/run/result.js";
import {
  describeRestarts,
  runRerunningAfterServerLoss,
  serverLoss,
  serverWentAway,
} from "../../src/run/server-loss.js";

const gone = new SparkConnectError(
  "UNAVAILABLE",
  "The Spark Connect server at x is unreachable or went away (read ECONNRESET).",
);

/** The fields of a RunResult the loop reads; the rest does not matter to it. */
function result(status: "succeeded" | "failed", runId: string, lost = false): RunResult {
  return {
    runId,
    status,
    error: status === "failed" ? gone.message : undefined,
    ...(lost ? { serverLoss: "gone" as const } : {}),
  } as RunResult;
}

const options = (answers: boolean[]) => {
  const lines: string[] = [];
  return {
    lines,
    url: "sc://driver:15002",
    waitSeconds: 1,
    pollMs: 10,
    answers: async () => answers.shift() ?? false,
    say: (l: string) => lines.push(l),
  };
};

describe("a run whose Spark Connect server went away", () => {
  it("is recognised by the client's UNAVAILABLE or Spark's INVALID_HANDLE, through causes", () => {
    expect(serverWentAway(gone)).toBe(true);
    expect(
      serverWentAway(new KindlingError("output x could not be written", "output", { cause: gone })),
    ).toBe(true);
    const restarted = new SparkConnectError("EXECUTION", "session changed", {
      errorClass: "INVALID_HANDLE.SESSION_CHANGED",
    });
    expect(serverWentAway(restarted)).toBe(true);
    expect(
      serverWentAway(
        new SparkConnectError("EXECUTION", "division by zero", { errorClass: "DIVIDE_BY_ZERO" }),
      ),
    ).toBe(false);
    expect(serverWentAway(new Error("ENOSPC"))).toBe(false);
  });

  it("runs again once the server answers, and the result lists the restart", async () => {
    const o = options([false, true]);
    const runs = [result("failed", "r1", true), result("succeeded", "r2")];
    const r = await runRerunningAfterServerLoss(async () => runs.shift()!, o);
    expect(r.runId).toBe("r2");
    expect(r.restarts).toEqual([
      { attempt: 1, runId: "r1", error: gone.message, waitedMs: expect.any(Number) },
    ]);
    expect(o.lines[1]).toMatch(
      /^kindling: it is back after \d+ s: running the pipeline again from the start \(attempt 2 of 3\)$/,
    );
    expect(describeRestarts(r.restarts!)).toMatch(
      /^ran 2 times: run 1 \(r1\) ended when the Spark Connect server went away/,
    );
  });

  it("is not run again once a Delta commit had begun", async () => {
    const o = options([true]);
    let n = 0;
    const r = await runRerunningAfterServerLoss(async (_n, watch) => {
      n++;
      watch({ type: "commit", sink: "s", path: "/t" });
      return result("failed", "r1", true);
    }, o);
    expect(n).toBe(1);
    expect(r.error).toMatch(
      /^the Spark Connect server at sc:\/\/driver:15002 went away mid-run while a Delta sink was committing/,
    );
    expect(r.errorCode).toBe("environment");
  });

  it("stops after the attempts allowed, saying so", async () => {
    const o = options([true, true, true]);
    const r = await runRerunningAfterServerLoss(async (n) => result("failed", `r${n}`, true), {
      ...o,
      maxAttempts: 2,
    });
    expect(r.runId).toBe("r2");
    expect(r.restarts).toHaveLength(1);
    expect(r.error).toMatch(
      /went away mid-run again \(nothing was published; 2 attempts made, none finished\)/,
    );
  });

  it("with waiting off, leaves the failure as it was; other errors pass through", async () => {
    const off = { ...options([]), waitSeconds: 0 };
    const r = await runRerunningAfterServerLoss(async () => result("failed", "r1", true), off);
    expect(r.error).toBe(gone.message);
    await expect(
      runRerunningAfterServerLoss(async () => Promise.reject(new Error("disk full")), options([true])),
    ).rejects.toThrow("disk full");
    await expect(runRerunningAfterServerLoss(async () => Promise.reject(gone), options([]))).rejects.toThrow(
      /^the Spark Connect server at sc:\/\/driver:15002 did not answer within 1 s: The Spark Connect server at x is unreachable/,
    );
  });

  it("a server that never answered fails at once unless waiting at the start was asked for", async () => {
    const o = { ...options([true]), waitAtStart: false };
    await expect(runRerunningAfterServerLoss(async () => Promise.reject(gone), o)).rejects.toBe(gone);
    expect(o.lines).toEqual([]);
    // Mid-run losses are still waited through with waitAtStart false.
    const runs = [result("failed", "r1", true), result("succeeded", "r2")];
    const r = await runRerunningAfterServerLoss(async () => runs.shift()!, {
      ...options([true]),
      waitAtStart: false,
    });
    expect(r.runId).toBe("r2");
    expect(r.restarts).toHaveLength(1);
  });

  it("a server whose SparkContext stopped counts as back only after it was seen gone", async () => {
    // A driver pod being replaced: its SparkContext stops while its Connect server still answers.
    const stopped = new SparkConnectError("EXECUTION", "Cannot call methods on a stopped SparkContext.");
    expect(serverLoss(new KindlingError("output x could not be written", "output", { cause: stopped }))).toBe(
      "stopping",
    );
    expect(serverLoss(gone)).toBe("gone");
    const o = options([true, true, false, true]); // the dying server, twice; gone; the new one
    let asked = 0;
    const answers = o.answers;
    const runs = [{ ...result("failed", "r1"), serverLoss: "stopping" as const }, result("succeeded", "r2")];
    const r = await runRerunningAfterServerLoss(async () => runs.shift()!, {
      ...o,
      waitSeconds: 5,
      answers: async () => {
        asked++;
        return answers();
      },
    });
    expect(r.runId).toBe("r2");
    expect(asked).toBe(4);
    expect(r.restarts).toHaveLength(1);
  });
});
