#!/usr/bin/env bash
# Builds the components of Kindling's local single-node Kubernetes from the Go module proxy into
#   ${KINDLING_CACHE:-~/.cache/kindling}/k8s/<K8S_VERSION>/bin
# Idempotent: a component already built at its pinned version (infra/k8s/versions.env) is kept.
#
#   infra/k8s/build.sh                 # everything the cluster needs (~20 min cold on 2 cores)
#   infra/k8s/build.sh etcd kube-apiserver kubectl kubeconform   # only these (what CI validates with)
#   infra/k8s/build.sh --print-bin     # print the bin directory, build nothing
#
# Components: etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl
#             containerd runc cni coredns crictl pause kubeconform
# Go builds run under `nice` (KINDLING_NICE, default 10) so they yield to tests sharing the cores.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
# shellcheck source=lib.sh
source "$here/lib.sh"

kube_all=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)
everything=(etcd "${kube_all[@]}" containerd runc cni coredns crictl pause)

wanted=()
for arg in "$@"; do
  case "$arg" in
    --print-bin)
      echo "$K8S_BIN"
      exit 0
      ;;
    -h | --help)
      sed -n '2,12p' "$0"
      exit 0
      ;;
    all) wanted+=("${everything[@]}") ;;
    etcd | kube-apiserver | kube-controller-manager | kube-scheduler | kubelet | kube-proxy | kubectl | \
      containerd | runc | cni | coredns | crictl | pause | kubeconform) wanted+=("$arg") ;;
    *) die "build.sh: unknown component '$arg' (try --help)" ;;
  esac
done
((${#wanted[@]})) || wanted=("${everything[@]}")

command -v go >/dev/null || die "'go' is not on PATH; install Go 1.26 (all components come from the module proxy)"
nice_cmd=(nice -n "${KINDLING_NICE:-10}")
# -trimpath: module@version paths, so compiled packages are shared across the wrapper modules
# through the build cache; -gcflags -dwarf=false: the compiler emits no debug info that the
# linker's -w would throw away anyway.
export GOFLAGS="-trimpath -buildvcs=false -gcflags=all=-dwarf=false"

# The version a component must have, and whether the cache already holds it.
version_of() {
  case "$1" in
    etcd) echo "$ETCD_VERSION" ;;
    kube-*|kubelet|kubectl) echo "$K8S_VERSION" ;;
    containerd) echo "$CONTAINERD_VERSION" ;;
    runc) echo "$RUNC_VERSION" ;;
    cni) echo "$CNI_PLUGINS_VERSION" ;;
    coredns) echo "$COREDNS_VERSION" ;;
    crictl) echo "$CRICTL_VERSION" ;;
    kubeconform) echo "$KUBECONFORM_VERSION" ;;
    pause) sha256sum "$here/../images/pause/main.go" | cut -c1-12 ;;
  esac
}
is_built() { [[ "$(cat "$K8S_BIN/.versions/$1" 2>/dev/null)" == "$(version_of "$1")" ]]; }
mark_built() { version_of "$1" >"$K8S_BIN/.versions/$1"; }

mkdir -p "$K8S_BIN/.versions"
todo_count=0
for c in "${wanted[@]}"; do is_built "$c" || todo_count=$((todo_count + 1)); done
# One build into this bin directory at a time (several test runs may share the machine and cache);
# components the other build finished are then skipped below. Nothing to build: no lock, so a
# validation run that only needs etcd + kube-apiserver never waits for a cluster's cold build.
if ((todo_count)); then
  exec 9>"$K8S_BIN/.build.lock"
  if ! flock -n 9; then
    log "k8s: another process is building into $K8S_BIN; waiting for it"
    flock 9
  fi
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/kindling-k8s-build.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# A throwaway module that requires <module>@<version> and repeats its go.mod's replaces, so that
# modules whose go.mod has replace directives (which `go install m@v` refuses) still build.
# Local-path replaces of Kubernetes' staging modules point at their published versions instead.
wrapper_module() {
  local dir="$1" module="$2" version="$3" gomod
  mkdir -p "$dir"
  gomod="$(go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')"
  [[ -f "$gomod" ]] || die "could not download $module@$version from the module proxy"
  (
    cd "$dir"
    go mod init kindling.local/build >/dev/null 2>&1
    go mod edit -json "$gomod" | STAGING="$K8S_STAGING_VERSION" node -e '
      let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
        const m = JSON.parse(s);
        if (m.Go) console.log(`-go=${m.Go}`);
        for (const r of m.Replace ?? []) {
          const old = `${r.Old.Path}${r.Old.Version ? `@${r.Old.Version}` : ""}`;
          if (r.New.Version) console.log(`-replace=${old}=${r.New.Path}@${r.New.Version}`);
          else if (r.New.Path.startsWith("./staging/")) console.log(`-replace=${old}=${r.Old.Path}@${process.env.STAGING}`);
        }
      });' | while read -r flag; do go mod edit "$flag"; done
    go mod edit -require="$module@$version"
  )
}

