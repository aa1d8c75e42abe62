#!/usr/bin/env bash
# Breaking-change report of the published schema: compares graph/schema.graphql at HEAD
# with its previous version and fails on a breaking change, unless the change is marked
# [breaking] (see test/schema-diff/README.md). Run from anywhere:
#   bash test/schema-diff/run.sh                    # against the previous version
#   SCHEMA_BASE=origin/main bash test/schema-diff/run.sh   # against a branch or commit
set -euo pipefail
cd "$(dirname "$0")/../.."
file=graph/schema.graphql
marker='[breaking]'

if ! git cat-file -e "HEAD:$file" 2>/dev/null; then
  echo "schema-diff: $file is not committed at HEAD; nothing to compare"
  exit 0
fi
if [ -n "${SCHEMA_BASE:-}" ]; then
  base="$(git rev-parse --verify --quiet "${SCHEMA_BASE}^{commit}")" || {
    echo "schema-diff: SCHEMA_BASE=$SCHEMA_BASE is not a commit here (fetch it first)" >&2
    exit 2
  }
  base="$(git merge-base "$base" HEAD)" || { echo "schema-diff: HEAD and $SCHEMA_BASE share no history" >&2; exit 2; }
  what="$SCHEMA_BASE (merge base $(git rev-parse --short "$base"))"
else
  # The last two commits that changed the file: the newer made the current version
  # (HEAD's, unless later commits left the file alone), the older the previous one.
  mapfile -t changed < <(git log -2 --format=%H -- "$file")
  if [ "${#changed[@]}" -lt 2 ]; then
    if [ "$(git rev-parse --is-shallow-repository)" = true ]; then
      echo "schema-diff: warning: a shallow clone shows no previous version of $file; fetch the history (e.g. fetch-depth: 0) for a real check" >&2
    fi
    echo "schema-diff: $file has no previous version; nothing to compare"
    exit 0
  fi
  base="${changed[1]}"
  what="its previous version ($(git rev-parse --short "$base"))"
fi
if ! git cat-file -e "$base:$file" 2>/dev/null; then
  echo "schema-diff: $file does not exist at $what; nothing to compare"
  exit 0
fi

# [breaking] counts in the message of HEAD, or of a commit after the base that changed
# the file (so that a breaking change marked where it was made does not fail every later
# commit).
# (The messages are read whole before grep looks at them: with pipefail, grep -q leaving a
# pipe early made git log die of SIGPIPE now and then, and the marker went unseen.)
allow=()
messages="$(git log -1 --format=%B HEAD; git log --format=%B "$base..HEAD" -- "$file")"
if grep -qF -- "$marker" <<<"$messages"; then
  allow=(--allow-breaking)
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git show "$base:$file" >"$work/old.graphql"
git show "HEAD:$file" >"$work/new.graphql"
npm --prefix test/schema-diff ci --silent --no-audit --no-fund
echo "schema-diff: $file at HEAD against $what"
if node test/schema-diff/diff.mjs "$work/old.graphql" "$work/new.graphql" "${allow[@]}"; then
  if [ ${#allow[@]} -gt 0 ]; then echo "schema-diff: breaking changes allowed by $marker"; fi
  exit 0
fi
echo "schema-diff: breaking changes to the published schema; if they are intended, put $marker in the commit message (see test/schema-diff/README.md)" >&2
exit 1
