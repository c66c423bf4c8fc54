import { spawn } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { scaled } from "../../../spark-connect/test/support/timeouts.js";
import { registerChaos, registerCluster } from "../../src/cli/commands/cluster.js";
import type { ClusterStatus } from "../../src/cluster/control.js";
import { clusterDir, clusterStateFile } from "../../src/cluster/paths.js";
import { clusterJvms, findProcesses, isRunning } from "../../src/cluster/procs.js";
import { clusterConnectUrl } from "../../src/cluster/state.js";
import { kindling } from "../support/cli.js";

const NAME = `test-cli-${process.pid}`;
const LIMIT = { timeoutMs: scaled(400_000) };

function program(): Command {
  const p = new Command("kindling").exitOverride();
  p.configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerCluster(p);
  registerChaos(p);
  return p;
}

describe("kindling cluster up | status | down", () => {
  afterAll(async () => {
    // Never leave a cluster behind, whatever failed above.
    if (clusterJvms(NAME).length > 0 || existsSync(clusterStateFile(NAME)))
      await kindling(["cluster", "down", "--name", NAME], LIMIT);
    for (const name of [NAME, `${NAME}-stale`]) rmSync(clusterDir(name), { recursive: true, force: true });
  });

  it("starts a cluster that outlives the command, reports it, and stops it leaving no JVM", async () => {
    let t0 = Date.now();
    const up = await kindling(
      ["cluster", "up", "--name", NAME, "--workers", "1", "--memory", "512m", "--json"],
      LIMIT,
    );
    expect(up.code, up.stderr).toBe(0);
    const state = JSON.parse(up.stdout);
    process.stderr.write(`cluster up (CLI) in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    // The supervisor outlives the `up` command and owns the JVMs.
    expect(state.owner.kind).toBe("supervisor");
    expect(isRunning(state.owner.pid)).toBe(true);

    const st = await kindling(["cluster", "status", "--name", NAME, "--json"], LIMIT);
    expect(st.code, st.stderr).toBe(0);
    const status = JSON.parse(st.stdout) as ClusterStatus;
    expect(status).toMatchObject({
      name: NAME,
      running: true,
      workersExpected: 1,
      workersAlive: 1,
      problems: [],
    });
    expect(status.connectUrl).toMatch(/^sc:\/\/127\.0\.0\.1:\d+$/);
    expect(status.masterUrl).toMatch(/^spark:\/\/127\.0\.0\.1:\d+$/);
    expect(status.executors?.filter((e) => e.isActive)).toHaveLength(1);
    expect(status.apps).toHaveLength(1);
    expect(clusterConnectUrl(NAME)).toBe(status.connectUrl);
    const pids = clusterJvms(NAME).map((p) => p.pid);
    expect(pids.length).toBe(4); // master, worker, Connect server, executor

    t0 = Date.now();
    const down = await kindling(["cluster", "down", "--name", NAME], LIMIT);
    expect(down.code, down.stderr).toBe(0);
    process.stderr.write(`cluster down (CLI) in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    expect(down.stdout).toContain("none is left");
    expect(isRunning(state.owner.pid)).toBe(false);
    expect(pids.filter(isRunning)).toEqual([]);
    // No JVM of this cluster anywhere in /proc, and its state is gone.
    expect(findProcesses((args) => args.includes(`-Dkindling.cluster=${NAME}`))).toEqual([]);
    expect(existsSync(clusterStateFile(NAME))).toBe(false);
    expect(() => clusterConnectUrl(NAME)).toThrow(/no cluster running.*kindling cluster up/);

    const again = await kindling(["cluster", "status", "--name", NAME], LIMIT);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain(`No cluster '${NAME}' is running`);
  });

  it("rejects bad options as usage errors", async () => {
    await expect(
      program().parseAsync(["cluster", "up", "--workers", "0"], { from: "user" }),
    ).rejects.toMatchObject({
      code: "commander.invalidArgument",
    });
    await expect(
      program().parseAsync(["cluster", "up", "--name", NAME, "--memory", "lots"], { from: "user" }),
    ).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining("512m or 2g") });
    await expect(
      program().parseAsync(["chaos", "kill-worker", "--index", "x"], { from: "user" }),
    ).rejects.toMatchObject({
      code: "commander.invalidArgument",
    });
  });

  it("says how to start a cluster when chaos has none to break", async () => {
    await expect(
      program().parseAsync(["chaos", "kill-executor", "--name", NAME], { from: "user" }),
    ).rejects.toThrow("no cluster running named");
  });

  it("cleans up the state of a cluster whose supervisor died, killing its leftover JVMs", async () => {
    const name = `${NAME}-stale`;
    // A supervisor that is gone: a process that has exited.
    const dead = spawn(process.execPath, ["-e", ""]);
    await new Promise((r) => dead.once("exit", r));
    // A leftover "JVM": any process carrying the cluster's marker on its command line.
    const leftover = spawn(process.execPath, [
      "-e",
      "setTimeout(() => {}, 120000)",
      "--",
      `-Dkindling.cluster=${name}`,
    ]);
    await new Promise((r) => leftover.once("spawn", r));
    mkdirSync(join(clusterStateFile(name), ".."), { recursive: true });
    writeFileSync(
      clusterStateFile(name),
      JSON.stringify({ version: 1, name, status: "running", owner: { pid: dead.pid, kind: "supervisor" } }),
    );

    const st = await kindling(["cluster", "status", "--name", name, "--json"], LIMIT);
    expect(st.code).toBe(1);
    expect(JSON.parse(st.stdout)).toMatchObject({
      running: false,
      stale: { ownerPid: dead.pid, killed: [leftover.pid] },
    });
    expect(st.stderr).toContain("had died");
    expect(isRunning(leftover.pid!)).toBe(false);
    expect(existsSync(clusterStateFile(name))).toBe(false);
    expect(() => clusterConnectUrl(name)).toThrow(`no cluster running named '${name}'`);
  });
});
