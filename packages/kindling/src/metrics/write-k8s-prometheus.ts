/** Writes `k8s/base/prometheus.yml` from prometheus.ts: `npm run k8s-prometheus -w @kindling/kindling`. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { kubernetesPrometheusYaml } from "./prometheus.js";

/** Path of the in-cluster Prometheus configuration in the repository. */
export const K8S_PROMETHEUS_FILE = join(
  import.meta.dirname,
  "..",
  "..",
  "..",
  "..",
  "k8s",
  "base",
  "prometheus.yml",
);

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  writeFileSync(K8S_PROMETHEUS_FILE, kubernetesPrometheusYaml());
  process.stdout.write(`wrote ${K8S_PROMETHEUS_FILE}\n`);
}
