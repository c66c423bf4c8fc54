#!/usr/bin/env bash
# The API reference of @kindling/spark-connect, generated from its doc comments by TypeDoc into
# docs/api/ (HTML, not committed: run this to read it). TypeDoc is pinned here, apart from the
# workspaces, because it needs the TypeScript 5/6 compiler API while the packages use TypeScript 7.
#
#   bash tools/api-docs/build.sh            # writes docs/api/index.html
#   bash tools/api-docs/build.sh --check    # no output; fails on a broken {@link}, and prints how
#                                           # many exported members still lack a doc comment
set -euo pipefail
cd "$(dirname "$0")"
[ -d node_modules/typedoc ] || npm ci --no-audit --no-fund >/dev/null
if [ "${1:-}" = "--check" ]; then
  npx typedoc --options typedoc.json --emit none --treatValidationWarningsAsErrors \
    --validation.invalidLink true --validation.notExported false --validation.notDocumented false
  missing=$(npx typedoc --options typedoc.json --emit none --validation.notDocumented true 2>&1 |
    grep -c "does not have any documentation" || true)
  echo "api-docs: links ok; ${missing} exported members without a doc comment"
else
  npx typedoc --options typedoc.json
fi
