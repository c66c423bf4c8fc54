#!/usr/bin/env bash
# Deploys Kindling onto the running local cluster: builds the images if needed (docker, cached as
# tarballs), imports them into the node's containerd, applies k8s/overlays/local and waits until
# the S3 store, the Spark Connect driver with its executor pods, Prometheus and the Pushgateway run.
# Idempotent. The one-off Jobs (data-load, pipeline) are run separately (see infra/README.md).
#
#   infra/k8s/deploy.sh          # kindling k8s deploy
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
# shellcheck source=lib.sh
source "$here/lib.sh"

is_running kube-apiserver || die "the local cluster is not running: kindling k8s up"
total=$SECONDS
phase "[1/3] images (infra/images/build.sh; cached in $IMAGE_CACHE)"
bash "$repo/infra/images/build.sh" spark kindling s3-store prometheus | indent
bash "$here/load-images.sh" "$IMAGE_CACHE"/{spark-*,kindling,s3-store,prometheus}.tar | indent

phase "[2/3] kubectl apply -k k8s/overlays/local"
kctl apply -k "$repo/k8s/overlays/local" | indent

phase "[3/3] waiting for the platform"
kctl -n kindling rollout status statefulset/s3-store --timeout=300s | indent
for d in spark-connect prometheus pushgateway dashboard; do
  kctl -n kindling rollout status "deployment/$d" --timeout=300s | indent
done
want="$(sed -n 's/^spark.executor.instances=//p' "$repo/k8s/overlays/local/executors.properties")"
executors() {
  [[ "$(kctl -n kindling get pods -l spark-role=executor --field-selector=status.phase=Running -o name | wc -l)" -ge "$want" ]]
}
wait_for executors 300 executors || die "the driver did not get $want executor pods running (kubectl -n kindling logs deploy/spark-connect)"
echo "      $want executor pod(s) running"
phase_summary "$K8S_STATE/logs/phase-times.txt" "kindling k8s deploy: phase times" $((SECONDS - total))
cat <<MSG
Kindling is deployed in namespace kindling ($((SECONDS - total)) s). Next:
  kubectl apply -k k8s/overlays/local/jobs -l app.kubernetes.io/name=data-load   # the dataset, once
  kubectl apply -k k8s/overlays/local/jobs -l app.kubernetes.io/name=pipeline    # the pipeline Job
  Spark Connect: sc://$(kctl -n kindling get svc spark-connect -o jsonpath='{.spec.clusterIP}'):15002 (from this node)
MSG
