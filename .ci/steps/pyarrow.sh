#!/usr/bin/env bash
# CI step: pyarrow (pinned, in a venv under ~/.cache/kindling) for the tests that read Kindling's
# Parquet outputs back with a reader that is not Spark. Idempotent.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bash infra/python/pyarrow.sh >/dev/null
