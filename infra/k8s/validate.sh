#!/usr/bin/env bash
# Validates every manifest in k8s/ against a real Kubernetes API (what CI runs):
#   1. renders the kustomizations (the base and each overlay) with kubectl's kustomize;
#   2. starts a throwaway etcd + kube-apiserver (no kubelet, nothing else; RBAC on, token auth)
#      on ports of its own, so it can run beside a local cluster, and installs the spark-operator
#      CRDs when SPARK_OPERATOR_CRDS names a folder of CRD yamls;
#   3. kubeconform (strict) with JSON schemas taken from that API server's OpenAPI v3, so the
#      schemas match the pinned Kubernetes version exactly and no schema download is needed;
#   4. `kubectl apply --dry-run=server` of everything (admission, defaulting, strict fields);
#   5. each kustomization applied for real, twice: the second apply must report every object
#      `unchanged` (a manifest that differs from what the server stores, e.g. a list without a
#      merge key missing the server's defaults, is `configured` on every apply).
# Needs: etcd, kube-apiserver, kubectl, kubeconform (infra/k8s/build.sh builds them), openssl, curl, node.
#
#   infra/k8s/validate.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
# shellcheck source=lib.sh
source "$here/lib.sh"

total=$SECONDS
echo "[1/6] binaries: etcd, kube-apiserver, kubectl, kubeconform; spark-operator CRDs"
bash "$here/build.sh" etcd kube-apiserver kubectl kubeconform | sed -u 's/^/      /'
# The operator's own CRD folder when given; else CRDs made from its published API models.
crds=""
if [[ "${SPARK_OPERATOR_CRDS:-}" != none ]]; then
  crds="${SPARK_OPERATOR_CRDS:-$(bash "$here/spark-operator-crds.sh" 2> >(sed -u 's/^/      /' >&2))}"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/kindling-validate.XXXXXX")"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

echo "[2/6] rendering k8s/ (base, overlays)"
mkdir -p "$work/rendered"
kustomize() { "$K8S_BIN/kubectl" kustomize "$1" >"$work/rendered/$2.yaml"; }
# Every kustomization under k8s/ (components are rendered as part of the overlays using them).
declare -A kustomization_dir=()
while read -r file; do
  grep -q '^kind: Component' "$file" && continue
  dir="$(dirname "$file")"
  name="${dir#"$repo"/}"
  kustomize "$dir" "${name//\//-}"
  kustomization_dir["${name//\//-}"]="$dir"
