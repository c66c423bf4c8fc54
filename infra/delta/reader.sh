#!/usr/bin/env bash
# A reader of Delta tables that is not Spark: the `deltalake` Python package (delta-rs), in a venv
# of its own under the Kindling cache, keyed by its pinned version. Tests read Delta sinks back
# with it and compare with what Spark reads.
#
#   bash infra/delta/reader.sh            # create the venv if missing (pip, from PyPI; ~1 min)
#   bash infra/delta/reader.sh --print    # print the venv's python path (exit 1 if not set up)
set -euo pipefail
DELTALAKE_VERSION=1.6.6 # delta-rs's Python package, 2026-09
PYARROW_VERSION=26.0.1  # for to_pyarrow_table(); deltalake itself needs only arro3
cache="${KINDLING_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kindling}"
venv="$cache/deltalake-$DELTALAKE_VERSION"
python="$venv/bin/python"

if [[ "${1:-}" == "--print" ]]; then
  [[ -x "$python" && -f "$venv/.complete" ]] || exit 1
  echo "$python"
  exit 0
fi
if [[ -f "$venv/.complete" ]]; then
  echo "$python"
  exit 0
fi
command -v python3 >/dev/null || { echo "python3 is needed (apt-get install -y python3 python3-venv)" >&2; exit 1; }
# The venv is made in place (a venv records its own path); the marker says it is complete.
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check \
  "deltalake==$DELTALAKE_VERSION" "pyarrow==$PYARROW_VERSION"
touch "$venv/.complete"
echo "$python"
