/**
 * The Kubernetes side of the metrics, without a cluster: k8s/ agrees with the code (Spark conf,
 * driver pod annotations, generated Prometheus configuration), the pod-discovery sidecar labels
 * pods as Prometheus's pod role would, and the dashboard evaluation helpers. The e2e
 * (infra/k8s/e2e.sh) checks the same against a real cluster.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { MATCH_ALL, panelVerdicts, substituteVariables } from "../../src/metrics/evaluate.js";
import { type Pod, podTargetGroups } from "../../src/metrics/pod-discovery.js";
import { kubernetesPrometheusYaml, kubernetesScrapeConfigs } from "../../src/metrics/prometheus.js";
import { sparkMetricsConf } from "../../src/metrics/spark-conf.js";
import { K8S_PROMETHEUS_FILE } from "../../src/metrics/write-k8s-prometheus.js";
import { repoRoot } from "../pipeline/support.js";

const base = join(repoRoot, "k8s", "base");

/** key=value lines of a properties file (Spark's conf as the image's entrypoint reads it). */
function properties(file: string): [string, string][] {
  return readFileSync(join(base, file), "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]);
}

describe("k8s/ agrees with the metrics code", () => {
  const k8s = sparkMetricsConf({ mode: "kubernetes" }).conf;

  it("spark.properties holds sparkMetricsConf({ mode: 'kubernetes' }), and no key twice", () => {
    const entries = [...properties("spark.properties"), ...properties("executors.properties")];
    const keys = entries.map(([k]) => k);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
    const conf = Object.fromEntries(entries);
    for (const [key, value] of Object.entries(k8s)) expect(conf[key], key).toBe(value);
  });

  it("the Connect driver's pod carries the driver annotations and the spark-role the scrape jobs keep", () => {
    const docs = parseAllDocuments(readFileSync(join(base, "spark-connect.yaml"), "utf8")).map((d) =>
      d.toJS(),
    );
    const template = docs.find((d) => d.kind === "Deployment").spec.template;
    const prefix = "spark.kubernetes.driver.annotation.";
    const want = Object.fromEntries(
      Object.entries(k8s)
        .filter(([k]) => k.startsWith(prefix))
        .map(([k, v]) => [k.slice(prefix.length), v]),
    );
    expect(template.metadata.annotations).toEqual(want);
    expect(template.metadata.labels["spark-role"]).toBe("driver");
    const env = template.spec.containers[0].env.map((e: { name: string }) => e.name);
    expect(env).toContain("SPARK_DRIVER_POD_UID");
  });

  it("k8s/base/prometheus.yml is the file generated from kubernetesScrapeConfigs()", () => {
    expect(readFileSync(K8S_PROMETHEUS_FILE, "utf8")).toBe(kubernetesPrometheusYaml());
  });

  it("uses Prometheus's own pod discovery unless given the sidecar's URL", () => {
    const own = kubernetesScrapeConfigs();
    expect(own.every((c) => "kubernetes_sd_configs" in c)).toBe(true);
    const sidecar = kubernetesScrapeConfigs({ podDiscoveryUrl: "http://127.0.0.1:9099/pods" });
    expect(sidecar.every((c) => "http_sd_configs" in c && !("kubernetes_sd_configs" in c))).toBe(true);
    // Same relabelling either way: that is what makes the sidecar a drop-in.
    expect(sidecar.map((c) => c.relabel_configs)).toEqual(own.map((c) => c.relabel_configs));
  });
});

describe("pod discovery sidecar", () => {
  const pod = (name: string, phase: string, podIP?: string): Pod => ({
    metadata: {
      name,
      namespace: "kindling",
      uid: "3f2a1b4c-1111-2222-3333-444455556666",
      labels: { "spark-role": "executor", "spark-exec-id": "1" },
      annotations: { "prometheus.io/scrape": "true" },
    },
    spec: { containers: [{ name: "exec", ports: [{ name: "blockmanager", containerPort: 7079 }] }] },
    status: { phase, podIP },
  });

  it("labels each container port of a running pod with Prometheus's pod-role meta labels", () => {
    const groups = podTargetGroups([
      pod("a", "Running", "10.244.0.9"),
      pod("b", "Pending"),
      pod("c", "Succeeded", "10.244.0.8"),
    ]);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.targets).toEqual(["10.244.0.9:7079"]);
    expect(groups[0]!.labels).toMatchObject({
      __meta_kubernetes_namespace: "kindling",
      __meta_kubernetes_pod_name: "a",
      __meta_kubernetes_pod_uid: "3f2a1b4c-1111-2222-3333-444455556666",
      __meta_kubernetes_pod_label_spark_role: "executor",
      __meta_kubernetes_pod_label_spark_exec_id: "1",
      __meta_kubernetes_pod_annotation_prometheus_io_scrape: "true",
      __meta_kubernetes_pod_container_port_name: "blockmanager",
      __meta_kubernetes_pod_container_port_number: "7079",
    });
  });
});

describe("dashboard evaluation helpers", () => {
  it("substitutes Grafana's variables, $__rate_interval before the others", () => {
    const expr =
      'rate(x{namespace=~"$namespace", application_id=~"$application", run_id=~"$run"}[$__rate_interval])';
    expect(
      substituteVariables(expr, {
        namespace: MATCH_ALL,
        application: "spark-1",
        run: "r",
        rateInterval: "1m",
      }),
    ).toBe('rate(x{namespace=~".*", application_id=~"spark-1", run_id=~"r"}[1m])');
  });

  it("gives one verdict per panel, naming each empty or failing query", () => {
    const v = panelVerdicts([
      { panel: "P", refId: "A", expr: "a", series: 2 },
      { panel: "P", refId: "B", expr: "b", series: 0 },
      { panel: "Q", refId: "A", expr: "c", series: 0, error: "bad" },
      { panel: "R", refId: "A", expr: "d", series: 1 },
    ]);
    expect([...v]).toEqual([
      ["P", "FAILED: B empty"],
      ["Q", "FAILED: A error (bad)"],
      ["R", "ok"],
    ]);
  });
});
