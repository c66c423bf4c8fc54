/**
 * Kubernetes pod discovery for a Prometheus built without it (Debian's package, in Kindling's
 * Prometheus image, leaves out `kubernetes_sd_configs`): a sidecar lists the pods of its own
 * namespace and serves them as HTTP service discovery, labelled with the same `__meta_kubernetes_*`
 * names Prometheus's `role: pod` gives, so the relabelling of `kubernetesScrapeConfigs()` applies
 * unchanged. Run it with `node --import tsx pod-discovery.ts` in a pod whose service account may
 * list pods.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { POD_DISCOVERY_PORT, type TargetGroup } from "./prometheus.js";

/** The fields of a Kubernetes Pod this reads. */
export interface Pod {
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: {
    containers: { name: string; ports?: { name?: string; containerPort: number; protocol?: string }[] }[];
  };
  status: { podIP?: string; phase?: string };
}

const SA = "/var/run/secrets/kubernetes.io/serviceaccount";
const meta = (name: string) => `__meta_kubernetes_${name}`;
const sanitize = (name: string) => name.replace(/[^a-zA-Z0-9_]/g, "_");

/**
 * One target group per container port of every running pod with an IP (one per container without
 * ports), as Prometheus's pod role would discover them.
 */
export function podTargetGroups(pods: Pod[]): TargetGroup[] {
  const groups: TargetGroup[] = [];
  for (const pod of pods) {
    const ip = pod.status.podIP;
    if (!ip || pod.status.phase !== "Running") continue;
    const labels: Record<string, string> = {
      [meta("namespace")]: pod.metadata.namespace,
      [meta("pod_name")]: pod.metadata.name,
      [meta("pod_uid")]: pod.metadata.uid,
      [meta("pod_ip")]: ip,
      [meta("pod_phase")]: pod.status.phase,
    };
    for (const [k, v] of Object.entries(pod.metadata.labels ?? {})) {
      labels[meta(`pod_label_${sanitize(k)}`)] = v;
      labels[meta(`pod_labelpresent_${sanitize(k)}`)] = "true";
    }
    for (const [k, v] of Object.entries(pod.metadata.annotations ?? {})) {
      labels[meta(`pod_annotation_${sanitize(k)}`)] = v;
      labels[meta(`pod_annotationpresent_${sanitize(k)}`)] = "true";
    }
    for (const c of pod.spec.containers) {
      const container = { ...labels, [meta("pod_container_name")]: c.name };
      if (!c.ports?.length) groups.push({ targets: [ip], labels: container });
      for (const p of c.ports ?? [])
        groups.push({
          targets: [`${ip}:${p.containerPort}`],
          labels: {
            ...container,
            [meta("pod_container_port_name")]: p.name ?? "",
            [meta("pod_container_port_number")]: String(p.containerPort),
            [meta("pod_container_port_protocol")]: p.protocol ?? "TCP",
          },
        });
    }
  }
  return groups;
}

/** Lists the pods of this pod's namespace with its service account (the token is re-read: it rotates). */
async function listPods(): Promise<Pod[]> {
  const namespace = readFileSync(`${SA}/namespace`, "utf8").trim();
  const api = `https://${process.env.KUBERNETES_SERVICE_HOST}:${process.env.KUBERNETES_SERVICE_PORT}`;
  const r = await fetch(`${api}/api/v1/namespaces/${namespace}/pods`, {
    headers: { authorization: `Bearer ${readFileSync(`${SA}/token`, "utf8").trim()}` },
    signal: AbortSignal.timeout(10_000),
  });
  if (!r.ok) throw new Error(`listing pods: HTTP ${r.status} ${await r.text()}`);
  return ((await r.json()) as { items: Pod[] }).items;
}

/** Serves the pods as HTTP SD JSON on `port` (any path). An API error answers 500, so Prometheus keeps its last targets. */
export function servePodDiscovery(port: number, host = "127.0.0.1"): Server {
  const server = createServer((_req, res) => {
    listPods().then(
      (pods) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(podTargetGroups(pods)));
      },
      (err: Error) => {
        process.stderr.write(`pod-discovery: ${err.message}\n`);
        res.writeHead(500).end(err.message);
      },
    );
  });
  return server.listen(port, host);
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const port = Number(process.env.POD_DISCOVERY_PORT ?? POD_DISCOVERY_PORT);
  servePodDiscovery(port);
  process.stdout.write(`pod-discovery: serving this namespace's pods on 127.0.0.1:${port}\n`);
}