# Resolves and downloads exactly what <pkgs...> import on this platform (no tests, no other OS:
# `go mod tidy` fetched Windows-only and test-only modules too), then compiles them in one
# `go build` so the packages share work. Both steps print their duration (where cold time goes).
resolve_and_build() {
  local dir="$1" ldflags="$2" t cpu0 cpu1
  shift 2
  (
    cd "$dir"
    t=$SECONDS
    go list -mod=mod -deps "$@" >"$dir/resolve.log" 2>"$dir/resolve.err" || {
      tail -20 "$dir/resolve.err" >&2
      die "could not resolve $* (see the module proxy errors above)"
    }
    log "      resolved + downloaded $(wc -l <"$dir/resolve.log") packages ($((SECONDS - t)) s)"
    t=$SECONDS
    children_cpu_seconds cpu0
    CGO_ENABLED="${CGO:-0}" "${nice_cmd[@]}" go build -mod=mod -ldflags "-s -w $ldflags" -o "$K8S_BIN/" "$@"
    children_cpu_seconds cpu1
    log "      compiled + linked $* ($((SECONDS - t)) s wall, $((cpu1 - cpu0)) s CPU; GOFLAGS=$GOFLAGS)"
  )
}

# Builds <pkgs...> of <module>@<version> inside a wrapper module into $K8S_BIN.
build_in_wrapper() {
  local name="$1" module="$2" version="$3" ldflags="$4"
  shift 4
  wrapper_module "$work/$name" "$module" "$version"
  resolve_and_build "$work/$name" "$ldflags" "$@"
}

