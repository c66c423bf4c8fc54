/**
 * Every manifest in k8s/ against a real Kubernetes API, as CI used to check it in a step of its
 * own: infra/k8s/validate.sh renders the kustomizations, starts a throwaway etcd + kube-apiserver,
 * runs kubeconform (strict, schemas from that server), a server-side dry run, and applies each
 * kustomization twice (the second apply must change nothing). The script checks itself too: a
 * manifest with an unknown field must be rejected and a non-idempotent one caught, or it fails.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { expect, it } from "vitest";
import { scaled } from "../../../spark-connect/test/support/timeouts.js";
import { repoRoot } from "../pipeline/support.js";
import { describeWith } from "../support/needs.js";

/** Runs a script, echoing its lines to stderr (what it is doing), and returns its exit code and output. */
function run(script: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("bash", [join(repoRoot, script)], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const onData = (d: Buffer) => {
      output += d.toString("utf8");
      process.stderr.write(d);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("close", (code) => resolve({ code, output }));
  });
}

describeWith("k8s", "the Kubernetes manifests in k8s/", {}, () => {
  it(
    "validate strictly against the pinned Kubernetes (kubeconform, server-side dry run) and re-apply unchanged",
    async () => {
      const { code, output } = await run("infra/k8s/validate.sh");
      expect(code, output.slice(-3000)).toBe(0);
      expect(output).toMatch(/\[4\/6\] kubeconform/);
      expect(output).toMatch(/\[5\/6\] server-side dry run/);
      // A second `kubectl apply -k` of every kustomization reports every object unchanged.
      expect(output).toMatch(
        /self-check: a claim template without the server's defaults is reported as changed/,
      );
      for (const name of [
        "k8s",
        "k8s-base",
        "k8s-overlays-local",
        "k8s-overlays-local-jobs",
        "k8s-overlays-kind",
      ])
        expect(output).toMatch(new RegExp(`${name}: second apply: \\d+ objects unchanged`));
      expect(output).toMatch(/All manifests valid against Kubernetes v\d+\.\d+\.\d+/);
    },
    scaled(600_000),
  );
});
