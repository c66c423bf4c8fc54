#!/usr/bin/env bash
# Stops Kindling's local Kubernetes and removes everything it put on the host: processes (control
# plane, kubelet, containerd, shims, containers), mounts, network namespaces, the CNI bridge, the
# iptables rules of kube-proxy, CNI and this script, and pod cgroups. Checks and reports leftovers.
# Credentials, etcd data and loaded images stay in the cache for the next `up` (--purge removes them).
#
#   infra/k8s/down.sh [--purge]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
# shellcheck source=lib.sh
source "$here/lib.sh"

purge=false
[[ "${1:-}" == "--purge" ]] && purge=true
((EUID == 0)) || die "stopping the local cluster needs root"
RUNDIR="$K8S_STATE/run"
total=$SECONDS

# SIGTERM, then SIGKILL after <grace> seconds.
stop_pid() {
  local pid="$1" grace="${2:-15}"
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq $((grace * 5))); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  kill -KILL "$pid" 2>/dev/null || true
  sleep 0.2
}
stop_proc() {
  local name="$1" pid
  pid="$(pid_of "$name")"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    stop_pid "$pid" "${2:-15}"
    echo "  stopped $name (pid $pid)"
  fi
  rm -f "$RUNDIR/$name.pid"
}
# Pids of processes whose executable or command line points into this cluster's directories,
our_pids() {
  local pid exe cmd
  for pid in $(ls /proc | grep -E '^[0-9]+$'); do
    [[ "$pid" == "$$" ]] && continue
    exe="$(readlink "/proc/$pid/exe" 2>/dev/null || true)"
    cmd="$({ tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null || true)"
    # ... or that runs in a pod's cgroup (a container whose shim is gone).
    if [[ "$exe" == "$K8S_BIN/"* || "$cmd" == *"$CONTAINERD_SOCK"* || "$cmd" == *"$K8S_RUN/"* ]] ||
      grep -q '/kubepods' "/proc/$pid/cgroup" 2>/dev/null; then
      echo "$pid"
    fi
  done
}

echo "[1/6] kubelet (so nothing restarts what is stopped next)"
stop_proc kubelet

echo "[2/6] pods: stop and remove every sandbox through the CRI (CNI tears their networks down)"
if [[ -S "$CONTAINERD_SOCK" ]] && "$K8S_BIN/ctr" --address "$CONTAINERD_SOCK" version >/dev/null 2>&1; then
  crictl=("$K8S_BIN/crictl" --runtime-endpoint "unix://$CONTAINERD_SOCK" --timeout 30s)
  pods="$("${crictl[@]}" pods -q 2>/dev/null | wc -l)"
  "${crictl[@]}" rmp --all --force >/dev/null 2>&1 || "${crictl[@]}" rmp -a -f >/dev/null 2>&1 || true
  echo "  removed $pods pod sandbox(es)"
fi

echo "[3/6] kube-proxy (and its iptables rules), scheduler, controller-manager, API server, etcd"
stop_proc kube-proxy
[[ -x "$K8S_BIN/kube-proxy" ]] && "$K8S_BIN/kube-proxy" --cleanup >/dev/null 2>&1 || true
stop_proc kube-scheduler
stop_proc kube-controller-manager
stop_proc kube-apiserver
stop_proc etcd

echo "[4/6] containerd and anything left of its shims and containers"
stop_proc containerd
for pid in $(our_pids); do
  stop_pid "$pid" 5
  echo "  killed leftover pid $pid"
done

echo "[5/6] mounts, network namespaces, the $CNI_BRIDGE bridge, iptables rules"
# Deepest first; lazily, so a busy mount cannot stop the sweep.
unmount_ours() {
  findmnt -rn -o TARGET | grep -E "^($K8S_STATE|$K8S_RUN|/run/netns/cni-|/var/run/netns/cni-)" | sort -r |
    while read -r m; do umount -l "$m" 2>/dev/null && echo "  unmounted $m"; done || true
}
unmount_ours
# `ip netns` (anyone's) may bind-mount /run/netns onto itself over the pods' namespace mounts,
# hiding them from umount. A plain umount of that bind succeeds only when nothing is mounted in it.
if grep -q ' /run/netns/cni-' /proc/self/mountinfo && mountpoint -q /run/netns && umount /run/netns 2>/dev/null; then
  echo "  unmounted the /run/netns bind that hid the pods' network namespaces"
  unmount_ours
