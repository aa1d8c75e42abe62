#!/usr/bin/env bash
# Runs a command against a freshly seeded server: builds the server (unless
# TEEMAVERKKO_SERVER_BIN names one built from this checkout, as CI does once for all its
# checks), starts it on a free local port with a temporary SQLite database (or
# DATABASE_URL when set), waits until it is ready, runs the command with TEEMAVERKKO_URL
# set to the server's base URL, and stops the server. Usage: test/with-server.sh CMD [ARGS...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'kill "${pid:-}" 2>/dev/null || true; wait "${pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || echo 18080)"
server="${TEEMAVERKKO_SERVER_BIN:-}"
if [ -z "$server" ]; then
  server="$work/server"
  (cd "$root" && go build -o "$server" ./server)
fi
"$server" -port "$port" -database-url "${DATABASE_URL:-$work/kb.db}" ${SERVER_ARGS:-} >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 200); do
  if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then cat "$work/server.log" >&2; exit 1; fi
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$work/server.log" >&2; echo "the server did not become ready" >&2; exit 1; }
export TEEMAVERKKO_URL="http://127.0.0.1:$port"
"$@"
