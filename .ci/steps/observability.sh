#!/usr/bin/env bash
# CI step: install Prometheus and the Pushgateway (Debian packages) and fetch the JMX exporter
# agent into ~/.cache/kindling/jmx, so packages/kindling/test/metrics runs against real servers.
# Idempotent: both are skipped when already there.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bash infra/observability/install.sh
node --import tsx -e '
  const { ensureJmxAgent } = await import("./packages/kindling/src/metrics/jmx.ts");
  const agent = await ensureJmxAgent({ onProgress: (l) => console.log(l) });
  console.log(`observability: JMX exporter agent ${agent.jar}`);
'
