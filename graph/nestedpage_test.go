package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http/httptest"
	"reflect"
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

// connPage is one nested connection's page as the API returns it.
type connPage struct {
	TotalCount int
	PageInfo   struct {
		HasNextPage, HasPreviousPage bool
		StartCursor, EndCursor       *string
	}
	Edges []struct {
		Cursor string
		Node   struct{ ID string }
	}
}

func (p connPage) ids() []string {
	ids := make([]string, len(p.Edges))
	for i, e := range p.Edges {
		ids[i] = e.Node.ID
	}
	return ids
}

// connPages runs a query whose nodes have an id and a connection aliased c, and returns
// each node's page by its ID.
func connPages(t *testing.T, srv *httptest.Server, query string) map[string]connPage {
	t.Helper()
	var data any
	mustPost(t, srv, query, nil, &data)
	out := map[string]connPage{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case []any:
			for _, e := range v {
				walk(e)
			}
		case map[string]any:
			id, _ := v["id"].(string)
			if c, ok := v["c"]; ok && id != "" {
				var p connPage
				if err := json.Unmarshal(mustJSON(c), &p); err != nil {
					t.Fatal(err)
				}
				out[id] = p
				return
			}
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(data)
	return out
}

// walkCase is a nested connection to walk: parents { conn(first or last: size, order) },
// over the seed knowledge where seed says so, else a synthetic one.
type walkCase struct {
	name, parents, typ, conn, order string
	size                            int
	seed, sqliteWindow              bool
}

// TestNestedPagesWithCursors walks nested connections page by page with after and first,
// and with before and last, for every strategy of ent/nestedpage (PostgreSQL's LATERAL,
// SQLite's UNION ALL, and SQLite's window function for more than MaxUnionTerms parents)
// and entgql's window function. A cursor applies to each parent: with after: C, each
// parent's page is its children after C in the connection's order. Every page of every
// parent must equal the same connection asked for that parent alone (node by ID) with the
// same cursor, hold at most the page size, and the walk of the parent with the most
// children must visit each of them once, the same ones both ways.
func TestNestedPagesWithCursors(t *testing.T) {
	t.Parallel() // long, and its statements are counted on a client of its own
	cases := []walkCase{
		{"o2m", "seminars(first: 50)", "Seminar", "sessions", "", 2, false, false},
		{"o2m ordered", "seminars(first: 50)", "Seminar", "sessions", "orderBy: [{field: POSITION, direction: DESC}]", 2, false, false},
		{"o2m two fields", "seminars(first: 50)", "Seminar", "sessions", "orderBy: [{field: KIND}, {field: TITLE, direction: DESC}]", 2, false, false},
		{"m2m", "themes(first: 50)", "Theme", "outcomes", "", 3, false, false},
		{"m2m ordered", "themes(first: 50)", "Theme", "outcomes", "orderBy: [{field: TEXT, direction: DESC}]", 3, false, false},
		{"m2m two fields", "themes(first: 50)", "Theme", "outcomes", "orderBy: [{field: KIND}, {field: TEXT, direction: DESC}]", 3, false, false},
		{"appearances", "experts(first: 50)", "Expert", "appearances", "", 2, false, false},
		{"appearances by date", "experts(first: 50)", "Expert", "appearances", "orderBy: [{field: DATE}]", 2, false, false},
		{"appearances by date and role", "experts(first: 50)", "Expert", "appearances", "orderBy: [{field: DATE, direction: DESC}, {field: ROLE}]", 2, false, false},
		{"many parents", "outcomes(first: 100)", "Outcome", "municipalities", "orderBy: [{field: NAME}]", 1, false, true},
		{"memberships", "networkTerms(first: 50)", "NetworkTerm", "memberships", "", 5, true, false},
		{"memberships by status", "networkTerms(first: 50)", "NetworkTerm", "memberships", "orderBy: [{field: STATUS, direction: DESC}]", 5, true, false},
	}
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			walkNestedPages(t, d, cases)
		})
	}
}

