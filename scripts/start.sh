#!/usr/bin/env bash
# `npm start`: installs what is missing, builds and packages the extension, then serves VS Code in
# the browser with it and the lesson's sandbox cluster (see scripts/start.ts).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source scripts/lib/prereqs.sh
ensure_node_modules
ensure_postgres_15
PGBS_NO_CHROMIUM=1 bash scripts/lib/ensure-code-server.sh
echo "· building"
npx --no-install tsc -p tsconfig.json >/dev/null || { echo "ERROR: the TypeScript build failed: run npx tsc -p tsconfig.json" >&2; exit 1; }
npm run --silent package >/dev/null
exec node out/scripts/start.js
