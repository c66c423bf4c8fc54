#!/usr/bin/env bash
# Prints the shell lines that point kubectl (and crictl, ctr) at the local cluster:
#   eval "$(infra/k8s/env.sh)"      # kindling k8s env
# The cluster's own bin folder goes FIRST on PATH: another kubectl on the machine would otherwise
# talk to its own default (connection refused … :8080).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
# shellcheck source=lib.sh
source "$here/lib.sh"
[[ -f "$ADMIN_KUBECONFIG" ]] || die "no credentials at $ADMIN_KUBECONFIG yet: start the cluster with kindling k8s up"
printf 'export KUBECONFIG=%q\n' "$ADMIN_KUBECONFIG"
printf 'export PATH=%q:"$PATH"\n' "$K8S_BIN"
