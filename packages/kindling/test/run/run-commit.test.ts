/**
 * The run as the unit of publishing, with real processes killed by SIGKILL at exact moments (a
 * test-only pause, KINDLING_TEST_PAUSE_AT), real concurrent runs and real files: the commit
 * record, roll back / roll forward on the next start, one writer per output folder, staging of
 * other live runs left alone, and folders Kindling did not write left alone.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LocalOutputStore } from "../../src/run/local-store.js";
import { readCommittedSet } from "../../src/run/run-commit.js";
import { killAt, killStarted, start } from "./support/publisher.js";

afterEach(killStarted);

const read = (dir: string) =>
  existsSync(dir)
    ? Object.fromEntries(
        readdirSync(dir)
          .filter((f) => !f.startsWith("_"))
          .map((f) => [f, readFileSync(join(dir, f), "utf8")]),
      )
    : undefined;

/** A root with two outputs a and b, published once by run r1. */
async function committedOnce() {
  const root = mkdtempSync(join(tmpdir(), "kindling-commit-"));
  const a = join(root, "a");
  const b = join(root, "b");
  const first = start({ root, runId: "r1", outputs: { [a]: { "x.txt": "a1" }, [b]: { "x.txt": "b1" } } });
  expect((await first.exited).code).toBe(0);
  return { root, a, b };
}
const storeFor = (p: string) => new LocalOutputStore(p, "reader");

describe("run-level commit (local)", () => {
  it("a run killed between two swaps is rolled back whole by the next run; a reader sees the mix as not committed", async () => {
    const { root, a, b } = await committedOnce();
    await killAt(
      { root, runId: "r2", outputs: { [a]: { "x.txt": "a2" }, [b]: { "x.txt": "b2" } } },
      "swap:1",
    );
    // The mix on disk: a is r2's, b is r1's; the record still names r1 for both.
    expect(read(a)).toEqual({ "x.txt": "a2" });
    expect(read(b)).toEqual({ "x.txt": "b1" });
    await expect(readCommittedSet(root, "p", storeFor)).rejects.toThrow(
      /not the committed set .*holds run r2, the commit names run r1/,
    );
    // The next run rolls r2 back before it writes, then publishes its own set.
    const third = start({ root, runId: "r3", outputs: { [a]: { "x.txt": "a3" } } }, "staged");
    await third.reached("kindling-test: paused at staged");
    expect(read(a)).toEqual({ "x.txt": "a1" });
    expect(read(b)).toEqual({ "x.txt": "b1" });
    expect((await readCommittedSet(root, "p", storeFor)).runId).toBe("r1");
    third.p.kill("SIGKILL");
    await third.exited;
    const fourth = start({ root, runId: "r4", outputs: { [a]: { "x.txt": "a4" }, [b]: { "x.txt": "b4" } } });
    const done = await fourth.exited;
    expect(done.code, done.stderr).toBe(0);
    const commit = await readCommittedSet(root, "p", storeFor);
    expect(commit.outputs).toEqual({ [a]: "r4", [b]: "r4" });
    expect([read(a), read(b)]).toEqual([{ "x.txt": "a4" }, { "x.txt": "b4" }]);
    expect(readdirSync(root).sort()).toEqual(["_kindling", "a", "b"]);
  });

  it("a run killed after its commit record is rolled forward by the next run", async () => {
    const { root, a, b } = await committedOnce();
    await killAt(
      { root, runId: "r2", outputs: { [a]: { "x.txt": "a2" }, [b]: { "x.txt": "b2" } } },
      "commit",
    );
    expect(readdirSync(root)).toContain("a.kindling-old-r2");
    expect((await readCommittedSet(root, "p", storeFor)).runId).toBe("r2");
    const next = start({ root, runId: "r3", outputs: { [a]: { "x.txt": "a3" } } });
    expect((await next.exited).code).toBe(0);
    expect([read(a), read(b)]).toEqual([{ "x.txt": "a3" }, { "x.txt": "b2" }]);
    expect((await readCommittedSet(root, "p", storeFor)).outputs).toEqual({ [a]: "r3", [b]: "r2" });
    expect(readdirSync(root).sort()).toEqual(["_kindling", "a", "b"]);
  });

  it("a run killed before its first swap leaves the committed set as it was", async () => {
    const { root, a, b } = await committedOnce();
    await killAt(
      { root, runId: "r2", outputs: { [a]: { "x.txt": "a2" }, [b]: { "x.txt": "b2" } } },
      "staged",
    );
    expect([read(a), read(b)]).toEqual([{ "x.txt": "a1" }, { "x.txt": "b1" }]);
    expect((await readCommittedSet(root, "p", storeFor)).runId).toBe("r1");
  });
});

