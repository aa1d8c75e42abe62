package graph_test

import (
	"context"
	"fmt"
	"maps"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent/nestedpage"
	"github.com/teemaverkko/teemaverkko/ent/outcome"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/ent/theme"
	"github.com/teemaverkko/teemaverkko/graph"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/synth"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// TestNestedPagesPerParent checks the per-parent limit of nested connections
// (ent/nestedpage) against entgql's window function on a small synthetic knowledge base: for every
// kind of edge (one-to-many, many-to-many both ways, self-reference), ordering (by id, by a
// column, by a related row's column, reversed with last) and filter, both give the same
// children in the same order for every parent, while the statements sent are the
// per-parent kind (LATERAL on PostgreSQL, UNION ALL on SQLite).
func TestNestedPagesPerParent(t *testing.T) {
	// Parents are at most 50, so that SQLite's UNION ALL serves them (nestedpage.MaxUnionTerms),
	// but where sqliteWindow says the case checks SQLite's fallback to the window function.
	cases := []struct {
		name, parents, typ, field string
		sqliteWindow              bool
	}{
		{"m2m", "themes(first: 100)", "Theme", "outcomes(first: 3)", false},
		{"m2m computed order", "themes(first: 100)", "Theme", "outcomes(first: 3, orderBy: [{field: SEMINAR_DATE, direction: DESC}])", false},
		{"m2m last", "themes(first: 100)", "Theme", "outcomes(last: 2, orderBy: [{field: TEXT}])", false},
		{"m2m filtered", "themes(first: 100)", "Theme", "outcomes(first: 2, where: {kind: SUPPORT_NEED})", false},
		{"m2m inverse", "outcomes(first: 50)", "Outcome", "themes(first: 1, orderBy: [{field: NAME, direction: DESC}])", false},
		{"m2m municipalities", "outcomes(first: 50)", "Outcome", "municipalities(first: 2, orderBy: [{field: NAME}])", false},
		{"m2m from municipalities", "municipalities(first: 50, orderBy: [{field: CODE}])", "Municipality", "outcomes(first: 2, orderBy: [{field: KIND}])", false},
		{"o2m", "seminars(first: 100)", "Seminar", "sessions(first: 2)", false},
		{"o2m by column", "seminars(first: 100)", "Seminar", "sessions(first: 3, orderBy: [{field: POSITION, direction: DESC}])", false},
		{"o2m computed order", "sessions(first: 100)", "Session", "appearances(first: 2, orderBy: [{field: EXPERT_NAME}])", false},
		{"o2m region", "regions(first: 30)", "Region", "municipalities(first: 4, orderBy: [{field: NAME_SV}])", false},
		{"self reference", "themes(first: 100)", "Theme", "children(first: 1)", false},
		{"many parents", "outcomes(first: 100)", "Outcome", "municipalities(first: 1)", true},
		{"three levels", "themes(first: 100)", "Theme", "outcomes(first: 3) { edges { node { id municipalities(first: 2) { edges { node { id } } } } } }", false},
	}
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		if _, err := synth.Generate(ctx, db.Client(), synth.Options{Scale: 0.02, Seed: 1}); err != nil {
			t.Fatal(err)
		}
		client, c := countingClient(db)
		h := graph.NewHandler(client, graph.Config{Dialect: db.Dialect, Limits: graph.DefaultLimits})
		perParent := httptest.NewServer(h)
		t.Cleanup(perParent.Close)
		window := httptest.NewServer(nestedpage.WindowHandler(h))
		t.Cleanup(window.Close)
		want := "CROSS JOIN LATERAL"
		if db.Dialect == "sqlite3" {
			want = "UNION ALL"
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				field := tc.field
				if !strings.HasSuffix(field, "}") {
					field += " { totalCount edges { node { id } } }"
				}
				query := "{ " + tc.parents + " { edges { node { id " + field + " } } } }"
				c.reset()
				got := childIDs(t, perParent, query)
				want := want
				if tc.sqliteWindow && db.Dialect == "sqlite3" {
					want = "ROW_NUMBER()"
				}
				if stmts := strings.Join(c.Statements(), "\n"); !strings.Contains(stmts, want) {
					t.Fatalf("no %s statement among:\n%s", want, stmts)
				}
				if ref := childIDs(t, window, query); !equalPages(got, ref) {
					t.Fatalf("per-parent pages differ from the window function's:\ngot  %v\nwant %v", got, ref)
				}
				// Each parent's connection asked for on its own (node by ID): no child is
				// shared with another parent there, so the order cannot be confused.
				alone := map[string][]string{}
				parents := slices.Sorted(maps.Keys(got))
				for len(parents) > 0 {
					n := min(len(parents), 10)
					var b strings.Builder
					b.WriteString("{")
					for i, key := range parents[:n] {
						id, _, _ := strings.Cut(key, "/")
						fmt.Fprintf(&b, " p%d: node(id: %q) { id ... on %s { %s } }", i, id, tc.typ, field)
					}
					b.WriteString(" }")
					maps.Copy(alone, childIDs(t, perParent, b.String()))
					parents = parents[n:]
				}
				for key, ids := range alone {
					if strings.Join(ids, ",") != strings.Join(got[key], ",") {
						t.Errorf("%s: nested %v, alone %v", key, got[key], ids)
					}
				}
				nonEmpty := 0
				for _, ids := range got {
					if len(ids) > 0 {
						nonEmpty++
					}
				}
				if nonEmpty < 2 {
					t.Fatalf("only %d parents have children: the case proves nothing", nonEmpty)
				}
			})
		}
	})
}

