import { type Kubectl, kubectlOutput } from "./cluster-store.js";

/** Kindling's namespace (k8s/base/namespace.yaml). */
export const NAMESPACE = "kindling";
/** The Spark Connect driver's pods (k8s/base/spark-connect.yaml) and the executor pods Spark labels. */
export const DRIVER_SELECTOR = "app.kubernetes.io/name=spark-connect";
export const EXECUTOR_SELECTOR = "spark-role=executor";

/** A pod as `kubectl get pods -o json` lists it (the fields Kindling reads). */
export interface Pod {
  metadata: { name: string; uid: string; deletionTimestamp?: string; ownerReferences?: { uid: string }[] };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

/** The pods of namespace kindling matching a label selector. Throws KindlingError like kubectlOutput. */
export async function podsOf(kubectl: Kubectl, selector: string): Promise<Pod[]> {
  const out = await kubectlOutput(kubectl, ["-n", NAMESPACE, "get", "pods", "-l", selector, "-o", "json"]);
  return (JSON.parse(out) as { items: Pod[] }).items;
}

/** Not being deleted. */
export const isLive = (p: Pod) => !p.metadata.deletionTimestamp;

/** Live, with the condition Ready true (for the driver: its Spark Connect port accepts connections). */
export const isReady = (p: Pod) =>
  isLive(p) && (p.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