describe("one writer per output folder (local)", () => {
  it("a second run fails at once naming the first (run id, pid, start), and leaves its staging alone", async () => {
    const { root, a } = await committedOnce();
    const first = start({ root, runId: "r2", outputs: { [a]: { "x.txt": "a2" } } }, "staged");
    await first.reached("kindling-test: paused at staged");
    const t0 = Date.now();
    const second = await start({ root, runId: "r3", outputs: { [a]: { "x.txt": "a3" } } }).exited;
    expect(second.code).toBe(3);
    expect(second.stderr).toMatch(
      new RegExp(
        `^locked: ${a} is being written by run r2 \\(pid ${first.p.pid} on .+, started \\d{4}-\\d\\d-\\d\\dT`,
        "m",
      ),
    );
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(existsSync(join(root, ".kindling-staging", "r2", "a", "x.txt"))).toBe(true);
    first.p.kill("SIGKILL");
    await first.exited;
    // The lock of the dead run is stale: the next run takes it over and publishes.
    const third = await start({ root, runId: "r4", outputs: { [a]: { "x.txt": "a4" } } }).exited;
    expect(third.code, third.stderr).toBe(0);
    expect(read(a)).toEqual({ "x.txt": "a4" });
    expect(existsSync(join(root, ".kindling-staging"))).toBe(false);
  });

  it("recovery of one output never touches another live run's staging of a different output", async () => {
    const root = mkdtempSync(join(tmpdir(), "kindling-commit-"));
    const a = join(root, "a");
    const b = join(root, "b");
    const first = start({ root, pipeline: "pa", runId: "r1", outputs: { [a]: { "x.txt": "a1" } } }, "staged");
    await first.reached("kindling-test: paused at staged");
    const other = await start({ root, pipeline: "pb", runId: "r2", outputs: { [b]: { "x.txt": "b2" } } })
      .exited;
    expect(other.code, other.stderr).toBe(0);
    expect(readFileSync(join(root, ".kindling-staging", "r1", "a", "x.txt"), "utf8")).toBe("a1");
  });
});

describe("a run's scratch beside its staging (its sources' staged copies)", () => {
  const file = (...p: string[]) => {
    mkdirSync(join(...p.slice(0, -1)), { recursive: true });
    writeFileSync(join(...p), "rows");
  };
  it("a dead run's scratch of an output goes with its staging when the next run locks that output; another output's stays", async () => {
    const root = mkdtempSync(join(tmpdir(), "kindling-scratch-"));
    const staging = join(root, ".kindling-staging");
    file(staging, "dead", "a.kindling-scratch", "orders", "part-0.parquet");
    file(staging, "dead", "a", "part-0.parquet");
    file(staging, "live", "b.kindling-scratch", "orders", "part-0.parquet");
    const store = new LocalOutputStore(join(root, "a"), "r9");
    expect(store.scratchPath).toBe(join(staging, "r9", "a.kindling-scratch"));
    expect((await store.removeStaleStaging()).sort()).toEqual([
      `removed stale staging ${join(staging, "dead", "a")}`,
      `removed stale staging ${join(staging, "dead", "a.kindling-scratch")}`,
    ]);
    expect(readdirSync(staging)).toEqual(["live"]);
    expect(existsSync(join(staging, "live", "b.kindling-scratch", "orders", "part-0.parquet"))).toBe(true);
  });

  it("the run's own scratch is removed with its staging", async () => {
    const root = mkdtempSync(join(tmpdir(), "kindling-scratch-"));
    const store = new LocalOutputStore(join(root, "a"), "r1");
    file(store.scratchPath, "orders", "part-0.parquet");
    file(store.stagingPath, "part-0.parquet");
    await store.discardStaging();
    expect(readdirSync(root)).toEqual([]);
  });
});

describe("folders Kindling did not write", () => {
  it("are not replaced without --force (files kept), and are with it", async () => {
    const root = mkdtempSync(join(tmpdir(), "kindling-commit-"));
    const victim = join(root, "victim");
    mkdirSync(victim);
    writeFileSync(join(victim, "thesis.tex"), "mine");
    const refused = await start({ root, runId: "r1", outputs: { [victim]: { "x.txt": "new" } } }).exited;
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(
      new RegExp(`^output: ${victim} is a non-empty folder that Kindling did not write .*pass --force`, "m"),
    );
    expect(read(victim)).toEqual({ "thesis.tex": "mine" });
    const forced = await start({ root, runId: "r2", outputs: { [victim]: { "x.txt": "new" } }, force: true })
      .exited;
    expect(forced.code, forced.stderr).toBe(0);
    expect(read(victim)).toEqual({ "x.txt": "new" });
  });
});
