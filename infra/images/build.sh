#!/usr/bin/env bash
# Builds Kindling's container images with docker and saves each as a tarball in
#   ${KINDLING_CACHE:-~/.cache/kindling}/images/<name>.tar
# (what infra/k8s/load-images.sh imports into the local cluster; no registry is involved).
#
#   infra/images/build.sh              # everything: system images + base, spark, kindling, s3-store,
#                                      # prometheus
#   infra/images/build.sh --system     # only what the cluster itself needs: pause, coredns
#   infra/images/build.sh spark kindling   # only these (base is built when they need it)
#   IMAGE_BASE=eclipse-temurin:17-jre infra/images/build.sh spark   # FROM an official image
#
# An image is rebuilt when its tarball is missing or its inputs changed (a fingerprint of the files
# it is built from, kept next to the tarball), or with --force.
# If dockerd is not running it is started for the build, without touching iptables or bridges
# (builds use the host network), and stopped again afterwards.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=../k8s/versions.env
source "$here/../k8s/versions.env"
# shellcheck source=../k8s/lib.sh
source "$here/../k8s/lib.sh"

force=false
wanted=()
for arg in "$@"; do
  case "$arg" in
    --system) wanted+=(pause coredns) ;;
    --force) force=true ;;
    pause | coredns | base | spark | kindling | s3-store | prometheus) wanted+=("$arg") ;;
    -h | --help)
      sed -n '2,14p' "$0"
      exit 0
      ;;
    *) die "images/build.sh: unknown argument '$arg' (try --help)" ;;
  esac
