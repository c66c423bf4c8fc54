import { defineConfig } from "vitest/config";

// One test run, one shared Spark Connect server (started in the global setup and stopped after).
export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts"],
    globalSetup: ["packages/spark-connect/test/support/global-setup.ts"],
    testTimeout: 180_000,
    hookTimeout: 300_000,
    pool: "forks",
    // 2-core machines: Spark does the parallel work; test files run one after another.
    fileParallelism: false,
  },
});
