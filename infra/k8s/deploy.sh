#!/usr/bin/env bash
# Deploys Kindling onto a running cluster: builds the images if needed (docker, cached as
# tarballs), puts them into the node(s), applies the overlay and waits until the S3 store, the
# Spark Connect driver with its executor pods, Prometheus and the Pushgateway run. Idempotent.
# The one-off Jobs (data-load, pipeline) are run separately (see infra/README.md).
#
#   infra/k8s/deploy.sh                  # kindling k8s deploy: the local cluster (root), k8s/overlays/local
#   infra/k8s/deploy.sh --provider kind  # kind cluster `kindling` (KIND_CLUSTER): kind load
#                                        # image-archive, k8s/overlays/kind
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
# shellcheck source=lib.sh
source "$here/lib.sh"

provider=local
while (($#)); do
  case "$1" in
    --provider)
      provider="${2:-}"
      shift 2 || true
      ;;
    *) die "deploy.sh: unknown argument '$1' (only --provider local|kind)" ;;
  esac
done

case "$provider" in
  local)
    is_running kube-apiserver || die "the local cluster is not running: kindling k8s up"
    k() { kctl "$@"; }
    load_images() { bash "$here/load-images.sh" "$@"; }
    ;;
  kind)
    cluster="${KIND_CLUSTER:-kindling}"
    missing=()
    for tool in kind kubectl docker; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
    ((${#missing[@]} == 0)) || die "deploy --provider kind needs ${missing[*]} on PATH (kind: https://kind.sigs.k8s.io/docs/user/quick-start/#installation; docker: your container engine)"
    kind get clusters 2>/dev/null | grep -qx "$cluster" ||
      die "there is no kind cluster '$cluster' yet: kindling k8s up --provider kind"
    k() { kubectl --context "kind-$cluster" "$@"; }
    # No registry either: the image tarballs go straight into the kind node's containerd.
    load_images() {
      local tarball
      for tarball in "$@"; do
        echo "kind load image-archive $(basename "$tarball") --name $cluster"
        kind load image-archive "$tarball" --name "$cluster"
      done
    }
    ;;
  *) die "deploy.sh: unknown provider '$provider' (local or kind; minikube: see infra/README.md)" ;;
esac
overlay="$repo/k8s/overlays/$provider"

total=$SECONDS
phase "[1/3] images (infra/images/build.sh; cached in $IMAGE_CACHE)"
bash "$repo/infra/images/build.sh" spark kindling s3-store prometheus | indent
load_images "$IMAGE_CACHE"/{spark-*,kindling,s3-store,prometheus}.tar | indent

phase "[2/3] kubectl apply -k k8s/overlays/$provider"
k apply -k "$overlay" | indent

phase "[3/3] waiting for the platform"
k -n kindling rollout status statefulset/s3-store --timeout=300s | indent
for d in spark-connect prometheus pushgateway dashboard; do
  k -n kindling rollout status "deployment/$d" --timeout=300s | indent
done
want="$(sed -n 's/^spark.executor.instances=//p' "$overlay/executors.properties")"
executors() {
  [[ "$(k -n kindling get pods -l spark-role=executor --field-selector=status.phase=Running -o name | wc -l)" -ge "$want" ]]
}
wait_for executors 300 executors || die "the driver did not get $want executor pods running (kubectl -n kindling logs deploy/spark-connect)"
echo "      $want executor pod(s) running"
mkdir -p "$K8S_STATE/logs"
phase_summary "$K8S_STATE/logs/phase-times.txt" "kindling k8s deploy ($provider): phase times" $((SECONDS - total))
jobs_overlay=k8s/overlays/local/jobs # the same built images on kind
cat <<MSG
Kindling is deployed in namespace kindling ($((SECONDS - total)) s). Next:
  kubectl apply -k $jobs_overlay -l app.kubernetes.io/name=data-load   # the dataset, once
  kubectl apply -k $jobs_overlay -l app.kubernetes.io/name=pipeline    # the pipeline Job
  Spark Connect + UI: kindling k8s port-forward  ->  sc://127.0.0.1:15002, http://127.0.0.1:4040 (survives driver restarts)
  Executors: kindling k8s scale --executors N   # a run in flight waits for the new driver and runs again
MSG
[[ "$provider" == local ]] &&
  echo "  (on this node directly: sc://$(k -n kindling get svc spark-connect -o jsonpath='{.spec.clusterIP}'):15002)"
exit 0