done
((${#wanted[@]})) || wanted=(pause coredns base spark kindling s3-store prometheus)

SPARK_VERSION="$(sed -n 's:.*<spark.version>\(.*\)</spark.version>.*:\1:p' "$repo/spark/pom.xml")"
BASE_IMAGE=kindling.local/debian:bookworm
declare -A TAG=(
  [pause]="$PAUSE_IMAGE"
  [coredns]="$COREDNS_IMAGE"
  [spark]="kindling.local/spark:$SPARK_VERSION"
  [kindling]="kindling.local/kindling:dev"
  [s3-store]="kindling.local/s3-store:dev"
  [prometheus]="kindling.local/prometheus:dev"
)
declare -A FILE=(
  [pause]=pause [coredns]="coredns-$COREDNS_VERSION" [spark]="spark-$SPARK_VERSION"
  [kindling]=kindling [s3-store]=s3-store [prometheus]=prometheus
)
mkdir -p "$IMAGE_CACHE"
work="$(mktemp -d "${TMPDIR:-/tmp}/kindling-images.XXXXXX")"
started_dockerd=""
cleanup() {
  rm -rf "$work"
  if [[ -n "$started_dockerd" ]]; then
    echo "images: stopping the dockerd this script started (pid $started_dockerd)"
    kill "$started_dockerd" 2>/dev/null || true
    for _ in $(seq 30); do kill -0 "$started_dockerd" 2>/dev/null || break; sleep 1; done
    # dockerd bind-mounts its default network namespace and leaves the mount behind when stopped.
    if mountpoint -q /run/docker/netns/default 2>/dev/null && ! pgrep -x dockerd >/dev/null; then
      umount /run/docker/netns/default 2>/dev/null && echo "images: unmounted /run/docker/netns/default (left by that dockerd)"
    fi
  fi
}
trap cleanup EXIT

ensure_docker() {
  docker info >/dev/null 2>&1 && return 0
  command -v dockerd >/dev/null || die "docker is needed to build images: apt-get install -y docker.io"
  echo "images: starting dockerd for this build (no iptables rules, no bridge; log $IMAGE_CACHE/dockerd.log)"
  # Outlives nothing: stopped by the EXIT trap. --iptables=false keeps the FORWARD policy alone.
  dockerd --iptables=false --ip-forward=false --bridge=none >"$IMAGE_CACHE/dockerd.log" 2>&1 &
  started_dockerd=$!
  for _ in $(seq 60); do
    docker info >/dev/null 2>&1 && return 0
    sleep 1
  done
  die "dockerd did not start (see $IMAGE_CACHE/dockerd.log)"
}

# The Debian base: debootstrap (minbase) piped into `docker import`; no registry needed.
build_base() {
  ensure_docker
  if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 && ! $force; then
    echo "images: $BASE_IMAGE present"
    return 0
  fi
  command -v debootstrap >/dev/null || die "debootstrap is needed for the base image: apt-get install -y debootstrap"
  local mirror
  # The host's Debian mirror (deb822 or one-line sources), else the public one.
  mirror="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null |
    sed -nE 's/^(URIs:|deb) +(https?:\/\/[^ ]*debian[^ ]*).*/\2/p' | head -1 || true)"
  mirror="${mirror:-http://deb.debian.org/debian}"
  echo "images: debootstrap --variant=minbase bookworm from $mirror (~1 min)"
  debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 || {
    tail -20 "$work/debootstrap.log" >&2
    die "debootstrap failed"
  }
  rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
  tar -C "$work/rootfs" -c . | docker import - "$BASE_IMAGE" >/dev/null
  rm -rf "$work/rootfs"
  echo "images: $BASE_IMAGE imported"
}

# Fills $work/<name> with the build context of <name>.
context() {
  local name="$1" ctx="$work/$1"
  mkdir -p "$ctx"
  cp "$here/$name/Dockerfile" "$ctx/"
  case "$name" in
    pause | coredns)
      bash "$here/../k8s/build.sh" "$name" | sed -u 's/^/      /'
      cp "$K8S_BIN/$name" "$ctx/"
      ;;
    s3-store)
      bash "$repo/infra/storage/build.sh" | sed -u 's/^/      /'
      cp "$(bash "$repo/infra/storage/build.sh" --print)" "$ctx/weed"
      mkdir -p "$ctx/tmp"
      ;;
    spark)
      # The jar set of spark/pom.xml with the s3, k8s and delta profiles (Maven's local repository
      # caches the downloads; the shared ~/.cache/kindling/spark-<v> stays as tests expect it).
      # In the image Delta's jars sit beside Spark's: driver and executor pods share one class path.
      command -v mvn >/dev/null || die "Maven is needed for the Spark jars: apt-get install -y maven"
      echo "      resolving Spark $SPARK_VERSION jars (-Ps3,k8s,delta)"
      mvn -B -q -f "$repo/spark/pom.xml" -Ps3,k8s,delta dependency:copy-dependencies \
        -DoutputDirectory="$ctx/jars" -DincludeScope=runtime >"$work/mvn.log" 2>&1 || {
        tail -20 "$work/mvn.log" >&2
        die "Maven could not resolve the Spark jars"
      }
      echo "Spark $SPARK_VERSION (jars from Maven Central, spark/pom.xml -Ps3,k8s,delta)" >"$ctx/RELEASE"
      cp "$here/spark/entrypoint.sh" "$ctx/"
      chmod 0755 "$ctx/entrypoint.sh"
      # The JMX exporter agent for executor pods: jar fetched by ensureJmxAgent() (Maven, the one
      # version pin in jmx.ts) and exporter.yaml generated from the same rules as local clusters.
      mkdir -p "$ctx/jmx"
      (cd "$repo" && node --import tsx --input-type=module -e '
        const { copyFileSync, writeFileSync } = await import("node:fs");
        const { basename, join } = await import("node:path");
        const { ensureJmxAgent, jmxExporterConfig } = await import("./packages/kindling/src/metrics/jmx.ts");
        const [dir] = process.argv.slice(1);
        const agent = await ensureJmxAgent();
        copyFileSync(agent.jar, join(dir, basename(agent.jar)));
        writeFileSync(join(dir, "exporter.yaml"), jmxExporterConfig());
      ' "$ctx/jmx") || die "could not put the JMX exporter agent into the Spark image"
      echo "      JMX exporter: $(cd "$ctx/jmx" && echo *)"
      echo "      $(find "$ctx/jars" -name '*.jar' | wc -l) jars, $(du -sh "$ctx/jars" | cut -f1)"
      ;;
    kindling)
      # Node >= 20.19 (Debian bookworm ships 18): the host's Node binary, and npm (JavaScript) for
      # the build stage's `npm ci`.
      local node_bin npm_dir
      node_bin="$(command -v node)" || die "node is needed (its binary goes into the image)"
      npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
      [[ -f "$npm_dir/bin/npm-cli.js" ]] || die "npm is needed (the image's build stage runs npm ci)"
      mkdir -p "$ctx/node/bin" "$ctx/node/lib/node_modules"
      cp "$(readlink -f "$node_bin")" "$ctx/node/bin/node"
      cp -r "$npm_dir" "$ctx/node/lib/node_modules/npm"
      printf '#!/bin/sh\nexec node /usr/local/lib/node_modules/npm/bin/npm-cli.js "$@"\n' >"$ctx/node/bin/npm"
      chmod 0755 "$ctx/node/bin/npm"
      [[ -f "$repo/packages/spark-connect/src/gen/spark/connect/base_pb.ts" ]] ||
        (cd "$repo" && npm run generate >/dev/null)
      # What `npm ci` needs (lock file and every workspace's package.json): its layer is rebuilt
      # only when they change.
      mkdir -p "$ctx/ca" "$ctx/manifests"
      touch "$ctx/ca/extra.crt"
      [[ -f "${NODE_EXTRA_CA_CERTS:-}" ]] && cp "$NODE_EXTRA_CA_CERTS" "$ctx/ca/extra.crt"
      tar -C "$repo" -c package.json package-lock.json packages/*/package.json | tar -C "$ctx/manifests" -x
      # The sources, the generated protocol code, example pipelines, the Jobs' helpers: no
      # node_modules (installed in the image), no tests.
      mkdir -p "$ctx/app"
      tar -C "$repo" -c --exclude='packages/*/test' --exclude='node_modules' \
        package.json package-lock.json packages pipelines spark/pom.xml infra/k8s/jobs |
        tar -C "$ctx/app" -x
      echo "      app $(du -sh "$ctx/app" | cut -f1), node $("$node_bin" --version), npm $(node "$npm_dir/bin/npm-cli.js" --version)"
      ;;
  esac
}

