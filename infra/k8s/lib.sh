# Shared by infra/k8s/*.sh: paths (all keyed by the pinned Kubernetes version) and small helpers.
# Sourced after versions.env.
# shellcheck shell=bash

KINDLING_CACHE="${KINDLING_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kindling}"
# Everything of one Kubernetes version: binaries (bin/), and one cluster's state (cluster/:
# generated credentials, etcd data, containerd and kubelet roots, logs, pids).
K8S_HOME="$KINDLING_CACHE/k8s/$K8S_VERSION"
K8S_BIN="$K8S_HOME/bin"
K8S_STATE="${KINDLING_K8S_STATE:-$K8S_HOME/cluster}"

log() { printf '%s\n' "$*"; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# Runtime paths that must stay short (unix sockets) and be gone after `down`.
K8S_RUN=/run/kindling-k8s
CONTAINERD_SOCK="$K8S_RUN/containerd.sock"
NODE_NAME="${KINDLING_K8S_NODE:-kindling}"
# Networks (private ranges unlikely to clash with a host's own).
POD_CIDR=10.244.0.0/24
CLUSTER_CIDR=10.244.0.0/16
POD_GATEWAY=10.244.0.1
SERVICE_CIDR=10.96.0.0/16
API_SERVICE_IP=10.96.0.1
DNS_SERVICE_IP=10.96.0.10
CNI_BRIDGE=kindling0
API_PORT="${KINDLING_K8S_API_PORT:-6443}"
ETCD_CLIENT_PORT=2379
ETCD_PEER_PORT=2380
# Tag for iptables rules this cluster adds itself (the rest belong to kube-proxy and CNI).
IPT_COMMENT=kindling-k8s
# Images the cluster itself needs (built by infra/images/build.sh, saved as tarballs).
IMAGE_CACHE="$KINDLING_CACHE/images"
PAUSE_IMAGE=kindling.local/pause:1
COREDNS_IMAGE="kindling.local/coredns:$COREDNS_VERSION"

ADMIN_KUBECONFIG="$K8S_STATE/admin.kubeconfig"

# The host's address that pods and the API server's endpoint use (the default route's source).
node_ip() { ip -4 route get 1.1.1.1 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p' | head -1; }

pid_of() { cat "$K8S_STATE/run/$1.pid" 2>/dev/null || true; }
is_running() {
  local pid
  pid="$(pid_of "$1")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null
}

kctl() { "$K8S_BIN/kubectl" --kubeconfig "$ADMIN_KUBECONFIG" "$@"; }

# Waits up to <seconds> for <command...> to succeed; prints a dot every 5 s.
wait_for() {
  local what="$1" seconds="$2" start=$SECONDS
  shift 2
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS - start >= seconds)); then
      printf '\n' >&2
      return 1
    fi
    sleep 1
    (((SECONDS - start) % 5 == 0)) && printf '.' >&2
  done
  return 0
}

# Sets <var> to the CPU seconds (user + system) used so far by the finished children of this shell,
# from bash's `times` (called directly: in $(...) it would count a subshell's children, i.e. none).
# With the wall time it tells a busy machine (CPU << wall x cores) from a slow build.
children_cpu_seconds() {
  local f
  f="$(mktemp)"
  times >"$f"
  printf -v "$1" '%d' "$(sed -n 2p "$f" | awk '{
    s = 0
    for (i = 1; i <= 2; i++) { split($i, p, /[ms]/); s += p[1] * 60 + p[2] }
    printf "%d", s
  }')"
  rm -f "$f"
}

# Indents a child's output line by line. `sed -u`: a plain sed block-buffers when its output is a
# pipe or a file, so a log (CI, `| tee`) saw nothing for half an hour during a cold build.
indent() { sed -u 's/^/      /'; }

# Phases with a start line, an end line and a duration, whether or not stdout is a terminal.
# `phase NAME` ends the running phase (if any) and starts NAME; `phase_summary FILE` ends the last
# one and prints the table of phase times (also written to FILE).
PHASE_NAME="" PHASE_T0=0 PHASE_ROWS=()
phase_end() {
  [[ -n "$PHASE_NAME" ]] || return 0
  local d=$((SECONDS - PHASE_T0))
  printf '[%s] done  %s (%d s)\n' "$(date -u +%H:%M:%S)" "$PHASE_NAME" "$d"
  PHASE_ROWS+=("$(printf '%-58s %6d s' "$PHASE_NAME" "$d")")
  PHASE_NAME=""
}
phase() {
  phase_end
  PHASE_NAME="$1" PHASE_T0=$SECONDS
  printf '[%s] start %s\n' "$(date -u +%H:%M:%S)" "$1"
}
phase_summary() {
  local file="$1" title="$2" total="$3"
  phase_end
  {
    echo "$title ($(date -u +%FT%TZ))"
    printf '%s\n' "${PHASE_ROWS[@]}"
    printf '%-58s %6d s\n' "total" "$total"
  } | tee -a "$file"
}
