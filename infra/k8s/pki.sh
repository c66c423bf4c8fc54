#!/usr/bin/env bash
# Generates the cluster's credentials once (kept until `down --purge`): a CA, the API server's
# serving certificate, the service-account signing key, one client certificate per component
# (each maps to the identity Kubernetes' bootstrap RBAC grants that component), and kubeconfigs.
# Never committed: everything lives under <state>/pki and <state>/config.
#
#   infra/k8s/pki.sh <node-ip>
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
# shellcheck source=lib.sh
source "$here/lib.sh"

node_ip="${1:?usage: pki.sh <node-ip>}"
PKI="$K8S_STATE/pki"
CONF="$K8S_STATE/config"
mkdir -p "$PKI" "$CONF"
chmod 700 "$PKI"
cd "$PKI"

key() { [[ -f "$1.key" ]] || openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null; }

if [[ ! -f ca.crt ]]; then
  key ca
  openssl req -x509 -new -key ca.key -sha256 -days 3650 -subj "/CN=kindling-k8s-ca" -out ca.crt 2>/dev/null
  echo "new cluster CA"
fi

# cert <name> <subject> <serverAuth|clientAuth> [subjectAltName]
cert() {
  local name="$1" subject="$2" usage="$3" san="${4:-}"
  # Reissue the API server's certificate when the node's address changed.
  if [[ -f "$name.crt" && -n "$san" ]] && ! openssl x509 -in "$name.crt" -noout -ext subjectAltName 2>/dev/null |
    grep -q "IP Address:$node_ip"; then
    rm -f "$name.crt"
  fi
  [[ -f "$name.crt" ]] && return 0
  key "$name"
  {
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$usage"
    [[ -n "$san" ]] && echo "subjectAltName=$san"
  } >"$name.ext"
  openssl req -new -key "$name.key" -subj "$subject" -out "$name.csr" 2>/dev/null
  openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -sha256 -days 365 \
    -extfile "$name.ext" -out "$name.crt" 2>/dev/null
  rm -f "$name.csr" "$name.ext"
  echo "issued $name ($subject)"
}

cert apiserver "/CN=kube-apiserver" serverAuth \
  "DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:localhost,DNS:$NODE_NAME,IP:127.0.0.1,IP:$API_SERVICE_IP,IP:$node_ip"
cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" clientAuth
cert admin "/O=system:masters/CN=kindling-admin" clientAuth
cert controller-manager "/CN=system:kube-controller-manager" clientAuth
cert scheduler "/CN=system:kube-scheduler" clientAuth
cert kubelet "/O=system:nodes/CN=system:node:$NODE_NAME" clientAuth
cert kube-proxy "/CN=system:kube-proxy" clientAuth
if [[ ! -f sa.key ]]; then
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out sa.key 2>/dev/null
  openssl pkey -in sa.key -pubout -out sa.pub
  echo "new service-account signing key"
fi
chmod 600 ./*.key

# kubeconfig <file> <cert-name> <server>
kubeconfig() {
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: kindling
  cluster:
    server: $3
    certificate-authority-data: $(base64 -w0 ca.crt)
users:
- name: $2
  user:
    client-certificate-data: $(base64 -w0 "$2.crt")
    client-key-data: $(base64 -w0 "$2.key")
contexts:
- name: kindling
  context: {cluster: kindling, user: $2}
current-context: kindling
EOF
  chmod 600 "$1"
}
local_api="https://127.0.0.1:$API_PORT"
kubeconfig "$ADMIN_KUBECONFIG" admin "$local_api"
kubeconfig "$CONF/controller-manager.kubeconfig" controller-manager "$local_api"
kubeconfig "$CONF/scheduler.kubeconfig" scheduler "$local_api"
kubeconfig "$CONF/kubelet.kubeconfig" kubelet "$local_api"
kubeconfig "$CONF/kube-proxy.kubeconfig" kube-proxy "$local_api"
echo "credentials and kubeconfigs ready (admin: $ADMIN_KUBECONFIG)"
