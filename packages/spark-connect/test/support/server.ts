import { type LocalServer, type LocalServerOptions, startLocalServer } from "../../src/local/server.js";
import { scaled } from "./timeouts.js";

/**
 * The shared test server: 2 local cores, small shuffle partitions so tests stay quick. `options`
 * adds to it (e.g. a fixed `port`, to restart a server at the same address).
 */
export function startTestServer(
  extraConf: Record<string, string> = {},
  options: Pick<LocalServerOptions, "port" | "uiPort"> = {},
): Promise<LocalServer> {
  return startLocalServer({
    ...options,
    master: "local[2]",
    driverMemory: "2g",
    startTimeoutMs: scaled(180_000),
    conf: { "spark.sql.shuffle.partitions": "4", "spark.sql.ansi.enabled": "true", ...extraConf },
    onProgress: (l) => process.stderr.write(`${l}\n`),
  });
}

export function isAliveForTests(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
