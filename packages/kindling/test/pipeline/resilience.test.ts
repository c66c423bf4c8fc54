/**
 * The Spark Connect server dying in the middle of a run: the run fails with a clear message,
 * nothing is published, and the previous output is left exactly as it was.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { SparkSession } from "@kindling/spark-connect";
import { afterAll, describe, expect, it } from "vitest";
import { startTestServer } from "../../../spark-connect/test/support/server.js";
import { scaled } from "../../../spark-connect/test/support/timeouts.js";
import { runPipeline } from "../../src/run/runner.js";
import { loadPipeline } from "../../src/spec/index.js";
import { checksum, examplePipeline, smallDataset } from "./support.js";

const servers: Awaited<ReturnType<typeof startTestServer>>[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
});

// Under load each phase takes minutes: say which one is running (the limit is scaled by the load).
const say = (line: string) => process.stderr.write(`resilience: ${line}\n`);

describe("a run whose Spark Connect server dies", () => {
  it(
    "fails clearly and leaves the previous output intact",
    async () => {
      say("generating 150,000 orders; a clean run on a server of its own");
      const { dir } = await smallDataset(150_000, 21);
      const load = () =>
        loadPipeline(examplePipeline, { set: { data_dir: dir, out_dir: join(dir, "out") }, env: {} });
      const first = await startTestServer();
      servers.push(first);
      const s1 = await SparkSession.builder().remote(first.url).getOrCreate();
      const good = await runPipeline(s1, await load());
      expect(good.status, good.error).toBe("succeeded");
      const before = await checksum(s1, join(dir, "out", "orders_clean"));

      say("clean run done; a second server, whose JVM is killed at the run's first completed task");
      const doomed = await startTestServer();
      servers.push(doomed);
      const s2 = await SparkSession.builder()
        .remote(doomed.url)
        .retryPolicy({ maxRetries: 3, maxBackoffMs: 300 })
        .getOrCreate();
      let killed = false;
      const run = runPipeline(s2, await load(), {
        onProgress: (e) => {
          if (!killed && e.type === "progress" && e.progress.stages.some((st) => st.completedTasks > 0)) {
            killed = true;
            say(`killing the server (pid ${doomed.pid}); waiting for the run to fail`);
            process.kill(doomed.pid, "SIGKILL");
          }
        },
      });
      const result = await run;
      expect(killed).toBe(true);
      expect(result.status).toBe("failed");
      expect(result.error).toMatch(/unreachable or went away/);
      // Said as the server's loss, not as a fault of a source or an output.
      expect(result.error).not.toMatch(/could not be (read|written)/);
      expect(result.error).not.toMatch(/\n\s+at /);
      expect(await checksum(s1, join(dir, "out", "orders_clean"))).toBe(before);
      expect(existsSync(join(dir, "out", ".kindling-staging"))).toBe(false);
      await s1.stop();
    },
    scaled(300_000),
  );
});
