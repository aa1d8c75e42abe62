#!/usr/bin/env bash
# The checks of the places where Teemaverkko changes or stands in for its libraries' code
# (docs/FORKS.md). Each check is a Go test named TestFork…, and a failure names the fork
# and its section of docs/FORKS.md, where the steps to re-apply it are. They compare the
# forks with the libraries of the versions in go.mod (their sources in the module cache),
# so run them after every upgrade. PostgreSQL as for the other tests: TEST_DATABASE_URL,
# or a local server (see internal/testdb). Run from anywhere: bash test/forks/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
status=0
go test -count=1 -v -run '^TestFork' ./test/forks ./graph >"$out" 2>&1 || status=$?
# The servers' logs and the test runner's chatter are left out.
grep -vE '^=== (RUN|PAUSE|CONT)| (INFO|WARN|ERROR) ' "$out" || true
checks="$(grep -cE '^--- (PASS|FAIL): TestFork' "$out" || true)"
if [ "$status" -ne 0 ]; then
  echo "forks: FAILED: $(grep -oE '^--- FAIL: TestFork[A-Za-z]+' "$out" | sed 's/^--- FAIL: //' | tr '\n' ' ')" >&2
  exit "$status"
fi
if [ "$checks" -eq 0 ]; then
  echo "forks: no TestFork check ran" >&2
  exit 1
fi
echo "forks: $checks checks passed"
