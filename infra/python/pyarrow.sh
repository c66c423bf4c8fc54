#!/usr/bin/env bash
# Installs pyarrow (pinned) into a venv of its own and prints that venv's python on stdout
# (progress on stderr). Tests read Kindling's Parquet outputs back with it, a reader that is not
# Spark (packages/kindling/test/run/parquet-timestamps.test.ts). Cached by version:
#   ${KINDLING_CACHE:-~/.cache/kindling}/pyarrow/<version>/venv
# --print: only print the python's path (installed or not).
set -euo pipefail
PYARROW_VERSION=26.0.1
dir="${KINDLING_CACHE:-$HOME/.cache/kindling}/pyarrow/$PYARROW_VERSION"
python="$dir/venv/bin/python"
if [ "${1:-}" = "--print" ]; then
  echo "$python"
  exit 0
fi
if [ ! -x "$python" ] || ! "$python" -c "import pyarrow" 2>/dev/null; then
  echo "pyarrow: installing pyarrow==$PYARROW_VERSION into $dir/venv" >&2
  rm -rf "$dir/venv"
  mkdir -p "$dir"
  python3 -m venv "$dir/venv" >&2
  "$python" -m pip install --disable-pip-version-check --quiet "pyarrow==$PYARROW_VERSION" >&2
fi
echo "$python"
