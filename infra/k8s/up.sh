#!/usr/bin/env bash
# Starts Kindling's local single-node Kubernetes (built from upstream sources by build.sh).
# Idempotent: what already runs is kept; what is missing is built, generated or started.
#
#   infra/k8s/up.sh            # build if needed, start, wait for the node and cluster DNS
#
# Needs root (containerd, kubelet, iptables), iptables and conntrack on PATH, Go for the first
# build, and the system images (pause, CoreDNS) from infra/images/build.sh --system (docker).
# Everything lives in ${KINDLING_CACHE:-~/.cache/kindling}/k8s/<version>/ and /run/kindling-k8s;
# `infra/k8s/down.sh` stops it all and leaves nothing running or mounted.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
# shellcheck source=lib.sh
source "$here/lib.sh"

# Every prerequisite is checked before anything starts; all missing ones are named at once.
prereq_args=()
for arg in "$@"; do
  case "$arg" in
    --install-prereqs) prereq_args+=(--install) ;;
    *) die "up.sh: unknown argument '$arg' (only --install-prereqs)" ;;
  esac
done
bash "$here/prereqs.sh" "${prereq_args[@]}" || exit 1

total=$SECONDS
step() { phase "[$1] $2"; }
PKI="$K8S_STATE/pki"
RUNDIR="$K8S_STATE/run"
LOGS="$K8S_STATE/logs"
CONF="$K8S_STATE/config"
mkdir -p "$PKI" "$RUNDIR" "$LOGS" "$CONF" "$K8S_RUN"

step 1/9 "binaries ($K8S_BIN)"
bash "$here/build.sh" all | indent

step 2/9 "host: IP forwarding, bridge netfilter, forward rules for $CNI_BRIDGE"
NODE_IP="$(node_ip)"
[[ -n "$NODE_IP" ]] || die "no default route: cannot tell the node's address"
# Remember the host's setting once so `down` can put it back.
[[ -f "$RUNDIR/ip_forward.orig" ]] || cat /proc/sys/net/ipv4/ip_forward >"$RUNDIR/ip_forward.orig"
echo 1 >/proc/sys/net/ipv4/ip_forward
modprobe br_netfilter 2>/dev/null || true
[[ -f /proc/sys/net/bridge/bridge-nf-call-iptables ]] ||
  die "bridge netfilter is not available (modprobe br_netfilter): Services would not work for pods"
echo 1 >/proc/sys/net/bridge/bridge-nf-call-iptables
# dockerd sets the FORWARD policy to DROP, which silently blocks pod-to-pod traffic on the bridge.
for dir in -i -o; do
  iptables -C FORWARD "$dir" "$CNI_BRIDGE" -m comment --comment "$IPT_COMMENT" -j ACCEPT 2>/dev/null ||
    iptables -I FORWARD 1 "$dir" "$CNI_BRIDGE" -m comment --comment "$IPT_COMMENT" -j ACCEPT
done
echo "      node $NODE_NAME at $NODE_IP; pods $POD_CIDR; services $SERVICE_CIDR"

step 3/9 "credentials (generated once per cluster in $PKI)"
bash "$here/pki.sh" "$NODE_IP" | indent

# Starts <name> as a detached process with its own log, unless it already runs.
start_proc() {
  local name="$1"
  shift
  if is_running "$name"; then
    echo "      $name already running (pid $(pid_of "$name"))"
    return 0
  fi
  echo "--- $(date -u +%FT%TZ) start" >>"$LOGS/$name.log"
  PATH="$K8S_BIN:$PATH" setsid "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$RUNDIR/$name.pid"
  echo "      $name started (pid $!, log $LOGS/$name.log)"
}
# Fails with the end of <name>'s log when <check...> does not pass within <seconds>.
await() {
  local name="$1" seconds="$2"
  shift 2
  local t=$SECONDS
  if ! wait_for "$name" "$seconds" "$@"; then
    echo "--- last lines of $LOGS/$name.log:" >&2
    tail -25 "$LOGS/$name.log" >&2
    die "$name did not become ready within ${seconds}s"
  fi
  echo "      $name ready ($((SECONDS - t)) s)"
}
https_ok() {
  curl -fsS --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "$1" >/dev/null
}

step 4/9 "etcd $ETCD_VERSION"
start_proc etcd "$K8S_BIN/etcd" --name "$NODE_NAME" --data-dir "$K8S_STATE/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
  --advertise-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster "$NODE_NAME=http://127.0.0.1:$ETCD_PEER_PORT" \
  --listen-metrics-urls "http://127.0.0.1:2381" --log-level warn
await etcd 60 curl -fsS "http://127.0.0.1:2381/health"

