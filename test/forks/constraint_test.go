package forks

import (
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/graph"
	"github.com/teemaverkko/teemaverkko/graph/querylimit"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// TestForkSQLiteConstraintTexts: internal/apierr recognises SQLite's constraint violations
// by modernc.org/sqlite's message text (PostgreSQL's by lib/pq's error codes). A text
// that no longer matches leaves ent's generic ConstraintError: CONFLICT still, but without
// the field, or with the generic message, so the checks look at those.
func TestForkSQLiteConstraintTexts(t *testing.T) {
	f := sqliteConstraints
	db := testdb.Open(t, "sqlite")
	srv := apiServer(t, db.Client(), db.Dialect)
	const create = `mutation($slug: String!, $parent: ID) { createTheme(input: {slug: $slug, name: "Forks", parentID: $parent}) { id } }`
	if r := post(t, srv, create, map[string]any{"slug": "forks-check"}); len(r.Errors) > 0 {
		t.Fatalf("create: %+v", r.Errors)
	}
	if r := post(t, srv, create, map[string]any{"slug": "forks-check"}); r.code() != "CONFLICT" || r.field() != "slug" {
		f.errorf(t, `a taken slug is answered %s, field %q, not CONFLICT, field "slug": has SQLite's "UNIQUE constraint failed: table.column" text changed? %+v`, r.code(), r.field(), r.Errors)
	}
	r := post(t, srv, create, map[string]any{"slug": "forks-check-2", "parent": "th01ARZ3NDEKTSV4RRFFQ69G5FAV"})
	if c := r.code(); (c != "CONFLICT" && c != "NOT_FOUND") || strings.Contains(r.Errors[0].Message, "conflicts with existing data") {
		f.errorf(t, `a parent that does not exist is answered %+v, not as a reference that does not hold: has SQLite's "FOREIGN KEY constraint failed" text changed?`, r.Errors)
	}
	// SQLite's LIKE patterns are at most 50,000 bytes: a server whose -max-filter-string
	// allows more must still answer a longer one as the client's mistake.
	unbounded := querylimit.Defaults
	unbounded.MaxFilterString = 0
	srv = apiServerWith(t, db.Client(), graph.Config{Dialect: db.Dialect, QueryLimits: &unbounded})
	long := strings.Repeat("a", 50001)
	if r := post(t, srv, `query($s: String) { themes(where: {nameContains: $s}) { totalCount } }`, map[string]any{"s": long}); r.code() != "BAD_USER_INPUT" {
		f.errorf(t, `a filter value beyond SQLite's LIKE limit is answered %+v, not BAD_USER_INPUT: has SQLite's "LIKE or GLOB pattern too complex" text changed?`, r.Errors)
	}
}
