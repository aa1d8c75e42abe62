package graph_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/graph"
	"github.com/teemaverkko/teemaverkko/internal/database"
)

// TestRevisionStatesBoundedBeforeLoading: the states of revisions are bounded by their
// stored size before they are read. A theme with 60 revisions of 300 KB states (a theme
// with thousands of outcomes has them) answers a page whose states fit in
// graph.MaxStateBytes with the states exactly as stored, and refuses one past it with
// QUERY_TOO_COSTLY without reading a single state, however the fields are spelled
// (fragments, aliases, directives); a page without states reads none.
func TestRevisionStatesBoundedBeforeLoading(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, _ *ent.Client) {
		ctx := context.Background()
		client, cnt := countingClient(db)
		var themeID string
		var version int64
		row := db.SQL.QueryRowContext(ctx, `SELECT id FROM themes ORDER BY id LIMIT 1`)
		if err := row.Scan(&themeID); err != nil {
			t.Fatal(err)
		}
		if err := db.SQL.QueryRowContext(ctx, `SELECT MAX(version) FROM change_sets`).Scan(&version); err != nil {
			t.Fatal(err)
		}
		var lastSeq int64
		if err := db.SQL.QueryRowContext(ctx, `SELECT MAX(id) FROM revisions`).Scan(&lastSeq); err != nil {
			t.Fatal(err)
		}
		const revisions, stateSize = 60, 300 << 10
		state, _ := json.Marshal(map[string]any{"fields": map[string]any{"name": "Iso teema", "description": strings.Repeat("kuntien elinvoima ", stateSize/18)}, "edges": map[string]any{}})
		insert := `INSERT INTO revisions (version, node_type, node_id, operation, state) VALUES ($1, 'Theme', $2, 'UPDATE', $3)`
		if db.Dialect != "postgres" {
			insert = strings.NewReplacer("$1", "?", "$2", "?", "$3", "?").Replace(insert)
		}
		for range revisions {
			if _, err := db.SQL.ExecContext(ctx, insert, version, themeID, string(state)); err != nil {
				t.Fatal(err)
			}
		}
		if int64(40*len(state)) > graph.MaxStateBytes || int64(60*len(state)) <= graph.MaxStateBytes {
			t.Fatalf("a state of %d bytes: the cases below need 40 states within the budget and 60 past it", len(state))
		}
		srv := apiServer(t, client)
		ids := make([]string, 100)
		for i := range ids {
			ids[i] = themeID
		}
		vars := map[string]any{"ids": ids, "id": themeID, "yes": true, "no": false, "cursor": itoa(int(lastSeq))}
		for _, tc := range []struct {
			name, query string
			refused     bool
			states      int // the after states answered
			loaded      int // the statements that may read states (a refused field after an answered one)
		}{
			{"ids only", `query($id: ID!) { node(id: $id) { ... on Theme { revisions(first: 60) { edges { node { seq version } } } } } }`, false, 0, 0},
			{"after of 40", `query($id: ID!) { node(id: $id) { ... on Theme { revisions(first: 40) { edges { node { seq after } } } } } }`, false, 40, 0},
			{"after of 60", `query($id: ID!) { node(id: $id) { ... on Theme { revisions(first: 60) { edges { node { after } } } } } }`, true, 0, 0},
			{"before and after of 40", `query($id: ID!) { node(id: $id) { ... on Theme { revisions(first: 40) { edges { node { before after } } } } } }`, true, 0, 0},
			{"a named fragment", `query($id: ID!) { node(id: $id) { ... on Theme { revisions(first: 60) { edges { node { ...S } } } } } } fragment S on Revision { seq after }`, true, 0, 0},
			{"an alias", `query($id: ID!) { node(id: $id) { ... on Theme { revisions(first: 60) { edges { node { a: after } } } } } }`, true, 0, 0},
			{"an inline fragment on the edge", `query($id: ID!) { node(id: $id) { ... on Theme { revisions(first: 60) { edges { ... on RevisionEdge { node { after } } } } } } }`, true, 0, 0},
			{"a page aliased twice", `query($id: ID!) { node(id: $id) { ... on Theme { a: revisions(first: 30) { edges { node { after } } } b: revisions(first: 30) { edges { node { before } } } } } }`, true, 0, 1},
			{"@include true", `query($id: ID!, $yes: Boolean!) { node(id: $id) { ... on Theme { revisions(first: 60) { edges { node { seq after @include(if: $yes) } } } } } }`, true, 0, 0},
			{"@include false", `query($id: ID!, $no: Boolean!) { node(id: $id) { ... on Theme { revisions(first: 60) { edges { node { seq after @include(if: $no) } } } } } }`, false, 0, 0},
			{"@skip true", `query($id: ID!) { node(id: $id) { ... on Theme { revisions(first: 60) { edges { node { seq after @skip(if: true) } } } } } }`, false, 0, 0},
			{"two aliases of one node, 40 each", `query($id: ID!) { a: node(id: $id) { ... on Theme { revisions(first: 40) { edges { node { after } } } } } b: node(id: $id) { ... on Theme { revisions(first: 40) { edges { node { after } } } } } }`, true, 0, 1},
			{"the same node listed twice, 40 each", `query($id: ID!) { nodes(ids: [$id, $id]) { ... on Theme { revisions(first: 40) { edges { node { after } } } } } }`, true, 0, 1},
			{"the same node listed twice, 20 each", `query($id: ID!) { nodes(ids: [$id, $id]) { ... on Theme { revisions(first: 20) { edges { node { after } } } } } }`, false, 0, 1},
			{"the same node listed 100 times, one each", `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Theme { revisions(first: 1) { edges { node { before after } } } } } }`, true, 0, 1},
			{"the feed's after of 60", `query($cursor: String) { changes(cursor: $cursor, first: 100) { edges { node { seq after } } } }`, true, 0, 0},
			{"the feed's after of 40", `query($cursor: String) { changes(cursor: $cursor, first: 40) { edges { node { seq after } } } }`, false, 40, 0},
			{"the feed without states", `query($cursor: String) { changes(cursor: $cursor, first: 100) { edges { node { seq } } } }`, false, 0, 0},
		} {
			cnt.reset()
			var out struct {
				Node *struct {
					Revisions *revisionPage
					A, B      *revisionPage
				}
				Changes *revisionPage
			}
			r := postAs(t, srv, "", tc.query, vars, &out)
			read := 0
			for _, s := range cnt.Statements() {
				if strings.Contains(s, "SELECT id, state FROM revisions") {
					read++
				}
			}
			switch {
			case tc.refused:
				if r.code() != "QUERY_TOO_COSTLY" {
					t.Errorf("%s: %+v, want QUERY_TOO_COSTLY", tc.name, r.Errors)
				}
				if read > tc.loaded {
					t.Errorf("%s: refused after reading the states (%d statements)", tc.name, read)
				}
			case len(r.Errors) > 0:
				t.Errorf("%s: %+v", tc.name, r.Errors)
			default:
				if tc.states == 0 && read > tc.loaded {
					t.Errorf("%s: read states that were not asked for", tc.name)
				}
				if tc.states > 0 {
					got := 0
					p := out.Changes
					if out.Node != nil {
						p = out.Node.Revisions
					}
					for _, e := range p.Edges {
						if e.Node.After != nil {
							if *e.Node.After != string(state) {
								t.Fatalf("%s: a state is not answered as stored", tc.name)
							}
							got++
						}
					}
					if got != tc.states || read != 1 {
						t.Errorf("%s: %d states in %d statements, want %d in 1", tc.name, got, read, tc.states)
					}
				}
			}
		}
	})
}
