#!/usr/bin/env bash
# Installs Prometheus and the Pushgateway from Debian's packages (idempotent: does nothing when
# both binaries are already there). Kindling starts its own Prometheus and Pushgateway processes
# with a generated configuration (packages/kindling/src/metrics/prometheus.ts), so the packages'
# own systemd services are kept from starting: policy-rc.d refuses service starts during the
# install, and the services are disabled/stopped afterwards when systemd is present.
set -euo pipefail

if command -v prometheus >/dev/null && command -v prometheus-pushgateway >/dev/null; then
  echo "observability: prometheus $(prometheus --version 2>&1 | head -1 | awk '{print $3}') and pushgateway already installed"
  exit 0
fi

policy=/usr/sbin/policy-rc.d
had_policy=0
[ -e "$policy" ] && had_policy=1
if [ "$had_policy" = 0 ]; then
  # Exit code 101: "action not allowed" — invoke-rc.d then skips starting the services.
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  trap 'rm -f "$policy"' EXIT
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends prometheus prometheus-pushgateway

if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  systemctl disable --now prometheus prometheus-pushgateway prometheus-node-exporter 2>/dev/null || true
fi
echo "observability: installed $(prometheus --version 2>&1 | head -1)"
