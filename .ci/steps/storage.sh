#!/usr/bin/env bash
# CI step: build Kindling's S3 store (SeaweedFS) and MinIO (kept working for existing users) so the
# storage tests run instead of skipping. Idempotent: binaries already built for the pinned versions
# are reused (cold: about 4 min for SeaweedFS, 7 min for MinIO).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bash infra/storage/build.sh
bash infra/storage/build.sh --minio
