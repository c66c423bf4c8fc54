#!/usr/bin/env bash
# The API reference of @kindling/spark-connect (and its ./local sub-export), generated from its doc
# comments by TypeDoc into docs/api/ (HTML, not committed: run this to read it). TypeDoc is pinned
# here, apart from the workspaces, because it needs the TypeScript 5/6 compiler API while the
# packages use TypeScript 7; `npm test`'s setup installs it (packages/kindling/src/setup/steps.ts).
#
#   bash tools/api-docs/build.sh            # writes docs/api/index.html
#   bash tools/api-docs/build.sh --check    # writes nothing; fails (exit 1) on any exported symbol
#                                           # without a doc comment, any broken {@link}, any symbol
#                                           # the docs reference that is not exported
#   bash tools/api-docs/build.sh --install  # installs the pinned TypeDoc (npm ci, this folder only)
set -euo pipefail
cd "$(dirname "$0")"
install() { npm ci --no-audit --no-fund --ignore-scripts >/dev/null; }
case "${1:-}" in
--install)
  install
  ;;
--check)
  [ -d node_modules/typedoc ] || install
  log=$(mktemp)
  trap 'rm -f "$log"' EXIT
  if npx typedoc --options typedoc.json --emit none --treatValidationWarningsAsErrors >"$log" 2>&1; then
    echo "api-docs: every exported symbol documented, links ok"
  else
    missing=$(grep -c "does not have any documentation" "$log" || true)
    sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E "\[(warning|error)\]" | grep -v "Found [0-9]* errors" >&2 || cat "$log" >&2
    echo "api-docs: FAILED (${missing} exported symbols without a doc comment; see above)" >&2
    exit 1
  fi
  ;;
"")
  [ -d node_modules/typedoc ] || install
  npx typedoc --options typedoc.json
  ;;
*)
  echo "usage: bash tools/api-docs/build.sh [--check|--install]" >&2
  exit 2
  ;;
esac