// childIDs runs a query of nested connections and returns, for every node that has an id
// and connections, each connection's node IDs in order, keyed by "parent ID/field".
func childIDs(t *testing.T, srv *httptest.Server, query string) map[string][]string {
	t.Helper()
	var data any
	mustPost(t, srv, query, nil, &data)
	out := map[string][]string{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case []any:
			for _, e := range v {
				walk(e)
			}
		case map[string]any:
			id, _ := v["id"].(string)
			for field, conn := range v {
				c, ok := conn.(map[string]any)
				if !ok || c["edges"] == nil {
					walk(conn)
					continue
				}
				ids := []string{}
				for _, e := range c["edges"].([]any) {
					node := e.(map[string]any)["node"].(map[string]any)
					ids = append(ids, node["id"].(string))
					walk(node)
				}
				if id != "" {
					out[id+"/"+field] = ids
				}
			}
		}
	}
	walk(data)
	return out
}

func equalPages(a, b map[string][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if strings.Join(v, ",") != strings.Join(b[k], ",") {
			return false
		}
	}
	return true
}

// TestNestedTotalCount checks a nested many-to-many connection's totalCount, which is
// counted from the join table alone when the connection has no filter, against counting
// through ent, with and without a filter.
func TestNestedTotalCount(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		client := db.Client()
		if _, err := synth.Generate(ctx, client, synth.Options{Scale: 0.02, Seed: 1}); err != nil {
			t.Fatal(err)
		}
		srv := apiServer(t, client)
		var data struct {
			Themes struct {
				Edges []struct {
					Node struct {
						ID    string
						All   struct{ TotalCount int }
						Needs struct{ TotalCount int }
					}
				}
			}
		}
		mustPost(t, srv, `{ themes(first: 100) { edges { node { id
			all: outcomes(first: 1) { totalCount }
			needs: outcomes(first: 1, where: {kind: SUPPORT_NEED}) { totalCount } } } } }`, nil, &data)
		counted := 0
		for _, e := range data.Themes.Edges {
			q := client.Theme.Query().Where(theme.ID(pulid.ID(e.Node.ID))).QueryOutcomes()
			if all := q.Clone().CountX(ctx); e.Node.All.TotalCount != all {
				t.Errorf("theme %s: totalCount %d, ent counts %d", e.Node.ID, e.Node.All.TotalCount, all)
			}
			if needs := q.Where(outcome.KindEQ(outcome.KindSUPPORT_NEED)).CountX(ctx); e.Node.Needs.TotalCount != needs {
				t.Errorf("theme %s: filtered totalCount %d, ent counts %d", e.Node.ID, e.Node.Needs.TotalCount, needs)
			}
			if e.Node.Needs.TotalCount > 0 && e.Node.Needs.TotalCount < e.Node.All.TotalCount {
				counted++
			}
		}
		if counted == 0 {
			t.Fatal("no theme has some but not all outcomes matching the filter: the test proves nothing")
		}
	})
}
