#!/usr/bin/env bash
# Makes validation-only CRDs for kubeflow spark-operator's kinds (SparkApplication,
# ScheduledSparkApplication, SparkConnect) from the operator's published API models and prints
# their folder on stdout (progress on stderr). Cached by version:
#   ${KINDLING_CACHE:-~/.cache/kindling}/spark-operator-crds/<version>/{venv,crds}
# Why not the operator's own CRD yamls: its Go module is not served by the registries these
# machines reach; PyPI serves kubeflow-spark-api (see spark-operator-crds.py).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
dir="${KINDLING_CACHE:-$HOME/.cache/kindling}/spark-operator-crds/$SPARK_OPERATOR_API_VERSION"
script_sum="$(sha256sum "$here/spark-operator-crds.py" | cut -c1-16)"
if [ -f "$dir/crds/.ready-$script_sum" ]; then
  echo "$dir/crds"
  exit 0
fi
if [ ! -x "$dir/venv/bin/python" ] || ! "$dir/venv/bin/python" -c "import kubeflow_spark_api" 2>/dev/null; then
  echo "spark-operator-crds: installing kubeflow-spark-api==$SPARK_OPERATOR_API_VERSION into $dir/venv" >&2
  rm -rf "$dir/venv"
  mkdir -p "$dir"
  python3 -m venv "$dir/venv" >&2
  "$dir/venv/bin/python" -m pip install --disable-pip-version-check --quiet \
    "kubeflow-spark-api==$SPARK_OPERATOR_API_VERSION" >&2
fi
rm -rf "$dir/crds"
"$dir/venv/bin/python" "$here/spark-operator-crds.py" "$dir/crds" | sed -u 's/^/spark-operator-crds: /' >&2
touch "$dir/crds/.ready-$script_sum"
echo "$dir/crds"
