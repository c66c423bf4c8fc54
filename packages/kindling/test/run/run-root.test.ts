/** Where a run keeps its records, and how a write failure is put in words (pure logic). */
import { describe, expect, it } from "vitest";
import { writeFailureReason } from "../../src/run/fs-errors.js";
import { runRoot } from "../../src/run/run-commit.js";
import type { PipelineSpec } from "../../src/spec/index.js";

const spec = (target_path?: string) =>
  ({ name: "p", ...(target_path ? { target_path } : {}) }) as PipelineSpec;

describe("runRoot", () => {
  it("is target_path when the spec declares one", () => {
    expect(runRoot(spec("/data/out"), ["/data/out/a/b"])).toBe("/data/out");
  });
  it("else the deepest folder holding every output", () => {
    expect(runRoot(spec(), ["/data/out/orders", "/data/out/quarantine"])).toBe("/data/out");
    expect(runRoot(spec(), ["/data/out/orders"])).toBe("/data/out");
    expect(runRoot(spec(), ["/data/out/x/orders", "/data/out/y/q"])).toBe("/data/out");
    expect(runRoot(spec(), ["s3a://lake/out/a", "s3a://lake/out/b"])).toBe("s3a://lake/out");
    expect(runRoot(spec(), ["s3a://lake/a", "s3a://lake/b"])).toBe("s3a://lake");
  });
  it("the first output's parent when outputs share no folder", () => {
    expect(runRoot(spec(), ["s3a://one/out/a", "s3a://two/out/b"])).toBe("s3a://one/out");
    expect(runRoot(spec(), ["/a/x", "/b/y"])).toBe("/a");
    expect(runRoot(spec(), ["/a/x", "s3a://two/out/b"])).toBe("/a");
  });
});

describe("writeFailureReason", () => {
  const errno = (code: string) => Object.assign(new Error(`${code}: nope`), { code });
  it("names permissions and full disks from errno codes", () => {
    expect(writeFailureReason(errno("EPERM"))).toBe("not writable");
    expect(writeFailureReason(errno("EROFS"))).toBe("not writable");
    expect(writeFailureReason(errno("ENOSPC"))).toBe("no space left");
    expect(writeFailureReason(errno("ENOENT"))).toBeUndefined();
  });
  it("finds the JVM's reason among Spark's server-side causes", () => {
    const e = Object.assign(new Error("[TASK_WRITE_FAILED] Task failed while writing rows to file:/x"), {
      serverCauses: ["java.io.IOException: No space left on device"],
    });
    expect(writeFailureReason(e)).toBe("no space left");
    expect(writeFailureReason(new Error("[TASK_WRITE_FAILED] Task failed"))).toBeUndefined();
  });
});