func walkNestedPages(t *testing.T, dialect string, cases []walkCase) {
	type served struct {
		perParent, window *httptest.Server
		c                 counter
		dialect           string
	}
	serve := func(db *database.DB) served {
		client, c := countingClient(db)
		h := graph.NewHandler(client, graph.Config{Dialect: db.Dialect, Limits: graph.DefaultLimits})
		s := served{httptest.NewServer(h), httptest.NewServer(nestedpage.WindowHandler(h)), c, db.Dialect}
		t.Cleanup(s.perParent.Close)
		t.Cleanup(s.window.Close)
		return s
	}
	outer := t
	db := testdb.Open(t, dialect)
	if _, err := synth.Generate(context.Background(), db.Client(), synth.Options{Scale: 0.02, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	synthetic := serve(db)
	var seedSrv *served
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := synthetic
			if tc.seed {
				if seedSrv == nil {
					// The seed knowledge in a database of its own.
					db, _ := seededDB(outer, dialect)
					s := serve(db)
					seedSrv = &s
				}
				srv = *seedSrv
			}
			perParent, window, c := srv.perParent, srv.window, srv.c
			const sel = " { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } } }"
			var forwards []string
			for _, backwards := range []bool{false, true} {
				field := func(cursor string) string {
					args := fmt.Sprintf("first: %d", tc.size)
					if backwards {
						args = fmt.Sprintf("last: %d", tc.size)
					}
					if cursor != "" {
						if backwards {
							args += fmt.Sprintf(", before: %q", cursor)
						} else {
							args += fmt.Sprintf(", after: %q", cursor)
						}
					}
					if tc.order != "" {
						args += ", " + tc.order
					}
					return "c: " + tc.conn + "(" + args + ")" + sel
				}
				var walker string
				var walked [][]string
				total := 0
				cursor := ""
				for step := 0; ; step++ {
					if step > 200 {
						t.Fatal("the walk does not end")
					}
					query := "{ " + tc.parents + " { edges { node { id " + field(cursor) + " } } } }"
					c.reset()
					got := connPages(t, perParent, query)
					want := "CROSS JOIN LATERAL"
					if srv.dialect == "sqlite3" {
						want = "UNION ALL"
						if tc.sqliteWindow {
							want = "ROW_NUMBER()"
						}
					}
					if stmts := strings.Join(c.Statements(), "\n"); !strings.Contains(stmts, want) {
						t.Fatalf("no %s statement among:\n%s", want, stmts)
					}
					if ref := connPages(t, window, query); !reflect.DeepEqual(got, ref) {
						t.Fatalf("cursor %q: per-parent pages differ from the window function's:\ngot  %v\nwant %v", cursor, got, ref)
					}
					if walker == "" {
						for _, id := range slices.Sorted(maps.Keys(got)) {
							if walker == "" || got[id].TotalCount > got[walker].TotalCount {
								walker = id
							}
						}
						total = got[walker].TotalCount
						if total < 2*tc.size+1 {
							t.Fatalf("the parent with the most children has %d: the walk proves little", got[walker].TotalCount)
						}
					}
					// Each parent's page, the cursor applied to it alone.
					parents := slices.Sorted(maps.Keys(got))
					for len(parents) > 0 {
						n := min(len(parents), 10)
						var b strings.Builder
						b.WriteString("{")
						for i, id := range parents[:n] {
							fmt.Fprintf(&b, " p%d: node(id: %q) { id ... on %s { %s } }", i, id, tc.typ, field(cursor))
						}
						b.WriteString(" }")
						for id, p := range connPages(t, perParent, b.String()) {
							if !reflect.DeepEqual(p, got[id]) {
								t.Errorf("cursor %q, parent %s: nested %+v, alone %+v", cursor, id, got[id], p)
							}
						}
						parents = parents[n:]
					}
					for id, p := range got {
						if len(p.Edges) > tc.size {
							t.Fatalf("cursor %q, parent %s: %d children on a page of %d", cursor, id, len(p.Edges), tc.size)
						}
					}
					if t.Failed() {
						t.FailNow()
					}
					p := got[walker]
					walked = append(walked, p.ids())
					more := p.PageInfo.HasNextPage
					next := p.PageInfo.EndCursor
					if backwards {
						more, next = p.PageInfo.HasPreviousPage, p.PageInfo.StartCursor
					}
					if !more {
						break
					}
					if next == nil {
						t.Fatalf("cursor %q: parent %s has more children but no cursor", cursor, walker)
					}
					cursor = *next
				}
				if backwards {
					slices.Reverse(walked)
				}
				all := slices.Concat(walked...)
				if distinct := len(slices.Compact(slices.Sorted(slices.Values(all)))); distinct != len(all) || len(all) != total {
					t.Fatalf("walk of %s: %d children, %d distinct, totalCount %d", walker, len(all), distinct, total)
				}
				if backwards && !slices.Equal(all, forwards) {
					t.Fatalf("walk of %s: forwards %v, backwards %v", walker, forwards, all)
				}
				forwards = all
			}
		})
	}
}
