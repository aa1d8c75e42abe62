#!/usr/bin/env bash
# The playground and the network explorer in a real browser. Installs what is missing
# (Debian's chromium, the npm packages of test/browser), then runs test/browser/browser.test.mjs against a freshly
# built and seeded server (test/with-server.sh), with an editor token so that the
# subscription check can write, and test/browser/explorer.test.mjs against the same
# server. The server embeds the committed builds (internal/playground/dist,
# internal/explorer/dist), which is what this tests: after changing web/playground or
# web/explorer, rebuild it first (npm --prefix web/X ci && npm --prefix web/X run build).
#
# Usage (from anywhere; CI runs it as root, with CI=true and no TTY):
#   bash test/browser/run.sh
# The screenshots land in test/browser/screenshots/ (playground.png, explorer*.png).
set -euo pipefail
cd "$(dirname "$0")/../.."

step() { printf '== browser: %s\n' "$*"; }
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false \
  npm_config_loglevel=error npm_config_progress=false

# Chromium from Debian (no Recommends: they pull in systemd, printing and the like).
if ! command -v chromium >/dev/null 2>&1; then
  step "installing chromium"
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  log="$(mktemp)"
  if ! { $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-liberation; } >"$log" 2>&1; then
    cat "$log" >&2
    exit 1
  fi
  rm -f "$log"
fi

# npm ci, unless node_modules already holds exactly this lock file.
npm_ci() {
  local dir="$1" stamp="$1/node_modules/.teemaverkko-lock.sha256" want
  want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi
  step "npm ci in $dir"
  npm --prefix "$dir" ci
  echo "$want" >"$stamp"
}
npm_ci test/browser

# An editor token for this run only; the server gets its SHA-256.
token="browser-test-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export TEEMAVERKKO_TEST_TOKEN="$token"
export SERVER_ARGS="${SERVER_ARGS:-} -tokens editor:$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)"

# One server build for both runs (CI passes its own in TEEMAVERKKO_SERVER_BIN).
gen="$(mktemp -d)"
trap 'rm -rf "$gen"' EXIT
if [ -z "${TEEMAVERKKO_SERVER_BIN:-}" ]; then
  step "building the server"
  go build -o "$gen/server" ./server
  export TEEMAVERKKO_SERVER_BIN="$gen/server"
fi

step "testing on the seed knowledge"
test/with-server.sh node --test --test-reporter=spec --test-concurrency=1 test/browser/browser.test.mjs test/browser/explorer.test.mjs

# The explorer again on synthetic data (server gen -scale 1: 40 themes, 748 edges by
# default, of which it draws the heaviest 300), generated into a database of its own.
step "the explorer on synthetic data (server gen -scale 1)"
"$TEEMAVERKKO_SERVER_BIN" gen -scale 1 -database-url "$gen/kb.db" >"$gen/gen.log" 2>&1 || { cat "$gen/gen.log" >&2; exit 1; }
DATABASE_URL="$gen/kb.db" SERVER_ARGS="${SERVER_ARGS:-} -seed=false" TEEMAVERKKO_SHOTS=synthetic \
  test/with-server.sh node --test --test-reporter=spec test/browser/explorer.test.mjs
