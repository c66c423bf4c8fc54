/**
 * `kindling run` waiting through a Spark Connect server that goes away mid-run (run/server-loss.ts):
 * a real server JVM is killed in the middle of a run and a new one started on the same port; the
 * run waits for it, runs the whole pipeline again and writes exactly what an undisturbed run
 * writes. A server that never comes back ends the run with a clear message after the wait.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { SparkSession } from "@kindling/spark-connect";
import { afterAll, describe, expect, it } from "vitest";
import { startTestServer } from "../../../spark-connect/test/support/server.js";
import { scaled } from "../../../spark-connect/test/support/timeouts.js";
import type { RunEvent } from "../../src/run/result.js";
import { runPipeline } from "../../src/run/runner.js";
import { type PipelineAttempt, runRerunningAfterServerLoss } from "../../src/run/server-loss.js";
import { loadPipeline } from "../../src/spec/index.js";
import { checksum, examplePipeline, smallDataset } from "./support.js";

type Server = Awaited<ReturnType<typeof startTestServer>>;
const servers: Server[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
});

// Under load each phase takes minutes: say which one is running.
const say = (line: string) => process.stderr.write(`server-restart: ${line}\n`);

/**
 * One attempt as `kindling run --remote` makes it: a fresh session on `url`, the run, the session
 * stopped. `onFirstTask` is called once, when a stage of the first attempt has completed a task.
 */
function attemptOn(url: string, dataDir: string, out: string, onFirstTask: () => void): PipelineAttempt {
  let fired = false;
  return async (n, watch) => {
    const spark = await SparkSession.builder()
      .remote(url)
      .retryPolicy({ maxRetries: 3, maxBackoffMs: 300 })
      .getOrCreate();
    try {
      const loaded = await loadPipeline(examplePipeline, {
        set: { data_dir: dataDir, out_dir: out },
        env: {},
      });
      return await runPipeline(spark, loaded, {
        onProgress: (e: RunEvent) => {
          watch(e);
          if (
            n === 1 &&
            !fired &&
            e.type === "progress" &&
            e.progress.stages.some((s) => s.completedTasks > 0)
          ) {
            fired = true;
            onFirstTask();
          }
        },
      });
    } finally {
      await spark.stop().catch(() => undefined);
    }
  };
}

describe("a run whose Spark Connect server goes away mid-run", () => {
  let dir = "";
  let reference = "";
  let restarted: Server | undefined;

  it(
    "waits for the server restarted on the same port, runs again, and writes what an undisturbed run writes",
    async () => {
      say("generating 150,000 orders; an undisturbed run for the reference checksum");
      ({ dir } = await smallDataset(150_000, 22));
      const first = await startTestServer();
      servers.push(first);
      const ref = await runRerunningAfterServerLoss(
        attemptOn(first.url, dir, join(dir, "ref"), () => undefined),
        { url: first.url, waitSeconds: 60, say },
      );
      expect(ref.status, ref.error).toBe("succeeded");
      expect(ref.restarts).toBeUndefined();

      const lines: string[] = [];
      const waitSeconds = Math.round(scaled(240_000) / 1000); // the load, and so scaled(), changes
      let restarting: Promise<Server> | undefined;
      const result = await runRerunningAfterServerLoss(
        attemptOn(first.url, dir, join(dir, "out"), () => {
          say(`killing the server (pid ${first.pid}) and starting a new one on port ${first.port}`);
          process.kill(first.pid, "SIGKILL");
          restarting = first
            .stop()
            .then(() => startTestServer({}, { port: first.port, uiPort: first.uiPort }));
        }),
        {
          url: first.url,
          waitSeconds,
          say: (l) => {
            lines.push(l);
            say(l);
          },
        },
      );
      expect(restarting).toBeDefined();
      restarted = await restarting!;
      servers.push(restarted);
      expect(result.status, result.error).toBe("succeeded");
      expect(result.restarts).toHaveLength(1);
      expect(result.restarts![0]).toMatchObject({ attempt: 1 });
      expect(result.restarts![0]!.runId).not.toBe(result.runId);
      expect(result.restarts![0]!.error).toMatch(/unreachable or went away|INVALID_HANDLE/);
      expect(lines[0]).toBe(
        `kindling: the Spark Connect server at ${first.url} went away mid-run (nothing was published); waiting up to ${waitSeconds} s for it…`,
      );
      expect(lines[1]).toMatch(
        /^kindling: it is back after \d+ s: running the pipeline again from the start \(attempt 2 of 3\)$/,
      );

      const spark = await SparkSession.builder().remote(restarted.url).getOrCreate();
      try {
        for (const output of ["orders_clean", "daily_revenue"]) {
          reference = await checksum(spark, join(dir, "ref", output));
          expect(await checksum(spark, join(dir, "out", output))).toBe(reference);
        }
      } finally {
        await spark.stop();
      }
    },
    scaled(600_000),
  );

  it(
    "fails with the clear UNAVAILABLE message when the server does not come back within the wait",
    async () => {
      expect(restarted, "the first test's restarted server").toBeDefined();
      const server = restarted!;
      const out = join(dir, "never");
      const result = await runRerunningAfterServerLoss(
        attemptOn(server.url, dir, out, () => {
          say(`killing the server (pid ${server.pid}); not starting another`);
          process.kill(server.pid, "SIGKILL");
        }),
        { url: server.url, waitSeconds: 5, pollMs: 1000, say },
      );
      expect(result.status).toBe("failed");
      expect(result.errorCode).toBe("environment");
      expect(result.serverLoss).toBe("gone");
      expect(result.restarts).toBeUndefined();
      // The lost run's own message follows (the phase that failed may name its source or output).
      expect(result.error).toMatch(
        new RegExp(
          `^the Spark Connect server at ${server.url} went away mid-run and did not answer again within 5 s: `,
        ),
      );
      expect(result.error).toMatch(
        /The Spark Connect server at 127\.0\.0\.1:\d+ is unreachable or went away/,
      );
      expect(result.error).not.toMatch(/\n\s+at /);
      expect(existsSync(join(out, "orders_clean"))).toBe(false);
      expect(existsSync(join(out, ".kindling-staging"))).toBe(false);
    },
    scaled(300_000),
  );
});
