import { defineConfig } from "vitest/config";
import { scaled } from "./packages/spark-connect/test/support/timeouts.js";

// One test run, one shared Spark Connect server (started in the global setup and stopped after).
// Limits are bases for an idle 2-core machine, scaled by the load (KINDLING_TEST_TIMEOUT_SCALE fixes it).
export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/fixtures/**"],
    globalSetup: ["packages/spark-connect/test/support/global-setup.ts"],
    testTimeout: scaled(180_000),
    hookTimeout: scaled(300_000),
    // After the default report: what KINDLING_TEST_SKIP left out, and a failure for any other skip.
    reporters: ["default", "./packages/kindling/test/support/opt-out-reporter.ts"],
    pool: "forks",
    // 2-core machines: Spark does the parallel work; test files run one after another.
    fileParallelism: false,
  },
});