build_kube() {
  local todo=() c
  for c in "${kube_all[@]}"; do
    [[ " ${wanted[*]} " == *" $c "* ]] && ! is_built "$c" && todo+=("$c")
  done
  ((${#todo[@]})) || return 0
  local minor="${K8S_VERSION#v1.}"
  minor="${minor%%.*}"
  # Without these the binaries call themselves v0.0.0-master+$Format:%H$, which kubectl rejects.
  local date ld="" pkg
  date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ld+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$date"
  done
  local pkgs=()
  for c in "${todo[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$c"); done
  log "k8s: building ${todo[*]} $K8S_VERSION (cold: ~13 min on 2 idle cores)"
  build_in_wrapper kubernetes k8s.io/kubernetes "$K8S_VERSION" "$ld" "${pkgs[@]}"
  for c in "${todo[@]}"; do mark_built "$c"; done
}

build_etcd() {
  log "k8s: building etcd $ETCD_VERSION (~1 min)"
  local dir="$work/etcd"
  mkdir -p "$dir"
  (
    cd "$dir"
    go mod init kindling.local/etcd >/dev/null 2>&1
    cat >main.go <<'GO'
// etcd's own entry point, built from the published server module.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
    go mod edit -require="go.etcd.io/etcd/server/v3@$ETCD_VERSION"
  )
  resolve_and_build "$dir" "" .
  mark_built etcd
}

build_containerd() {
  log "k8s: building containerd $CONTAINERD_VERSION + shim + ctr (~2 min)"
  local m=github.com/containerd/containerd/v2
  build_in_wrapper containerd "$m" "$CONTAINERD_VERSION" \
    "-X $m/version.Version=$CONTAINERD_VERSION -X $m/version.Package=$m" \
    "$m/cmd/containerd" "$m/cmd/containerd-shim-runc-v2" "$m/cmd/ctr"
  mark_built containerd
}

build_runc() {
  log "k8s: building runc $RUNC_VERSION with seccomp (~30 s)"
  pkg-config --exists libseccomp 2>/dev/null ||
    die "runc needs libseccomp headers: apt-get install -y libseccomp-dev pkg-config"
  local src
  src="$(go mod download -json "github.com/opencontainers/runc@$RUNC_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
  [[ -d "$src" ]] || die "could not download runc $RUNC_VERSION"
  # runc's go.mod has a replace directive, so it builds only as the main module: in a writable copy.
  cp -r "$src" "$work/runc"
  chmod -R u+w "$work/runc"
  (
    cd "$work/runc"
    CGO_ENABLED=1 "${nice_cmd[@]}" go build -tags seccomp \
      -ldflags "-s -w -X main.version=${RUNC_VERSION#v}" -o "$K8S_BIN/runc" .
  )
  mark_built runc
}

build_cni() {
  log "k8s: building CNI plugins $CNI_PLUGINS_VERSION (bridge, host-local, loopback, portmap)"
  local m=github.com/containernetworking/plugins/plugins
  mkdir -p "$K8S_BIN/cni"
  CGO_ENABLED=0 GOBIN="$K8S_BIN/cni" "${nice_cmd[@]}" go install -ldflags "-s -w" \
    "$m/main/bridge@$CNI_PLUGINS_VERSION" "$m/ipam/host-local@$CNI_PLUGINS_VERSION" \
    "$m/main/loopback@$CNI_PLUGINS_VERSION" "$m/meta/portmap@$CNI_PLUGINS_VERSION"
  mark_built cni
}

# CoreDNS with only the plugins of addons/coredns.yaml's Corefile (its own main imports all 60-odd,
# with the AWS, Azure and Google Cloud SDKs, etcd, tracing and GeoIP libraries among them).
COREDNS_PLUGINS=(errors health ready kubernetes metrics forward cache loop reload loadbalance)
build_coredns() {
  log "k8s: building CoreDNS $COREDNS_VERSION with plugins ${COREDNS_PLUGINS[*]} (~1 min)"
  local dir="$work/coredns" p
  wrapper_module "$dir" github.com/coredns/coredns "$COREDNS_VERSION"
  (cd "$dir" && go mod edit -module=kindling.local/coredns) # the binary's name
  {
    echo "// CoreDNS with the plugins Kindling's cluster DNS uses (generated by infra/k8s/build.sh)."
    echo "package main"
    echo "import ("
    echo '  "github.com/coredns/coredns/coremain"'
    for p in "${COREDNS_PLUGINS[@]}"; do echo "  _ \"github.com/coredns/coredns/plugin/$p\""; done
    echo ")"
    echo "func main() { coremain.Run() }"
  } >"$dir/main.go"
  resolve_and_build "$dir" "" .
  mark_built coredns
}

build_crictl() {
  log "k8s: building crictl $CRICTL_VERSION (~1 min)"
  build_in_wrapper crictl sigs.k8s.io/cri-tools "$CRICTL_VERSION" \
    "-X sigs.k8s.io/cri-tools/pkg/version.Version=$CRICTL_VERSION" sigs.k8s.io/cri-tools/cmd/crictl
  mark_built crictl
}

build_pause() {
  log "k8s: building the pause binary (infra/images/pause)"
  local dir="$work/pause"
  mkdir -p "$dir"
  cp "$here/../images/pause/main.go" "$dir/"
  (cd "$dir" && go mod init kindling.local/pause >/dev/null 2>&1 &&
    CGO_ENABLED=0 go build -ldflags "-s -w" -o "$K8S_BIN/pause" .)
  mark_built pause
}

build_kubeconform() {
  log "k8s: building kubeconform $KUBECONFORM_VERSION (~1 min)"
  CGO_ENABLED=0 GOBIN="$K8S_BIN" "${nice_cmd[@]}" go install -ldflags "-s -w" \
    "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION"
  mark_built kubeconform
}

start=$SECONDS
done_kube=false
for c in "${wanted[@]}"; do
  if is_built "$c"; then
    log "k8s: $c $(version_of "$c") already built"
    continue
  fi
  t=$SECONDS
  children_cpu_seconds cpu_start
  case "$c" in
    kube-* | kubelet | kubectl)
      $done_kube && continue
      build_kube
      done_kube=true
      ;;
    *) "build_$c" ;;
  esac
  children_cpu_seconds cpu_end
  log "k8s: $c done in $((SECONDS - t)) s ($((cpu_end - cpu_start)) s CPU)"
done
log "k8s: binaries ready in $K8S_BIN ($((SECONDS - start)) s)"
