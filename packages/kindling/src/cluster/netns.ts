/**
 * Workers in their own network namespaces, so executors talk over a network instead of one
 * loopback: a bridge in the root namespace holds the master's and the driver's address, and each
 * worker namespace is joined to it by a veth pair. Executors are the workers' children and live in
 * their namespace too. Cutting a worker's link (`ip link set … down` on its veth) isolates it.
 *
 * Everything is named after the cluster (no state needed to clean up): namespaces
 * `kindling-<name>-w<i>`, bridge `kb<hash>`, veths `kv<hash>w<i>`, iptables rules commented
 * `kindling-cluster-<name>`. Needs root and iproute2 (and iptables when the kernel filters bridged traffic).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { KindlingError } from "../errors.js";

/** The addresses and names of a cluster's network. */
export interface ClusterNetwork {
  bridge: string;
  /** The bridge's address: master and driver bind it. */
  hostIp: string;
  workers: { index: number; namespace: string; veth: string; ip: string }[];
}

const tag = (name: string) => createHash("sha256").update(name).digest("hex").slice(0, 6);
const namespaceOf = (name: string, index: number | "") => `kindling-${name}-w${index}`;
const comment = (name: string) => `kindling-cluster-${name}`;

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.error || r.status !== 0)
    throw new KindlingError(`${cmd} ${args.join(" ")} failed: ${(r.stderr || String(r.error)).trim()}`);
}

/** Why namespaces cannot be used here, or undefined when they can. */
export function namespacesUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return "worker network namespaces need root (ip netns, veth, bridge)";
  if (spawnSync("ip", ["-V"]).status !== 0)
    return "iproute2 ('ip') is not installed: apt-get install -y iproute2";
  if (bridgesFiltered() && spawnSync("iptables", ["-S", "FORWARD"]).status !== 0)
    return "the kernel filters bridged traffic (br_netfilter) and iptables cannot list FORWARD rules (apt-get install -y iptables)";
  const probe = `kindling-probe-${process.pid}`;
  const r = spawnSync("ip", ["netns", "add", probe], { encoding: "utf8" });
  if (r.status !== 0) return `'ip netns add' is not permitted here: ${r.stderr.trim()}`;
  spawnSync("ip", ["netns", "del", probe]);
  return undefined;
}

/** The kernel passes bridged traffic through iptables (br_netfilter): forwarding rules apply. */
function bridgesFiltered(): boolean {
  const f = "/proc/sys/net/bridge/bridge-nf-call-iptables";
  return existsSync(f) && readFileSync(f, "utf8").trim() === "1";
}

/** A /24 in 10.213.0.0/16 that no interface of this machine uses yet. */
function freeSubnet(name: string): string {
  const used = execFileSync("ip", ["-4", "-o", "addr", "show"], { encoding: "utf8" });
  const start = Number.parseInt(tag(name).slice(0, 2), 16);
  for (let i = 0; i < 256; i++) {
    const octet = (start + i) % 256;
    if (!used.includes(` 10.213.${octet}.`)) return `10.213.${octet}`;
  }
  throw new KindlingError("no free /24 left in 10.213.0.0/16 for a cluster network");
}

/** Creates the bridge and one namespace per worker. Removes any leftovers of the same name first. */
export function createNetwork(name: string, workers: number): ClusterNetwork {
  removeNetwork(name);
  const t = tag(name);
  const subnet = freeSubnet(name);
  const net: ClusterNetwork = { bridge: `kb${t}`, hostIp: `${subnet}.1`, workers: [] };
  try {
    run("ip", ["link", "add", net.bridge, "type", "bridge"]);
    run("ip", ["addr", "add", `${net.hostIp}/24`, "dev", net.bridge]);
    run("ip", ["link", "set", net.bridge, "up"]);
    if (bridgesFiltered())
      run("iptables", [
        "-I",
        "FORWARD",
        "1",
        "-i",
        net.bridge,
        "-o",
        net.bridge,
        "-m",
        "comment",
        "--comment",
        comment(name),
        "-j",
        "ACCEPT",
      ]);
    for (let i = 1; i <= workers; i++) {
      const w = { index: i, namespace: namespaceOf(name, i), veth: `kv${t}w${i}`, ip: `${subnet}.${10 + i}` };
      run("ip", ["netns", "add", w.namespace]);
      run("ip", ["link", "add", w.veth, "type", "veth", "peer", "name", "eth0", "netns", w.namespace]);
      run("ip", ["link", "set", w.veth, "master", net.bridge, "up"]);
      const inNs = (...args: string[]) => run("ip", ["-n", w.namespace, ...args]);
      inNs("addr", "add", `${w.ip}/24`, "dev", "eth0");
      inNs("link", "set", "eth0", "up");
      inNs("link", "set", "lo", "up");
      net.workers.push(w);
    }
    return net;
  } catch (err) {
    removeNetwork(name);
    throw err;
  }
}

/** Removes a cluster's namespaces, bridge and iptables rules. Idempotent; never throws. */
export function removeNetwork(name: string): void {
  const list = spawnSync("ip", ["netns", "list"], { encoding: "utf8" }).stdout ?? "";
  const prefix = namespaceOf(name, "");
  for (const line of list.split("\n")) {
    const ns = line.split(" ")[0] ?? "";
    if (ns.startsWith(prefix) && /^\d+$/.test(ns.slice(prefix.length))) spawnSync("ip", ["netns", "del", ns]); // deletes the veth pair with it
  }
  spawnSync("ip", ["link", "del", `kb${tag(name)}`]);
  const rules = spawnSync("iptables", ["-S", "FORWARD"], { encoding: "utf8" }).stdout ?? "";
  for (const rule of rules.split("\n")) {
    const words = rule.split(" ");
    if (words[0] !== "-A" || words[words.indexOf("--comment") + 1] !== comment(name)) continue;
    spawnSync("iptables", ["-D", ...words.slice(1)]);
  }
}

/** Takes a worker's link down (or up again): its executors lose the network, the JVMs keep running. */
export function setWorkerLink(name: string, index: number, up: boolean): string {
  const veth = `kv${tag(name)}w${index}`;
  run("ip", ["link", "set", veth, up ? "up" : "down"]);
  return veth;
}

/** The command prefix that runs a program inside a worker's namespace (`ip netns exec` execs it: same pid). */
export function inNamespace(namespace: string): string[] {
  return ["ip", "netns", "exec", namespace];
}
