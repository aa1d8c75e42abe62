#!/usr/bin/env bash
# The example client against a freshly built, seeded server: installs the locked
# dependencies, generates the types from graph/schema.graphql, compiles and runs it.
# Run from anywhere: bash examples/client/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
npm --prefix examples/client ci --silent --no-audit --no-fund
npm --prefix examples/client run --silent codegen
test/with-server.sh npm --prefix examples/client start --silent
