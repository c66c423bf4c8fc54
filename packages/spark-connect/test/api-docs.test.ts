/**
 * The API reference stays complete: `tools/api-docs/build.sh --check` (TypeDoc over the package's
 * exports and its `./local` sub-export) fails on any exported symbol without a doc comment and on
 * any broken `{@link}`. Needs no Spark (KINDLING_TEST_SPARK=off works).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { scaled } from "./support/timeouts.js";

const root = join(fileURLToPath(import.meta.url), "..", "..", "..", "..");

describe("API reference", () => {
  it(
    "documents every exported symbol and has no broken links (build.sh --check exits 0)",
    () => {
      const r = spawnSync("bash", [join(root, "tools", "api-docs", "build.sh"), "--check"], {
        encoding: "utf8",
        timeout: scaled(120_000),
      });
      // On failure the script's stderr lists each undocumented symbol and broken link.
      expect(r.stderr + r.stdout).toContain("every exported symbol documented, links ok");
      expect(r.status).toBe(0);
    },
    scaled(150_000),
  );
});
