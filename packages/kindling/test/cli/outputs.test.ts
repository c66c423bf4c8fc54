/**
 * Output folders through the CLI, as a user meets them: a parameter that would lead a sink out of
 * its folder, an output folder that cannot be written (immutable, full disk), and two runs of one
 * spec started together. Real Spark, real files, real processes.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { kindling, startKindling } from "../support/cli.js";

let remote: string;
let dir: string;
const cleanups: (() => void)[] = [];

/** A spec over `rows` generated orders writing `${out_dir}/${name}`, quarantine and report under out_dir. */
function pipeline(rows: number): string {
  const lines = ["order_id,amount,note"];
  for (let i = 0; i < rows; i++)
    lines.push(`${i},${(i * 37) % 1000},${Math.random().toString(36).repeat(3)}`);
  writeFileSync(join(dir, "orders.csv"), `${lines.join("\n")}\n`);
  const file = join(dir, `p-${rows}.yaml`);
  writeFileSync(
    file,
    `version: 1
name: outputs_${rows}
parameters:
  out_dir: { default: ${join(dir, "out")} }
  name: { default: orders }
sources:
  orders:
    format: csv
    path: ${join(dir, "orders.csv")}
    schema: "order_id STRING, amount INT, note STRING"
    options: { header: true }
steps:
  - { name: valid, kind: clean, input: orders, rules: [{ check: range, column: amount, min: 0 }] }
sinks:
  clean:
    input: valid
    path: \${out_dir}/\${name}
quarantine:
  path: \${out_dir}/quarantine
report:
  path: \${out_dir}/reports
`,
  );
  return file;
}

beforeAll(() => {
  remote = inject("sparkRemote");
  dir = mkdtempSync(join(tmpdir(), "kindling-outputs-"));
});
afterAll(() => {
  for (const c of cleanups.reverse()) c();
});

describe("kindling run: output folders", () => {
  it("--set name=../../victim is a spec error (exit 2, file:line, YAML path); the victim's files stay", async () => {
    const victim = join(dir, "victim");
    mkdirSync(victim, { recursive: true });
    writeFileSync(join(victim, "keep.txt"), "mine");
    const spec = pipeline(10);
    const r = await kindling(["run", spec, "--remote", remote, "--set", "name=../../victim"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `${spec}:17:11 sinks.clean.path: an output path must not contain a ".." segment`,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(join(victim, "keep.txt"), "utf8")).toBe("mine");
  });

  it("an existing folder without Kindling's marker is not replaced without --force", async () => {
    const spec = pipeline(10);
    const mine = join(dir, "out", "mine");
    mkdirSync(mine, { recursive: true });
    writeFileSync(join(mine, "keep.txt"), "mine");
    const r = await kindling(["run", spec, "--remote", remote, "--set", "name=mine"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`kindling: ${mine} is a non-empty folder that Kindling did not write`);
    expect(readdirSync(mine)).toEqual(["keep.txt"]);
  });

  it("an immutable output folder: the first error names the sink, the path and 'not writable'", async () => {
    const spec = pipeline(10);
    const out = join(dir, "immutable");
    mkdirSync(out);
    const chattr = spawnSync("chattr", ["+i", out]);
    if (chattr.status !== 0) return void console.warn(`skipped: chattr +i failed (${chattr.stderr})`);
    cleanups.push(() => spawnSync("chattr", ["-i", out]));
    const r = await kindling(["run", spec, "--remote", remote, "--set", `out_dir=${out}`]);
    expect(r.code).toBe(1);
    // Nothing can be written there, not even the lock: the run stops before Spark with the first
    // error, and writes no report that would fail a second time.
    expect(r.stderr.trim()).toBe(
      `kindling: sink clean: cannot write ${out}/orders: not writable (EPERM). Check the folder's permissions and flags (read-only mount, chattr +i), or point the output elsewhere.`,
    );
  });

  it("a full disk: the first error names what was written (a source's staged copy beside the outputs), the path and 'no space left'", async () => {
    const spec = pipeline(40_000);
    const out = join(dir, "full");
    mkdirSync(out);
    const mount = spawnSync("mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", out]);
    if (mount.status !== 0) return void console.warn(`skipped: cannot mount a small tmpfs (${mount.stderr})`);
    // Lazy: Spark may still hold a file there (an aborted task); the mount goes when it lets go.
    cleanups.push(() => spawnSync("umount", ["-l", out]));
    const r = await kindling(["run", spec, "--remote", remote, "--set", `out_dir=${out}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `kindling: run failed: the staged copy of source orders: cannot write ${out}/\\.kindling-staging/\\S+\\.kindling-scratch/orders: no space left`,
      ),
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("two runs of one spec: the second fails at once naming the first; after the first is killed the next run takes over", async () => {
    const spec = pipeline(100);
    const out = join(dir, "race");
    const first = startKindling(["run", spec, "--remote", remote, "--set", `out_dir=${out}`], {
      env: { KINDLING_TEST_PAUSE_AT: "staged" },
    });
    cleanups.push(() => first.child.kill("SIGKILL"));
    await first.waitForOutput("kindling-test: paused at staged");
    const t0 = Date.now();
    const second = await kindling(["run", spec, "--remote", remote, "--set", `out_dir=${out}`]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(
      new RegExp(
        `kindling: ${out}/(orders|quarantine) is being written by run \\S+ \\(pid ${first.pid} on .+, started \\d{4}-`,
      ),
    );
    expect(Date.now() - t0).toBeLessThan(120_000);
    expect(readdirSync(join(out, ".kindling-staging")).length).toBe(1); // the first run's staging is intact
    first.child.kill("SIGKILL");
    await first.finished;
    const third = await kindling(["run", spec, "--remote", remote, "--set", `out_dir=${out}`, "--json"]);
    expect(third.code, third.stderr).toBe(0);
    const result = JSON.parse(third.stdout);
    expect(result.recovered.join("\n")).toMatch(/took over the lock of run .* \(pid \d+ is gone\)/);
    expect(existsSync(join(out, ".kindling-staging"))).toBe(false);
    const commit = JSON.parse(readFileSync(join(out, "_kindling", "outputs_100.commit.json"), "utf8"));
    expect(commit.runId).toBe(result.runId);
  });
});
