#!/usr/bin/env bash
# CI step: validate every manifest in k8s/ with kubeconform and a server-side dry run against a
# real kube-apiserver (+ etcd) started just for this. Builds only etcd, kube-apiserver, kubectl and
# kubeconform from the Go module proxy (cached in ~/.cache/kindling/k8s/<version>/bin by version;
# about 10-12 min cold on 2 cores, seconds when cached). Needs no root, no kubelet, no docker.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
KINDLING_NICE="${KINDLING_NICE:-0}" bash infra/k8s/validate.sh
