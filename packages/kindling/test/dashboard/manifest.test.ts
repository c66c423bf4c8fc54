/**
 * k8s/base/dashboard.yaml runs `kindling dashboard` against the in-cluster Prometheus Service and
 * is part of the base (the manifests themselves are validated by infra/k8s/validate.sh).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { DASHBOARD_PORT } from "../../src/dashboard/server.js";
import { repoRoot } from "../pipeline/support.js";

const base = join(repoRoot, "k8s", "base");
const docs = (file: string) =>
  parseAllDocuments(readFileSync(join(base, file), "utf8")).map((d) => d.toJS()) as {
    kind: string;
    metadata: { name: string };
    // biome-ignore lint/suspicious/noExplicitAny: parsed YAML, checked field by field below
    spec: Record<string, any>;
  }[];

describe("the dashboard on Kubernetes", () => {
  it("is a Deployment and a Service on the dashboard's port, in the base", () => {
    const kustomization = parse(readFileSync(join(base, "kustomization.yaml"), "utf8"));
    expect(kustomization.resources).toContain("dashboard.yaml");
    const [service, deployment] = docs("dashboard.yaml");
    expect([service!.kind, deployment!.kind]).toEqual(["Service", "Deployment"]);
    expect(service!.spec.ports).toEqual([{ name: "http", port: DASHBOARD_PORT, targetPort: "http" }]);
    const container = deployment!.spec.template.spec.containers[0];
    expect(container.args.slice(0, 1)).toEqual(["dashboard"]);
    expect(container.args).toContain(`--port=${DASHBOARD_PORT}`);
    expect(container.args).toContain("--host=0.0.0.0");
    expect(container.readinessProbe.httpGet.path).toBe("/-/healthy");
  });

  it("reads the Prometheus Service of the base, on its port", () => {
    const container = docs("dashboard.yaml")[1]!.spec.template.spec.containers[0];
    const url = new URL(String(container.args.find((a: string) => a.startsWith("--prometheus=")).slice(13)));
    const prometheus = docs("monitoring.yaml").find(
      (d) => d.kind === "Service" && d.metadata.name === url.hostname,
    );
    expect(prometheus, `a Service named ${url.hostname}`).toBeDefined();
    expect(prometheus!.spec.ports.map((p: { port: number }) => p.port)).toContain(Number(url.port));
  });
});
