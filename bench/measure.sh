#!/usr/bin/env bash
# Measures the query set (bench/queries) against Teemaverkko over one database and, with
# --postgraphile, the same questions (bench/postgraphile/queries) against PostGraphile
# pointed at the very same PostgreSQL database, one server after the other, so that they
# never share the machine. Each report gives requests/s, p50/p95/p99 and the server's peak
# resident memory.
#
#   bench/measure.sh [--postgraphile] [--duration 8s] [--clients 4] [--only nested,page] DATABASE_URL
#
# The database is used as it is: fill it first (go run ./server gen -scale N -seed 1
# -database-url URL). Our server migrates it and loads the seed knowledge on its first
# start, so run this once before comparing figures.
set -euo pipefail
cd "$(dirname "$0")/.."

postgraphile=false duration=8s clients=4 only=""
while [ $# -gt 1 ]; do
	case "$1" in
	--postgraphile) postgraphile=true; shift ;;
	--duration) duration=$2; shift 2 ;;
	--clients) clients=$2; shift 2 ;;
	--only) only=$2; shift 2 ;;
	*) echo "unknown option $1" >&2; exit 2 ;;
	esac
done
[ $# -eq 1 ] || { sed -n '2,12p' "$0" >&2; exit 2; }
db=$1

work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/server" ./server
go build -o "$work/loadtest" ./cmd/loadtest

# wait_for URL: polls until a GraphQL query for __typename succeeds (60 s at most).
wait_for() {
	for _ in $(seq 600); do
		curl -fsS -o /dev/null -H 'Content-Type: application/json' \
			-d '{"query":"{ __typename }"}' "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "no answer from $1" >&2
	exit 1
}

load() { # load URL QUERIES PID
	"$work/loadtest" -url "$1" -queries "$2" -pid "$3" -clients "$clients" -duration "$duration" ${only:+-only "$only"}
}

echo "== Teemaverkko"
DATABASE_URL=$db PORT=${BENCH_PORT:-18080} RATE_LIMIT=0 "$work/server" >"$work/server.log" 2>&1 &
pids+=($!)
wait_for http://127.0.0.1:${BENCH_PORT:-18080}/graphql
load http://127.0.0.1:${BENCH_PORT:-18080}/graphql bench/queries "${pids[-1]}"
kill "${pids[-1]}"
wait "${pids[-1]}" 2>/dev/null || true

if $postgraphile; then
	echo "== PostGraphile"
	DATABASE_URL=$db PORT=15678 bench/postgraphile/run.sh >"$work/postgraphile.log" 2>&1 &
	pids+=($!)
	wait_for http://127.0.0.1:15678/graphql
	load http://127.0.0.1:15678/graphql bench/postgraphile/queries "${pids[-1]}"
fi
