#!/usr/bin/env bash
# Builds Kindling's S3-compatible store from the Go module proxy into
#   ${KINDLING_CACHE:-~/.cache/kindling}/bin/<store>-<version>/<binary>
# Idempotent: a binary already built for the pinned version is kept (the version is the key).
#
#   infra/storage/build.sh            # SeaweedFS (the default store; npm test's setup builds it)
#   infra/storage/build.sh --minio    # MinIO, for users who already run it (4-7 min; npm test's setup builds it)
#   infra/storage/build.sh --print    # print the path of the SeaweedFS binary, build nothing
#
# Versions come from versions.env next to this script (the one place they are pinned).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"

store=seaweedfs
print_only=false
for arg in "$@"; do
  case "$arg" in
    --minio) store=minio ;;
    --seaweedfs) store=seaweedfs ;;
    --print) print_only=true ;;
    -h | --help)
      sed -n '2,10p' "$0"
      exit 0
      ;;
    *)
      echo "build.sh: unknown argument '$arg' (try --help)" >&2
      exit 2
      ;;
  esac
done

case "$store" in
  seaweedfs) module="$SEAWEEDFS_MODULE" version="$SEAWEEDFS_VERSION" pkg="$SEAWEEDFS_MODULE/weed" bin=weed ;;
  minio) module="$MINIO_MODULE" version="$MINIO_VERSION" pkg="$MINIO_MODULE" bin=minio ;;
esac

cache="${KINDLING_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kindling}"
dest="$cache/bin/$store-$version"
if $print_only; then
  echo "$dest/$bin"
  exit 0
fi
if [[ -x "$dest/$bin" ]]; then
  echo "storage: $store $version already built: $dest/$bin"
  exit 0
fi
# One build of a version at a time (several test runs may share this machine and cache): wait for
# another build's lock, then use its binary.
mkdir -p "$cache/bin"
exec 9>"$cache/bin/.$store-$version.lock"
if ! flock -n 9; then
  echo "storage: another process is building $store $version; waiting for it"
  flock 9
fi
if [[ -x "$dest/$bin" ]]; then
  echo "storage: $store $version built by the other process: $dest/$bin"
  exit 0
fi

command -v go >/dev/null || {
  echo "storage: 'go' is not on PATH; install Go 1.26 (the module proxy serves $module)" >&2
  exit 1
}

# A static, path-free binary (runs in a FROM-scratch image too); only the one command is built.
export GOFLAGS="-trimpath ${GOFLAGS:-}"
export CGO_ENABLED=0
work="$(mktemp -d "${TMPDIR:-/tmp}/kindling-$store-build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
start=$SECONDS
echo "storage: building $pkg@$version with $(go env GOVERSION) (first time: several minutes on 2 cores)"

# `go install pkg@version` refuses modules whose go.mod has replace directives (SeaweedFS has one),
# so build from a throwaway module that requires the pinned version and repeats its replaces.
echo "storage: [1/3] fetching $module@$version from the module proxy"
gomod="$(go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')"
[[ -f "$gomod" ]] || {
  echo "storage: could not download $module@$version" >&2
  exit 1
}
cd "$work"
go mod init kindling.local/build-"$store" >/dev/null 2>&1
# Same Go language version as upstream, and its module-to-module replaces (a local-path replace
# cannot apply outside its own repository). Node parses the JSON (Kindling needs Node anyway).
go mod edit -json "$gomod" | node -e '
  let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
    const m = JSON.parse(s);
    if (m.Go) console.log(`-go=${m.Go}`);
    for (const r of m.Replace ?? [])
      if (r.New.Version) console.log(`-replace=${r.Old.Path}${r.Old.Version ? `@${r.Old.Version}` : ""}=${r.New.Path}@${r.New.Version}`);
  });' | while read -r flag; do
  echo "storage:       go mod edit $flag"
  go mod edit "$flag"
done

echo "storage: [2/3] resolving dependencies of $pkg"
if ! go get "$pkg@$version" >"$work/go-get.log" 2>&1; then
  echo "storage: could not resolve $pkg@$version:" >&2
  tail -20 "$work/go-get.log" >&2
  exit 1
fi
echo "storage:       $(grep -c '^go: downloading' "$work/go-get.log" || true) modules downloaded"
echo "storage: [3/3] compiling $pkg (GOFLAGS=$GOFLAGS CGO_ENABLED=0)"
mkdir -p "$cache/bin"
staging="$cache/bin/.$store-$version.$$"
trap 'rm -rf "$work" "$staging"' EXIT
mkdir -p "$staging"
go build -ldflags "-s -w" -o "$staging/$bin" "$pkg"
"$staging/$bin" version >/dev/null 2>&1 || "$staging/$bin" --version >/dev/null 2>&1 || {
  echo "storage: the built $bin does not run" >&2
  exit 1
}
rm -rf "$dest"
mv "$staging" "$dest"
echo "storage: $store $version built in $((SECONDS - start)) s: $dest/$bin ($(du -h "$dest/$bin" | cut -f1))"