# The files each image is built from (besides its own folder and this script), relative to the repo.
declare -A INPUTS=(
  [pause]="infra/k8s/versions.env"
  [coredns]="infra/k8s/versions.env"
  [spark]="spark/pom.xml packages/kindling/src/metrics/jmx.ts"
  [kindling]="package.json package-lock.json packages pipelines spark/pom.xml infra/k8s/jobs"
  [s3-store]="infra/storage/versions.env"
  [prometheus]=""
)
fingerprint() {
  local name="$1"
  # shellcheck disable=SC2086 # INPUTS lists paths separated by spaces
  (cd "$repo" && {
    echo "BASE=${IMAGE_BASE:-}"
    find infra/images/build.sh "infra/images/$name" ${INPUTS[$name]} -type f \
      -not -path '*/node_modules/*' -not -path '*/src/gen/*' -print0 | sort -z | xargs -0 sha256sum
  } | sha256sum | cut -c1-16)
}
# True when the image must be built: no tarball, other inputs than the tarball's, or --force.
stale() {
  local tarball="$IMAGE_CACHE/${FILE[$1]}.tar"
  $force || [[ ! -f "$tarball" ]] || [[ "$(cat "$tarball.inputs" 2>/dev/null)" != "$(fingerprint "$1")" ]]
}

build_image() {
  local name="$1" tarball="$IMAGE_CACHE/${FILE[$1]}.tar"
  if ! stale "$name"; then
    echo "images: ${TAG[$name]} already built ($tarball)"
    return 0
  fi
  local t=$SECONDS
  ensure_docker
  echo "images: building ${TAG[$name]}"
  context "$name"
  local args=()
  [[ -n "${IMAGE_BASE:-}" ]] && args+=(--build-arg "BASE=$IMAGE_BASE")
  docker build -q --network host "${args[@]}" -t "${TAG[$name]}" "$work/$name" >/dev/null
  docker save -o "$tarball.partial" "${TAG[$name]}"
  mv "$tarball.partial" "$tarball"
  fingerprint "$name" >"$tarball.inputs"
  rm -rf "${work:?}/$name"
  echo "images: ${TAG[$name]} -> $tarball ($(du -h "$tarball" | cut -f1), $((SECONDS - t)) s)"
}

# dockerd is started only when something has to be built.
for name in "${wanted[@]}"; do
  case "$name" in
    base) [[ -z "${IMAGE_BASE:-}" ]] && { stale spark || stale kindling || stale prometheus; } && build_base ;;
    spark | kindling | prometheus)
      if stale "$name"; then
        [[ -z "${IMAGE_BASE:-}" ]] && build_base
      fi
      build_image "$name"
      ;;
    *) build_image "$name" ;;
  esac
done
