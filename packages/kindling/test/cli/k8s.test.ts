import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { kindling, REPO_ROOT } from "../support/cli.js";

const scratch = mkdtempSync(join(tmpdir(), "kindling-k8s-cli-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A PATH holding only the named commands (symlinks to the real ones). */
function pathWith(commands: string[]): string {
  const bin = join(scratch, `bin-${commands.length}`);
  mkdirSync(bin, { recursive: true });
  for (const c of commands) {
    const real = spawnSync("bash", ["-c", `command -v ${c}`], { encoding: "utf8" }).stdout.trim();
    if (real && !existsSync(join(bin, c))) symlinkSync(real, join(bin, c)); // asked for again by a later test
  }
  return bin;
}

describe("kindling k8s: the newcomer's path", () => {
  it("names every missing prerequisite at once, with one install command", () => {
    // Only what the script itself runs on: no iptables, docker, debootstrap, conntrack, gcc, ...
    const path = pathWith(["bash", "sed", "cat", "go"]);
    const r = spawnSync("bash", [join(REPO_ROOT, "infra/k8s/prereqs.sh")], {
      encoding: "utf8",
      env: { PATH: path, HOME: process.env.HOME ?? "/root" },
    });
    expect(r.status).toBe(1);
    const packages = r.stderr.match(/apt-get install -y (.*)/)?.[1]?.split(" ");
    expect(packages).toEqual([
      "iptables",
      "iproute2",
      "conntrack",
      "openssl",
      "curl",
      "docker.io",
      "debootstrap",
      "gcc",
      "pkg-config",
      "libseccomp-dev",
    ]);
    expect(r.stderr).toContain("kindling k8s up --install-prereqs");
  });

  it("says plainly that a stopped cluster is not running (exit 1, no 'failed')", async () => {
    const cache = join(scratch, "cache");
    const r = await kindling(["k8s", "status"], { env: { KINDLING_CACHE: cache } });
    if (process.getuid?.() !== 0) {
      // Without root the local provider refuses before looking; that message must say why.
      expect(r.stderr).toContain("needs root");
      return;
    }
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Local Kubernetes v[\d.]+: not running \(start it with: kindling k8s up\)/);
    expect(r.stderr).not.toContain("failed");
  });

  it("k8s env explains that the cluster has not been started, without a second error", async () => {
    const r = await kindling(["k8s", "env"], { env: { KINDLING_CACHE: join(scratch, "cache") } });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(
        /^error: no credentials at .*admin\.kubeconfig yet: start the cluster with kindling k8s up$/,
      ),
    ]);
  });

  it("deploy --provider kind names what is missing (kind cannot run here: its node image needs a registry)", async () => {
    // bash and dirname for the script; no kind, kubectl or docker on this PATH.
    const path = pathWith(["bash", "dirname"]);
    const r = await kindling(["k8s", "deploy", "--provider", "kind"], { env: { PATH: path } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error: deploy --provider kind needs kind kubectl docker on PATH \(kind: https:\/\/kind\.sigs\.k8s\.io\//m,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("deploy --provider kind with the tools but no kind cluster says how to create it", async () => {
    // A `kind` that knows no clusters (the real one would need a registry for its node image).
    const bin = pathWith(["bash", "dirname", "grep"]);
    for (const tool of ["kubectl", "docker"]) symlinkSync("/bin/true", join(bin, tool));
    writeFileSync(join(bin, "kind"), "#!/bin/bash\n[[ $1 == get ]] && exit 0\nexit 3\n", { mode: 0o755 });
    const r = await kindling(["k8s", "deploy", "--provider", "kind"], { env: { PATH: bin } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "error: there is no kind cluster 'kindling' yet: kindling k8s up --provider kind",
    );
  });

  it("k8s report says what is missing instead of failing obscurely", async () => {
    const noKubectl = await kindling(["k8s", "report", "--provider", "kind"], {
      env: { PATH: pathWith(["bash"]) },
    });
    expect(noKubectl.code).toBe(1);
    expect(noKubectl.stderr).toContain(
      "'kubectl' is not installed or not on PATH (kubectl talks to the cluster).",
    );
    const badFormat = await kindling(["k8s", "report", "--format", "pdf", "--provider", "kind"]);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain("--format must be one of md, json, html (got 'pdf').");
  });

  it("k8s scale refuses a bad count before it touches the cluster or the overlay", async () => {
    const r = await kindling(["k8s", "scale", "--executors", "0", "--provider", "kind"], {
      env: { PATH: pathWith(["bash"]) }, // no kubectl: the count is checked first
    });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("kindling: --executors must be a whole number from 1 to 64 (got 0).");
    const noKubectl = await kindling(["k8s", "scale", "--executors", "3", "--provider", "kind"], {
      env: { PATH: pathWith(["bash"]) },
    });
    expect(noKubectl.code).toBe(1);
    expect(noKubectl.stderr).toContain("'kubectl' is not installed or not on PATH");
  });

  it("k8s port-forward names a missing kubectl instead of waiting silently", async () => {
    const r = await kindling(["k8s", "port-forward", "--provider", "kind", "--ui-port", "24040"], {
      env: { PATH: pathWith(["bash"]) },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("'kubectl' is not installed or not on PATH");
  });
});
