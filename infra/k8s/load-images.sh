#!/usr/bin/env bash
# Imports image tarballs (from `docker save`) into the local cluster's containerd, in the
# namespace kubelet uses (k8s.io). There is no registry: pods use `imagePullPolicy: Never`.
# A tarball already imported (same size and time) is skipped.
#
#   infra/k8s/load-images.sh <image.tar>...     # e.g. ~/.cache/kindling/images/*.tar
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
# shellcheck source=lib.sh
source "$here/lib.sh"

(($#)) || die "usage: load-images.sh <image.tar>..."
[[ -S "$CONTAINERD_SOCK" ]] || die "the local cluster's containerd is not running (kindling k8s up)"
seen="$K8S_STATE/run/images"
mkdir -p "$seen"
for tarball in "$@"; do
  [[ -f "$tarball" ]] || die "no such image tarball: $tarball"
  name="$(basename "$tarball" .tar)"
  key="$(stat -c '%s %Y' "$tarball")"
  if [[ "$(cat "$seen/$name" 2>/dev/null)" == "$key" ]]; then
    echo "image $name already loaded"
    continue
  fi
  t=$SECONDS
  # ctr warns about cgroup v1 on every call: show its messages only when the import fails.
  if ! "$K8S_BIN/ctr" --address "$CONTAINERD_SOCK" -n k8s.io images import "$tarball" >/dev/null 2>"$seen/$name.err"; then
    cat "$seen/$name.err" >&2
    die "could not import $tarball"
  fi
  echo "$key" >"$seen/$name"
  echo "image $name loaded ($(du -h "$tarball" | cut -f1), $((SECONDS - t)) s)"
done
