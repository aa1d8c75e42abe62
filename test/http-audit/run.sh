#!/usr/bin/env bash
# The GraphQL over HTTP audits of graphql-http against a freshly built, seeded server.
# Run from anywhere: bash test/http-audit/run.sh (AUDIT_VERBOSE=1 prints every audit).
set -euo pipefail
cd "$(dirname "$0")/../.."
npm --prefix test/http-audit ci --silent --no-audit --no-fund
# The audits send 61 requests within a second or so; the per-client rate limit (tested on its own in
# internal/ratelimit) would answer some of them 429, so it is off for this server.
RATE_LIMIT=0 test/with-server.sh node test/http-audit/audit.mjs
