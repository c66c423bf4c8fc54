/** Publishing one local output: the three modes (hard-linked kept files), the marker, and rolling back. */
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
import { LocalOutputStore } from "../../src/run/local-store.js";
import { MARKER, type PublishMode } from "../../src/run/output-store.js";

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

/** A previous output, a staged run beside it, then prepare + swapIn + rollForward; returns the root and the output. */
async function publishCase(
  mode: PublishMode,
  runId: string,
  before: Record<string, string>,
  staged: Record<string, string>,
) {
  const root = mkdtempSync(join(tmpdir(), "publish-"));
  const final = join(root, "out");
  write(final, { ...before, [MARKER]: "{}" });
  const store = new LocalOutputStore(final, runId);
  write(store.stagingPath, staged);
  await store.prepare(mode, { pipeline: "p", runId, writtenAt: "t" });
  await store.swapIn(runId);
  await store.rollForward(runId);
  await store.discardStaging();
  return { root, final: final };
}

const data = (files: string[]) => files.filter((f) => !f.startsWith(MARKER));

describe("LocalOutputStore publishing", () => {
  it("overwrite swaps the whole folder and removes the staging run folder", async () => {
    const { root, final } = await publishCase(
      "overwrite",
      "run1",
      { "part-0.parquet": "old", _SUCCESS: "" },
      { "part-9.parquet": "new", _SUCCESS: "" },
    );
    expect(data(tree(final))).toEqual(["_SUCCESS=", "part-9.parquet=new"]);
    expect(readdirSync(root)).toEqual(["out"]);
  });

  it("dynamic replaces only the partitions the run wrote", async () => {
    const { final } = await publishCase(
      "dynamic",
      "run2",
      { "d=1/a.parquet": "old1", "d=2/a.parquet": "old2", _SUCCESS: "" },
      { "d=2/b.parquet": "new2", "d=3/b.parquet": "new3", _SUCCESS: "" },
    );
    expect(data(tree(final))).toEqual([
      "_SUCCESS=",
      "d=1/a.parquet=old1",
      "d=2/b.parquet=new2",
      "d=3/b.parquet=new3",
    ]);
  });

  it("append adds the new files beside the old ones", async () => {
    const { final } = await publishCase(
      "append",
      "run3",
      { "d=1/a.parquet": "old", _SUCCESS: "" },
      { "d=1/b.parquet": "new", _SUCCESS: "" },
    );
    expect(data(tree(final))).toEqual(["_SUCCESS=", "d=1/a.parquet=old", "d=1/b.parquet=new"]);
  });

  it("writes the Kindling marker naming the run", async () => {
    const { final } = await publishCase("overwrite", "run4", {}, { "p.parquet": "x" });
    expect(JSON.parse(readFileSync(join(final, MARKER), "utf8"))).toMatchObject({ runId: "run4" });
  });
});

describe("LocalOutputStore.rollBack", () => {
  it("restores the previous output when a publish died between its two renames", async () => {
    const root = mkdtempSync(join(tmpdir(), "publish-"));
    const final = join(root, "out");
    write(final, { "part-0.parquet": "good", _SUCCESS: "" });
    // The crash: the old output was moved aside, the new one never moved in.
    renameSync(final, `${final}.kindling-old-run4`);
    const store = new LocalOutputStore(final, "run5");
    expect(await store.rollBack("run4")).toMatch(/restored/);
    expect(tree(final)).toEqual(["_SUCCESS=", "part-0.parquet=good"]);
    expect(readdirSync(root)).toEqual(["out"]);
  });

  it("removes an output that the dead run published where there was none before", async () => {
    const root = mkdtempSync(join(tmpdir(), "publish-"));
    const final = join(root, "out");
    write(final, { "p.parquet": "new", [MARKER]: JSON.stringify({ runId: "run6" }) });
    expect(await new LocalOutputStore(final, "run7").rollBack("run6")).toMatch(/removed/);
    expect(existsSync(final)).toBe(false);
  });
});