fi
for ns in /run/netns/cni-*; do
  [[ -e "$ns" ]] || continue
  # A failure is reported with the other leftovers below.
  if ip netns delete "$(basename "$ns")" 2>/dev/null || rm -f "$ns"; then echo "  removed netns $(basename "$ns")"; fi
done
if ip link show "$CNI_BRIDGE" >/dev/null 2>&1; then
  ip link delete "$CNI_BRIDGE"
  echo "  removed bridge $CNI_BRIDGE"
fi
for dir in -i -o; do
  while iptables -D FORWARD "$dir" "$CNI_BRIDGE" -m comment --comment "$IPT_COMMENT" -j ACCEPT 2>/dev/null; do :; done
done
# What kube-proxy --cleanup leaves: kubelet's own chains (KUBE-FIREWALL, KUBE-KUBELET-CANARY,
# KUBE-IPTABLES-HINT) in IPv4 and IPv6, and CNI's masquerade and hostport chains (CNI-*) should a
# sandbox not have been torn down cleanly. Jumps to them first, then the chains.
sweep_chains() {
  local cmd="$1" table rule chain
  for table in filter nat mangle raw; do
    "$cmd" -t "$table" -S 2>/dev/null | grep -E '^-A .*-j (KUBE|CNI)-' | sed 's/^-A/-D/' |
      while read -r rule; do eval "$cmd -t $table $rule" 2>/dev/null || true; done || true
    "$cmd" -t "$table" -S 2>/dev/null | sed -n 's/^-N \(\(KUBE\|CNI\)-.*\)/\1/p' |
      while read -r chain; do "$cmd" -t "$table" -F "$chain" 2>/dev/null || true; done || true
    "$cmd" -t "$table" -S 2>/dev/null | sed -n 's/^-N \(\(KUBE\|CNI\)-.*\)/\1/p' |
      while read -r chain; do "$cmd" -t "$table" -X "$chain" 2>/dev/null || true; done || true
  done
}
sweep_chains iptables
command -v ip6tables >/dev/null && sweep_chains ip6tables
if [[ -f "$RUNDIR/ip_forward.orig" ]]; then
  cat "$RUNDIR/ip_forward.orig" >/proc/sys/net/ipv4/ip_forward
  rm -f "$RUNDIR/ip_forward.orig"
fi

echo "[6/6] pod cgroups and runtime directory"
for controller in /sys/fs/cgroup/*/; do
  [[ -d "$controller/kubepods" ]] || continue
  find "$controller/kubepods" -depth -type d -exec rmdir {} \; 2>/dev/null || true
done
rm -rf "$K8S_RUN"
if $purge; then
  rm -rf "$K8S_STATE"
  echo "  purged $K8S_STATE (credentials, etcd data, images)"
fi

# A dockerd stopped after an image build leaves its namespace mount; with no dockerd left, it is ours.
if mountpoint -q /run/docker/netns/default 2>/dev/null && ! pgrep -x dockerd >/dev/null; then
  umount /run/docker/netns/default 2>/dev/null && echo "  unmounted /run/docker/netns/default (left by the image build's dockerd)"
fi

# Look for leftovers: this is what `down` promises.
left=()
[[ -n "$(our_pids)" ]] && left+=("processes: $(our_pids | tr '\n' ' ')")
mounts="$(findmnt -rn -o TARGET | grep -cE "^($K8S_STATE|$K8S_RUN)" || true)"
((mounts > 0)) && left+=("$mounts mount(s) under $K8S_STATE")
ip link show "$CNI_BRIDGE" >/dev/null 2>&1 && left+=("interface $CNI_BRIDGE")
ls /run/netns/cni-* >/dev/null 2>&1 && left+=("network namespaces /run/netns/cni-*")
if mountpoint -q /run/docker/netns/default 2>/dev/null && ! pgrep -x dockerd >/dev/null; then
  left+=("mount /run/docker/netns/default (umount it: no dockerd uses it)")
fi
# Only this cluster's rules: other Kindling parts (the standalone cluster's network namespaces,
# comment kindling-cluster-*) may have rules of their own at the same time.
rules="$({ iptables-save; ip6tables-save; } 2>/dev/null | grep -cE "KUBE-|CNI-|$IPT_COMMENT|$CNI_BRIDGE" || true)"
((rules > 0)) && left+=("$rules iptables line(s) mentioning KUBE-/CNI-/$IPT_COMMENT/$CNI_BRIDGE")
if ((${#left[@]})); then
  printf 'down: left behind: %s\n' "${left[@]}" >&2
  exit 1
fi
echo "Local Kubernetes stopped in $((SECONDS - total)) s; no process, mount, netns, interface or iptables rule left."