done < <(find "$repo/k8s" -name kustomization.yaml | sort)
for f in "$work"/rendered/*.yaml; do
  echo "      $(basename "$f" .yaml): $(grep -c '^kind:' "$f") objects"
done
examples=("$repo"/k8s/examples/spark-operator/*.yaml)

echo "[3/6] throwaway API server (etcd + kube-apiserver $K8S_VERSION)"
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
etcd_port="$(free_port)" peer_port="$(free_port)" api_port="$(free_port)"
token="$(openssl rand -hex 24)"
echo "$token,validate,validate,system:masters" >"$work/tokens.csv"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=localhost \
  -addext "subjectAltName=IP:127.0.0.1" -keyout "$work/api.key" -out "$work/api.crt" 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/sa.key" 2>/dev/null
"$K8S_BIN/etcd" --data-dir "$work/etcd" --listen-client-urls "http://127.0.0.1:$etcd_port" \
  --advertise-client-urls "http://127.0.0.1:$etcd_port" --listen-peer-urls "http://127.0.0.1:$peer_port" \
  --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
  --initial-cluster "default=http://127.0.0.1:$peer_port" --log-level error >"$work/etcd.log" 2>&1 &
pids+=($!)
# No kubelet and no Service endpoints: the advertised address only has to be a non-loopback IP.
"$K8S_BIN/kube-apiserver" --etcd-servers "http://127.0.0.1:$etcd_port" \
  --bind-address 127.0.0.1 --advertise-address 10.0.0.1 --endpoint-reconciler-type none \
  --secure-port "$api_port" \
  --tls-cert-file "$work/api.crt" --tls-private-key-file "$work/api.key" \
  --token-auth-file "$work/tokens.csv" --authorization-mode RBAC --anonymous-auth=false \
  --service-cluster-ip-range 10.96.0.0/16 \
  --service-account-issuer https://kubernetes.default.svc --service-account-key-file "$work/sa.key" \
  --service-account-signing-key-file "$work/sa.key" >"$work/apiserver.log" 2>&1 &
api_pid=$!
pids+=("$api_pid")
api="https://127.0.0.1:$api_port"
t=$SECONDS
until curl -fsSk -H "Authorization: Bearer $token" "$api/readyz" >/dev/null 2>&1; do
  if ! kill -0 "$api_pid" 2>/dev/null || ((SECONDS - t > 120)); then
    grep -E '^E|error' "$work/apiserver.log" | tail -10 >&2
    die "the validation API server did not start (log above)"
  fi
  sleep 1
done
echo "      ready in $((SECONDS - t)) s"
k() { "$K8S_BIN/kubectl" --server "$api" --token "$token" --insecure-skip-tls-verify "$@"; }
if [[ -n "$crds" ]]; then
  k apply --server-side -f "$crds" | sed -u 's/^/      /'
  k wait --for condition=established --timeout 60s crd --all >/dev/null
  # The API server publishes a CRD's OpenAPI a few seconds after it is established.
  t=$SECONDS
  until k get --raw /openapi/v3 | grep -q 'apis/sparkoperator.k8s.io/v1alpha1' &&
    k get --raw /openapi/v3 | grep -q 'apis/sparkoperator.k8s.io/v1beta2'; do
    ((SECONDS - t < 60)) || die "the spark-operator CRDs' OpenAPI was not published within 60 s"
    sleep 1
  done
  have_crds=true
else
  echo "      SPARK_OPERATOR_CRDS=none: the spark-operator examples are only parsed, not validated"
  have_crds=false
fi

echo "[4/6] kubeconform (strict, schemas from the API server's OpenAPI v3)"
node "$here/openapi-schemas.mjs" "$api" "$token" "$work/schemas" | sed -u 's/^/      /'
# Self-check: the schemas must reject an unknown field, or "valid" would mean nothing.
cat >"$work/typo.yaml" <<'YAML'
apiVersion: v1
kind: Service
metadata: {name: typo}
spec:
  ports: [{port: 80}]
  selectr: {app: typo}
YAML
if "$K8S_BIN/kubeconform" -strict -schema-location "$work/schemas/{{ .ResourceKind }}_{{ .Group }}_{{ .ResourceAPIVersion }}.json" \
  "$work/typo.yaml" >/dev/null 2>&1; then
  die "kubeconform accepted a manifest with an unknown field: the generated schemas are not strict"
fi
targets=("$work"/rendered/*.yaml)
$have_crds && targets+=("${examples[@]}")
"$K8S_BIN/kubeconform" -strict -summary -output text \
  -schema-location "$work/schemas/{{ .ResourceKind }}_{{ .Group }}_{{ .ResourceAPIVersion }}.json" \
  "${targets[@]}" | sed -u 's/^/      /'
if ! $have_crds; then
  # Without the CRDs: at least well-formed YAML with apiVersion and kind (the repo's yaml package).
  (cd "$repo/packages/kindling" && node --input-type=module -e '
    import { readFileSync } from "node:fs";
    import { parseAllDocuments } from "yaml";
    for (const file of process.argv.slice(1))
      for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
        if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
        const o = doc.toJS();
        if (!o?.apiVersion || !o?.kind) throw new Error(`${file}: a document without apiVersion/kind`);
      }' "${examples[@]}")
  echo "      spark-operator examples: well-formed (${#examples[@]} files)"
fi

echo "[5/6] server-side dry run (kubectl apply --dry-run=server)"
# Namespaced objects need their namespace to exist (a dry-run Namespace is not persisted).
k create namespace kindling >/dev/null
for f in "${targets[@]}"; do
  k apply --dry-run=server --validate=strict -f "$f" >"$work/dry-run.log" 2>&1 || {
    cat "$work/dry-run.log" >&2
    die "server-side dry run failed for $(basename "$f")"
  }
  echo "      $(basename "$f"): $(wc -l <"$work/dry-run.log") objects accepted"
done
if $have_crds; then
  # Self-check: the CRDs must reject an unknown field too.
  cat >"$work/typo-app.yaml" <<'YAML'
apiVersion: sparkoperator.k8s.io/v1beta2
kind: SparkApplication
metadata: {name: typo, namespace: kindling}
spec:
  type: Scala
  mode: cluster
  sparkVersion: 4.2.0
  mainApplicationFile: local:///app.jar
  drivr: {cores: 1}
  driver: {}
  executor: {}
YAML
  if k apply --dry-run=server --validate=strict -f "$work/typo-app.yaml" >/dev/null 2>&1; then
    die "the spark-operator CRDs accepted an unknown field (spec.drivr): they are not strict"
  fi
  echo "      a SparkApplication with an unknown field is rejected (the CRDs are strict)"
fi
echo "[6/6] idempotent: each kustomization applied twice (kubectl apply -k), the second changes nothing"
# Applies <args...> twice; fails naming every object the second apply did not report `unchanged`.
apply_twice() {
  local what="$1"
  shift
  k apply "$@" >"$work/apply-1.log" 2>&1 || {
    cat "$work/apply-1.log" >&2
    die "kubectl apply failed for $what (above)"
  }
  k apply "$@" >"$work/apply-2.log" 2>&1 || {
    cat "$work/apply-2.log" >&2
    die "the second kubectl apply failed for $what (above)"
  }
  if grep -v ' unchanged$' "$work/apply-2.log" >"$work/changed.log"; then
    sed 's/^/        /' "$work/changed.log" >&2
    echo "      $what: a second apply changed the objects above: their manifest differs from what the API server stores (a defaulted field, or a list without a merge key that kubectl replaces whole)" >&2
    return 1
  fi
  echo "      $what: second apply: $(wc -l <"$work/apply-2.log") objects unchanged"
}
# Self-check first: a claim template without the server's defaults must be caught, or "unchanged"
# would mean nothing.
cat >"$work/not-idempotent.yaml" <<'YAML'
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: idempotency-self-check, namespace: default}
spec:
  serviceName: idempotency-self-check
  selector: {matchLabels: {app: self-check}}
  template:
    metadata: {labels: {app: self-check}}
    spec: {containers: [{name: c, image: example.invalid/c}]}
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
YAML
apply_twice "self-check" -f "$work/not-idempotent.yaml" 2>/dev/null &&
  die "a StatefulSet whose claim template lacks the server's defaults passed the second-apply check: the check is broken"
echo "      self-check: a claim template without the server's defaults is reported as changed"
for name in "${!kustomization_dir[@]}"; do echo "$name"; done | sort >"$work/names"
while read -r name; do
  # Each kustomization brings its own Jobs, whose pod templates cannot change: start them afresh.
  k -n kindling delete jobs --all --wait=false >/dev/null 2>&1 || true
  apply_twice "$name" -k "${kustomization_dir[$name]}" || die "$name is not idempotent (see above)"
done <"$work/names"
echo "All manifests valid against Kubernetes $K8S_VERSION ($((SECONDS - total)) s)."
