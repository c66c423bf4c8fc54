/** Safe publishing on a local filesystem: staging, the three modes, and repair after a crash. */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cleanupStaging, publishOutput, recoverOutput, stagingPathFor } from "../../src/run/publish.js";

function tree(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${rel}${e.name}/`);
      else out.push(`${rel}${e.name}=${readFileSync(join(d, e.name), "utf8")}`);
    }
  };
  if (existsSync(root)) walk(root, "");
  return out.sort();
}

function write(dir: string, files: Record<string, string>) {
  for (const [f, content] of Object.entries(files)) {
    mkdirSync(join(dir, f, ".."), { recursive: true });
    writeFileSync(join(dir, f), content);
  }
}

/** A previous output, a staged run beside it, then publishOutput; returns the root and the output. */
function publishCase(
  mode: Parameters<typeof publishOutput>[2],
  runId: string,
  before: Record<string, string>,
  staged: Record<string, string>,
) {
  const root = mkdtempSync(join(tmpdir(), "publish-"));
  const final = join(root, "out");
  write(final, before);
  const staging = stagingPathFor(final, runId);
  write(staging, staged);
  publishOutput(staging, final, mode, runId);
  return { root, final, staging };
}

describe("publishOutput", () => {
  it("overwrite swaps the whole folder and removes the staging run folder", () => {
    const { root, final, staging } = publishCase(
      "overwrite",
      "run1",
      { "part-0.parquet": "old", _SUCCESS: "" },
      { "part-9.parquet": "new", _SUCCESS: "" },
    );
    cleanupStaging([staging]);
    expect(tree(final)).toEqual(["_SUCCESS=", "part-9.parquet=new"]);
    expect(readdirSync(root)).toEqual(["out"]);
  });

  it("dynamic replaces only the partitions the run wrote", () => {
    const { final } = publishCase(
      "dynamic",
      "run2",
      { "d=1/a.parquet": "old1", "d=2/a.parquet": "old2", _SUCCESS: "" },
      { "d=2/b.parquet": "new2", "d=3/b.parquet": "new3", _SUCCESS: "" },
    );
    expect(tree(final)).toEqual([
      "_SUCCESS=",
      "d=1/a.parquet=old1",
      "d=2/b.parquet=new2",
      "d=3/b.parquet=new3",
    ]);
  });

  it("append adds the new files beside the old ones", () => {
    const { final } = publishCase(
      "append",
      "run3",
      { "d=1/a.parquet": "old", _SUCCESS: "" },
      { "d=1/b.parquet": "new", _SUCCESS: "" },
    );
    expect(tree(final)).toEqual(["_SUCCESS=", "d=1/a.parquet=old", "d=1/b.parquet=new"]);
  });
});

describe("recoverOutput", () => {
  it("restores the previous output when a publish died between its two renames", () => {
    const root = mkdtempSync(join(tmpdir(), "publish-"));
    const final = join(root, "out");
    write(final, { "part-0.parquet": "good", _SUCCESS: "" });
    // The crash: the old output was moved aside, the new one never moved in.
    renameSync(final, `${final}.kindling-old-run4`);
    write(stagingPathFor(final, "run4"), { "part-1.parquet": "half" });
    const done = recoverOutput(final);
    expect(done.join("\n")).toMatch(/restored/);
    expect(tree(final)).toEqual(["_SUCCESS=", "part-0.parquet=good"]);
    expect(readdirSync(root)).not.toContain("out.kindling-old-run4");
    expect(existsSync(stagingPathFor(final, "run4"))).toBe(false);
  });

  it("drops a leftover copy when the new output is already in place", () => {
    const root = mkdtempSync(join(tmpdir(), "publish-"));
    const final = join(root, "out");
    write(final, { "part-1.parquet": "new" });
    write(`${final}.kindling-old-run5`, { "part-0.parquet": "old" });
    recoverOutput(final);
    expect(readdirSync(root).filter((n) => n.startsWith("out"))).toEqual(["out"]);
    expect(tree(final)).toEqual(["part-1.parquet=new"]);
  });
});
