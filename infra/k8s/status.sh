#!/usr/bin/env bash
# Shows Kindling's local Kubernetes: each process, the node, and every pod. Exit status 0 when the
# whole cluster runs, 1 when it is stopped or partly stopped.
#
#   infra/k8s/status.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
# shellcheck source=lib.sh
source "$here/lib.sh"

up=0 down=0
any_running=false
for name in etcd kube-apiserver kube-controller-manager kube-scheduler containerd kubelet kube-proxy; do
  is_running "$name" && any_running=true
done
if ! $any_running; then
  echo "Local Kubernetes $K8S_VERSION: not running (start it with: kindling k8s up)"
  exit 1
fi
echo "Kubernetes $K8S_VERSION (local, built from upstream); state $K8S_STATE"
for name in etcd kube-apiserver kube-controller-manager kube-scheduler containerd kubelet kube-proxy; do
  if is_running "$name"; then
    printf '  %-24s running (pid %s)\n' "$name" "$(pid_of "$name")"
    up=$((up + 1))
  else
    printf '  %-24s stopped\n' "$name"
    down=$((down + 1))
  fi
done
if is_running kube-apiserver; then
  echo
  kctl get nodes -o wide 2>&1 | sed 's/^/  /' || true
  echo
  kctl get pods -A -o wide 2>&1 | sed 's/^/  /' || true
fi
echo
echo '  eval "$(kindling k8s env)"   # KUBECONFIG and PATH for kubectl in this shell'
((down == 0))
