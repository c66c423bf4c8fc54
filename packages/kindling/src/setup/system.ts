/**
 * What the setup asks of the machine: whether a command runs (and its version line), whether this
 * process is root (only root installs Debian packages), and running an install script with its
 * output streamed as progress lines.
 */
import { spawn, spawnSync } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { KindlingError } from "../errors.js";

/** True when running as root: Debian packages are then installed with apt-get. */
export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** True when `path` is a file this process may execute. */
export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The first output line of `cmd args` (e.g. its `--version`) when it runs and exits 0, else
 * undefined. Bounded by `timeoutMs` so a hanging binary cannot stall the setup.
 */
export function commandVersion(
  cmd: string,
  args: string[] = ["--version"],
  timeoutMs = 20_000,
): string | undefined {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: timeoutMs });
  if (r.error || r.status !== 0) return undefined;
  const line = `${r.stdout}\n${r.stderr}`.split("\n").find((l) => l.trim());
  return (line ?? "").trim().slice(0, 120);
}

/**
 * Runs `cmd args`, passing every output line to `say` (the install's progress). Resolves on exit 0;
 * rejects with KindlingError (code `environment`) carrying the last lines of output otherwise.
 */
export function runStreaming(
  cmd: string,
  args: string[],
  say: (line: string) => void,
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const tail: string[] = [];
    let pending = "";
    const onData = (chunk: Buffer) => {
      pending += chunk.toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        say(line);
        tail.push(line);
        if (tail.length > 20) tail.shift();
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", (e) => reject(new KindlingError(`could not run ${cmd}: ${e.message}`, "environment")));
    child.on("close", (code, signal) => {
      if (pending) say(pending);
      if (code === 0) resolve();
      else
        reject(
          new KindlingError(
            `${cmd} ${args.join(" ")} failed (${signal ?? `exit ${code}`}); its last lines:\n${tail.join("\n")}`,
            "environment",
          ),
        );
    });
  });
}

let aptUpdated = false;

/** `apt-get install` of Debian packages (the package lists refreshed once per process). Root only. */
export async function aptInstall(packages: string[], say: (line: string) => void): Promise<void> {
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  if (!aptUpdated) {
    await runStreaming("apt-get", ["update", "-qq"], say, { env });
    aptUpdated = true;
  }
  await runStreaming("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...packages], say, {
    env,
  });
}

/** What a person runs once to install Debian packages (with sudo unless already root). */
export function aptCommand(packages: string[]): string {
  return `${isRoot() ? "" : "sudo "}apt-get install -y ${packages.join(" ")}`;
}