step 5/9 "kube-apiserver $K8S_VERSION (https://$NODE_IP:$API_PORT, RBAC on)"
start_proc kube-apiserver "$K8S_BIN/kube-apiserver" \
  --etcd-servers "http://127.0.0.1:$ETCD_CLIENT_PORT" \
  --advertise-address "$NODE_IP" --bind-address 0.0.0.0 --secure-port "$API_PORT" \
  --service-cluster-ip-range "$SERVICE_CIDR" --service-node-port-range 30000-32767 \
  --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction \
  --anonymous-auth=false --allow-privileged=true \
  --client-ca-file "$PKI/ca.crt" \
  --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
  --kubelet-client-certificate "$PKI/apiserver-kubelet-client.crt" \
  --kubelet-client-key "$PKI/apiserver-kubelet-client.key" \
  --kubelet-preferred-address-types InternalIP,Hostname \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
  --v 1
await kube-apiserver 120 https_ok "https://127.0.0.1:$API_PORT/readyz"

step 6/9 "kube-controller-manager, kube-scheduler"
start_proc kube-controller-manager "$K8S_BIN/kube-controller-manager" \
  --kubeconfig "$CONF/controller-manager.kubeconfig" \
  --authentication-kubeconfig "$CONF/controller-manager.kubeconfig" \
  --authorization-kubeconfig "$CONF/controller-manager.kubeconfig" \
  --bind-address 127.0.0.1 --leader-elect=false \
  --controllers '*,-nodeipam' --use-service-account-credentials \
  --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
  --cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key" \
  --service-cluster-ip-range "$SERVICE_CIDR" --cluster-cidr "$CLUSTER_CIDR" --v 1
start_proc kube-scheduler "$K8S_BIN/kube-scheduler" \
  --kubeconfig "$CONF/scheduler.kubeconfig" \
  --authentication-kubeconfig "$CONF/scheduler.kubeconfig" \
  --authorization-kubeconfig "$CONF/scheduler.kubeconfig" \
  --bind-address 127.0.0.1 --leader-elect=false --v 1
await kube-controller-manager 90 curl -fsSk https://127.0.0.1:10257/healthz
await kube-scheduler 90 curl -fsSk https://127.0.0.1:10259/healthz

step 7/9 "containerd $CONTAINERD_VERSION + runc $RUNC_VERSION, CNI bridge $CNI_BRIDGE"
bash "$here/node-config.sh" "$NODE_IP"
start_proc containerd "$K8S_BIN/containerd" --config "$CONF/containerd.toml"
await containerd 60 "$K8S_BIN/ctr" --address "$CONTAINERD_SOCK" version
# The sandbox (pause) and DNS images: no registry, so they are imported from the image cache.
for image in pause "coredns-$COREDNS_VERSION"; do
  tarball="$IMAGE_CACHE/$image.tar"
  if [[ ! -f "$tarball" ]]; then
    echo "      $image image not built yet: running infra/images/build.sh --system (needs docker)"
    bash "$here/../images/build.sh" --system | indent
  fi
done
bash "$here/load-images.sh" "$IMAGE_CACHE/pause.tar" "$IMAGE_CACHE/coredns-$COREDNS_VERSION.tar" | indent

step 8/9 "kubelet, kube-proxy (node $NODE_NAME)"
start_proc kubelet "$K8S_BIN/kubelet" --config "$CONF/kubelet.yaml" \
  --kubeconfig "$CONF/kubelet.kubeconfig" --hostname-override "$NODE_NAME" \
  --node-ip "$NODE_IP" --root-dir "$K8S_STATE/kubelet" --v 1
start_proc kube-proxy "$K8S_BIN/kube-proxy" --config "$CONF/kube-proxy.yaml" --v 1
node_ready() {
  [[ "$(kctl get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" == True ]]
}
await kubelet 120 node_ready
await kube-proxy 60 curl -fsS http://127.0.0.1:10256/healthz

step 9/9 "CoreDNS $COREDNS_VERSION (cluster DNS at $DNS_SERVICE_IP)"
sed -e "s|@COREDNS_IMAGE@|$COREDNS_IMAGE|g" -e "s|@DNS_SERVICE_IP@|$DNS_SERVICE_IP|g" \
  "$here/addons/coredns.yaml" | kctl apply -f - | indent
dns_ready() { kctl -n kube-system rollout status deployment/coredns --timeout=5s; }
t=$SECONDS
wait_for coredns 180 dns_ready || {
  kctl -n kube-system get pods -o wide >&2
  kctl -n kube-system describe pods -l k8s-app=kube-dns | tail -30 >&2
  die "CoreDNS did not become ready"
}
echo "      coredns ready ($((SECONDS - t)) s)"

phase_summary "$LOGS/phase-times.txt" "kindling k8s up: phase times" $((SECONDS - total))
cat <<EOF
Kubernetes $K8S_VERSION is up in $((SECONDS - total)) s: node $NODE_NAME ($NODE_IP), API https://$NODE_IP:$API_PORT
  eval "\$(kindling k8s env)"      # KUBECONFIG and PATH (kubectl, crictl, ctr) for this shell
  kindling k8s kubectl get pods -A  # or this, with no environment change
  logs: $LOGS (phase times: $LOGS/phase-times.txt)   stop: kindling k8s down
EOF
