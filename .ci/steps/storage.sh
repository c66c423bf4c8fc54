#!/usr/bin/env bash
# CI step: build Kindling's S3 store (SeaweedFS) so the storage tests run instead of skipping.
# Idempotent: a binary already built for the pinned version is reused (about 4 min when cold).
# MinIO is not built here (infra/storage/build.sh --minio); its test skips when it is absent.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bash infra/storage/build.sh
