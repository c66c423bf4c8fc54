#!/usr/bin/env bash
# Writes the node's configuration (regenerated on every `up`, so a changed address or version
# takes effect): containerd, the CNI bridge network, kubelet and kube-proxy.
#
#   infra/k8s/node-config.sh <node-ip>
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
# shellcheck source=lib.sh
source "$here/lib.sh"

node_ip="${1:?usage: node-config.sh <node-ip>}"
CONF="$K8S_STATE/config"
mkdir -p "$CONF" "$CONF/cni" "$K8S_STATE/cni/ipam" "$K8S_STATE/containerd" "$K8S_RUN"

# Replaces <file> with stdin only when the content differs: kube-proxy exits when its
# configuration file is written, even with the same content, so `up` must not touch it needlessly.
write_if_changed() {
  local tmp="$1.new"
  cat >"$tmp"
  if cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv "$tmp" "$1"; fi
}

# containerd 2.x (config version 3). Its state and socket live in /run/kindling-k8s so they never
# collide with a system containerd (docker's); images and snapshots persist in the cache.
write_if_changed "$CONF/containerd.toml" <<EOF
version = 3
root = "$K8S_STATE/containerd"
state = "$K8S_RUN/containerd"

[grpc]
  address = "$CONTAINERD_SOCK"

[ttrpc]
  address = "$K8S_RUN/containerd.sock.ttrpc"

[plugins."io.containerd.nri.v1.nri"]
  disable = true

[plugins."io.containerd.cri.v1.images"]
  snapshotter = "overlayfs"
  [plugins."io.containerd.cri.v1.images".pinned_images]
    sandbox = "$PAUSE_IMAGE"

[plugins."io.containerd.cri.v1.runtime"]
  # Negative oom_score_adj is not permitted on these hosts; the sandbox asks for -998.
  restrict_oom_score_adj = true
  [plugins."io.containerd.cri.v1.runtime".cni]
    bin_dirs = ["$K8S_BIN/cni"]
    conf_dir = "$CONF/cni"
    max_conf_num = 1
  [plugins."io.containerd.cri.v1.runtime".containerd]
    default_runtime_name = "runc"
    [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]
        BinaryName = "$K8S_BIN/runc"
        SystemdCgroup = false

[plugins."io.containerd.grpc.v1.cri"]
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
EOF

# One bridge for all pods; host-local IPAM keeps its leases in the cluster state, not /var/lib/cni.
write_if_changed "$CONF/cni/10-kindling.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "kindling",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$CNI_BRIDGE",
      "isGateway": true,
      "ipMasq": true,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$K8S_STATE/cni/ipam",
        "ranges": [[{ "subnet": "$POD_CIDR", "gateway": "$POD_GATEWAY" }]],
        "routes": [{ "dst": "0.0.0.0/0" }]
      }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
EOF

write_if_changed "$CONF/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# These hosts run cgroup v1, which kubelet 1.35+ refuses unless told otherwise.
failCgroupV1: false
cgroupDriver: cgroupfs
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
address: $node_ip
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $K8S_STATE/pki/ca.crt}
authorization: {mode: Webhook}
clusterDomain: cluster.local
clusterDNS: [$DNS_SERVICE_IP]
resolvConf: /etc/resolv.conf
podCIDR: $POD_CIDR
failSwapOn: false
serializeImagePulls: false
# No registry to pull from again: never garbage-collect the locally loaded images.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard:
  memory.available: 200Mi
  nodefs.available: 2%
  imagefs.available: 2%
EOF

write_if_changed "$CONF/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection:
  kubeconfig: $CONF/kube-proxy.kubeconfig
mode: iptables
clusterCIDR: $CLUSTER_CIDR
hostnameOverride: $NODE_NAME
metricsBindAddress: 127.0.0.1:10249
healthzBindAddress: 127.0.0.1:10256
# Leave the host's conntrack sysctls alone (not writable on every host).
conntrack:
  maxPerCore: 0
  min: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
EOF
