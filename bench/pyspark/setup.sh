#!/usr/bin/env bash
# Creates the private PySpark virtual environment the benchmark compares against and prints its
# python path on stdout (progress goes to stderr). Idempotent: a complete venv is reused.
#
#   ~/.cache/kindling/bench-venv-<spark version>/  with pyspark-client==<spark version>,
#   pyarrow, pandas (pyspark-client's Connect extras need them) and grpcio.
#
# The Spark version is read from spark/pom.xml, the one place Kindling pins it. If PyPI does not
# serve pyspark-client at that version, pyspark[connect] at the same version is installed instead
# (a full PySpark, larger, same Connect client code); the choice is written to the venv's
# .kindling-client file and reported by the benchmark.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
version="$(sed -n 's:.*<spark.version>\(.*\)</spark.version>.*:\1:p' "$root/spark/pom.xml" | head -1)"
[ -n "$version" ] || { echo "setup.sh: no <spark.version> in spark/pom.xml" >&2; exit 1; }
cache="${KINDLING_CACHE:-$HOME/.cache/kindling}"
venv="$cache/bench-venv-$version"
python="${PYTHON:-python3}"

if [ -f "$venv/.kindling-ready" ]; then
  echo "$venv/bin/python"
  exit 0
fi
echo "setup.sh: creating $venv (pyspark-client $version)" >&2
rm -rf "$venv"
mkdir -p "$cache"
"$python" -m venv "$venv"
pip=("$venv/bin/python" -m pip install --disable-pip-version-check --quiet)
"${pip[@]}" --upgrade pip >&2
if "${pip[@]}" "pyspark-client==$version" "pyarrow>=15" "pandas>=2.2" >&2; then
  echo "pyspark-client==$version" >"$venv/.kindling-client"
else
  echo "setup.sh: pyspark-client==$version is not served; using pyspark[connect]==$version" >&2
  "${pip[@]}" "pyspark[connect]==$version" "pyarrow>=15" "pandas>=2.2" >&2
  echo "pyspark[connect]==$version" >"$venv/.kindling-client"
fi
"$venv/bin/python" -c "import pyspark, pyarrow, pandas, grpc" >&2
touch "$venv/.kindling-ready"
echo "$venv/bin/python"
