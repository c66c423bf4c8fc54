#!/usr/bin/env bash
# Checks everything the local cluster needs before anything starts, and names ALL that is missing
# in one message with one install command (instead of one failure per missing tool).
#
#   infra/k8s/prereqs.sh              # check; exit 1 listing what is missing
#   infra/k8s/prereqs.sh --install    # as root: apt-get install what is missing, then check again
#
# What needs what: iptables/iproute2/conntrack (kube-proxy, the CNI bridge, down.sh), openssl (the
# cluster's certificates), curl (readiness checks), docker.io + debootstrap (the pause and CoreDNS
# images, built here: no registry is reachable), gcc + pkg-config + libseccomp-dev (runc with
# seccomp), Go 1.26+ (every component is built from the module proxy).
set -euo pipefail

install=false
for arg in "$@"; do
  case "$arg" in
    --install) install=true ;;
    -h | --help)
      sed -n '2,11p' "$0"
      exit 0
      ;;
    *)
      echo "prereqs.sh: unknown argument '$arg' (try --help)" >&2
      exit 2
      ;;
  esac
done

# "<command> <Debian package>" pairs; a command found on PATH counts as present.
REQUIRED=(
  "iptables iptables" "ip iproute2" "conntrack conntrack" "openssl openssl" "curl curl"
  "dockerd docker.io" "debootstrap debootstrap" "gcc gcc" "pkg-config pkg-config"
)

missing_packages() {
  local pair cmd pkg
  for pair in "${REQUIRED[@]}"; do
    read -r cmd pkg <<<"$pair"
    command -v "$cmd" >/dev/null 2>&1 || echo "$pkg"
  done
  # A library, not a command: runc's seccomp support links against it.
  if command -v pkg-config >/dev/null 2>&1; then
    pkg-config --exists libseccomp 2>/dev/null || echo libseccomp-dev
  else
    echo libseccomp-dev
  fi
}

go_problem() {
  command -v go >/dev/null 2>&1 || {
    echo "Go is not on PATH (needs 1.26 or newer: https://go.dev/dl; Debian's golang-go is too old)"
    return
  }
  local v
  v="$(go env GOVERSION 2>/dev/null | sed 's/^go//')"
  local major="${v%%.*}" rest="${v#*.}"
  local minor="${rest%%.*}"
  if ((major < 1 || (major == 1 && minor < 26))); then
    echo "Go $v is too old (needs 1.26 or newer: https://go.dev/dl)"
  fi
}

report() {
  local pkgs=("$@") problems=()
  ((EUID == 0)) || problems+=("not running as root (containerd, kubelet and iptables need it)")
  local go
  go="$(go_problem)"
  [[ -n "$go" ]] && problems+=("$go")
  if ((${#pkgs[@]})); then
    problems+=("missing Debian packages: ${pkgs[*]}")
  fi
  if ((${#problems[@]} == 0)); then
    echo "prereqs: everything the local cluster needs is here"
    return 0
  fi
  {
    echo "error: the local Kubernetes cannot start on this machine yet:"
    printf '  - %s\n' "${problems[@]}"
    if ((${#pkgs[@]})); then
      echo "install them once with:"
      echo "  apt-get update && apt-get install -y ${pkgs[*]}"
      echo "or let Kindling do it (as root): kindling k8s up --install-prereqs"
    fi
  } >&2
  return 1
}

mapfile -t pkgs < <(missing_packages)
if $install && ((${#pkgs[@]})); then
  ((EUID == 0)) || {
    echo "error: --install-prereqs needs root (it runs apt-get)" >&2
    exit 1
  }
  echo "prereqs: installing ${pkgs[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${pkgs[@]}"
  mapfile -t pkgs < <(missing_packages)
fi
report "${pkgs[@]}"
