/**
 * Starts one real Spark Connect server for the whole test run and stops it afterwards; fails the
 * run if its JVM outlives the suite. `KINDLING_TEST_SPARK=off` skips it (for pure unit-test runs);
 * `KINDLING_TEST_REMOTE=sc://…` uses a server that is already running.
 */
import type { TestProject } from "vitest/node";
import { isAliveForTests, startTestServer } from "./server.js";
import { describeTimeoutScale } from "./timeouts.js";

declare module "vitest" {
  export interface ProvidedContext {
    sparkRemote: string;
    sparkUiPort: number;
  }
}

export default async function setup(project: TestProject) {
  process.stderr.write(`${describeTimeoutScale()}\n`);
  if (process.env.KINDLING_TEST_SPARK === "off") {
    project.provide("sparkRemote", "");
    project.provide("sparkUiPort", 0);
    return;
  }
  if (process.env.KINDLING_TEST_REMOTE) {
    project.provide("sparkRemote", process.env.KINDLING_TEST_REMOTE);
    project.provide("sparkUiPort", Number(process.env.KINDLING_TEST_UI_PORT ?? 0));
    return;
  }
  const server = await startTestServer();
  project.provide("sparkRemote", server.url);
  project.provide("sparkUiPort", server.uiPort);
  return async () => {
    await server.stop();
    if (isAliveForTests(server.pid))
      throw new Error(`The shared Spark Connect JVM (pid ${server.pid}) outlived the suite.`);
  };
}
