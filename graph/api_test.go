package graph_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/docs"
	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/history"
	"github.com/teemaverkko/teemaverkko/internal/search"
	"github.com/teemaverkko/teemaverkko/internal/seed"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// seededTemplate is a database with the search index and the seed knowledge, loaded
// once per dialect with the history recorded, as the server does before it seeds.
var seededTemplate = testdb.NewTemplate("seeded", func(ctx context.Context, db *database.DB) error {
	client := db.Client()
	history.Use(client)
	if err := search.Migrate(ctx, db); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	if err := seed.Run(ctx, client, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	return nil
})

// seededDB returns a fresh database of the dialect with the search index and the seed
// knowledge (a copy of seededTemplate), and a client over it that records the history
// as the server's does.
func seededDB(t *testing.T, dialect string) (*database.DB, *ent.Client) {
	t.Helper()
	db := seededTemplate.Open(t, dialect)
	client := db.Client()
	history.Use(client)
	return db, client
}

// eachSeeded runs fn once per database, as subtests named "sqlite" and "postgres", each
// with a fresh database of its own loaded with the seed knowledge, as seededDB gives.
func eachSeeded(t *testing.T, fn func(t *testing.T, db *database.DB, client *ent.Client)) {
	t.Helper()
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			db, client := seededDB(t, d)
			fn(t, db, client)
		})
	}
}

// seeded returns an API server over a fresh database of the dialect loaded with the
// seed knowledge.
func seeded(t *testing.T, dialect string) *httptest.Server {
	t.Helper()
	_, client := seededDB(t, dialect)
	return apiServer(t, client)
}

type page struct {
	TotalCount int
	PageInfo   struct {
		HasNextPage, HasPreviousPage bool
		StartCursor, EndCursor       string
	}
	Edges []struct {
		Cursor string
		Node   map[string]any
	}
}

func (p page) strings(field string) []string {
	var out []string
	for _, e := range p.Edges {
		s, _ := e.Node[field].(string)
		out = append(out, s)
	}
	return out
}

// TestAPI exercises the API over the seed knowledge on both databases.
func TestAPI(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, client *ent.Client) {
		srv := apiServer(t, client)

		t.Run("every connection", func(t *testing.T) {
			for _, tc := range []struct {
				field, sel string
				min        int
			}{
				{"regions", "code name nameSv", 19},
				{"municipalities", "code name nameSv validFrom validTo", 320},
				{"organizations", "name kind", 5},
				{"experts", "name title titleEn", 12},
				{"networks", "name description", 1},
				{"networkTerms", "number startYear endYear", 6},
				{"seminars", "title date venue", 1},
				{"sessions", "position kind title", 7},
				{"themes", "slug name nameEn", 20},
				{"outcomes", "kind text quote", 11},
				{"documents", "key title kind publishedOn publishedOnPrecision", 10},
			} {
				t.Run(tc.field, func(t *testing.T) {
					var data map[string]page
					mustPost(t, srv, `{ `+tc.field+`(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id `+tc.sel+` } } } }`, nil, &data)
					p := data[tc.field]
					if p.TotalCount < tc.min {
						t.Errorf("totalCount = %d, want at least %d", p.TotalCount, tc.min)
					}
					if want := min(2, p.TotalCount); len(p.Edges) != want || p.PageInfo.HasNextPage != (p.TotalCount > 2) {
						t.Errorf("got %d edges (hasNextPage %v) of %d, want %d", len(p.Edges), p.PageInfo.HasNextPage, p.TotalCount, want)
					}
				})
			}
		})

		t.Run("pagination both directions", func(t *testing.T) {
			const q = `query($first: Int, $after: Cursor, $last: Int, $before: Cursor) {
			  municipalities(first: $first, after: $after, last: $last, before: $before, orderBy: [{field: CODE}]) {
			    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { code } } } }`
			var p1, p2, back struct{ Municipalities page }
			mustPost(t, srv, q, map[string]any{"first": 5}, &p1)
			mustPost(t, srv, q, map[string]any{"first": 5, "after": p1.Municipalities.PageInfo.EndCursor}, &p2)
			mustPost(t, srv, q, map[string]any{"last": 5, "before": p2.Municipalities.PageInfo.StartCursor}, &back)
			if got, want := strings.Join(p1.Municipalities.strings("code"), ","), "005,009,010,016,018"; got != want {
				t.Errorf("first page = %s, want %s", got, want)
			}
			if got, want := strings.Join(p2.Municipalities.strings("code"), ","), "019,020,035,043,046"; got != want {
				t.Errorf("second page = %s, want %s", got, want)
			}
			if !slices.Equal(back.Municipalities.strings("code"), p1.Municipalities.strings("code")) {
				t.Errorf("backwards from page 2 = %v, want page 1 %v", back.Municipalities.strings("code"), p1.Municipalities.strings("code"))
			}
			if !p2.Municipalities.PageInfo.HasNextPage || !back.Municipalities.PageInfo.HasNextPage {
				t.Errorf("pageInfo: want next pages, got %+v / %+v", p2.Municipalities.PageInfo, back.Municipalities.PageInfo)
			}
			var lastPage struct{ Municipalities page }
			mustPost(t, srv, q, map[string]any{"last": 3}, &lastPage)
			if got, want := strings.Join(lastPage.Municipalities.strings("code"), ","), "981,989,992"; got != want {
				t.Errorf("last page = %s, want %s", got, want)
			}
			if lastPage.Municipalities.PageInfo.HasNextPage || !lastPage.Municipalities.PageInfo.HasPreviousPage {
				t.Errorf("last page pageInfo = %+v", lastPage.Municipalities.PageInfo)
			}
		})

		t.Run("default and maximum page size", func(t *testing.T) {
			var data struct{ Municipalities page }
			mustPost(t, srv, `{ municipalities { totalCount edges { node { code } } } }`, nil, &data)
			if len(data.Municipalities.Edges) != 20 || data.Municipalities.TotalCount != 320 {
				t.Errorf("default page: %d edges of %d, want 20 of 320", len(data.Municipalities.Edges), data.Municipalities.TotalCount)
			}
			var nested struct{ Regions page }
			mustPost(t, srv, `{ regions(where: {code: "01"}) { edges { node { municipalities { edges { node { code } } } } } } }`, nil, &nested)
			inner, _ := nested.Regions.Edges[0].Node["municipalities"].(map[string]any)
			if edges, _ := inner["edges"].([]any); len(edges) != 20 {
				t.Errorf("nested default page: %d edges, want 20", len(edges))
			}
			for _, q := range []string{
				`{ municipalities(first: 101) { totalCount } }`,
				`{ regions(first: 1) { edges { node { municipalities(last: 500) { totalCount } } } } }`,
				`{ municipalities(first: -1) { totalCount } }`,
			} {
				r := post(t, srv, q, nil, nil)
				if r.code() != "VALIDATION" || string(r.Data) != "null" && len(r.Data) > 0 {
					t.Errorf("%s: code %q data %s, want VALIDATION and no data", q, r.code(), r.Data)
				}
			}
			r := post(t, srv, `query($n: Int) { municipalities(first: $n) { totalCount } }`, map[string]any{"n": 1000}, nil)
			if r.code() != "VALIDATION" || r.Errors[0].Extensions["field"] != "first" {
				t.Errorf("first from a variable: got %+v, want VALIDATION on first", r.Errors)
			}
		})

		t.Run("filters through edges and ordering", func(t *testing.T) {
			var data struct{ Municipalities page }
			mustPost(t, srv, `{ municipalities(where: {hasRegionWith: {code: "17"}}, first: 100, orderBy: [{field: NAME, direction: DESC}]) {
			  totalCount edges { node { name } } } }`, nil, &data)
			names := data.Municipalities.strings("name")
			if data.Municipalities.TotalCount != 30 || len(names) != 30 || !slices.Contains(names, "Nivala") {
				t.Errorf("region 17: %d municipalities %v, want 30 with Nivala", data.Municipalities.TotalCount, names)
			}
			if !sort.IsSorted(sort.Reverse(sort.StringSlice(names))) {
				t.Errorf("not in descending name order: %v", names)
			}
			var oc struct{ Outcomes page }
			mustPost(t, srv, `{ outcomes(where: {hasThemesWith: {slug: "kelluvat-kunnat"}}) { totalCount edges { node { text quote } } } }`, nil, &oc)
			if oc.Outcomes.TotalCount < 1 || !strings.Contains(oc.Outcomes.Edges[0].Node["quote"].(string), "kelluvien kuntien") {
				t.Errorf("outcomes on kelluvat-kunnat: %+v", oc.Outcomes)
			}
			// Two order fields: kind first, then position descending.
			var ss struct{ Sessions page }
			mustPost(t, srv, `{ sessions(orderBy: [{field: KIND}, {field: POSITION, direction: DESC}]) { edges { node { kind position } } } }`, nil, &ss)
			var keys []string
			for _, e := range ss.Sessions.Edges {
				keys = append(keys, e.Node["kind"].(string))
			}
			if !sort.StringsAreSorted(keys) {
				t.Errorf("sessions not ordered by kind: %v", keys)
			}
			var prev struct {
				kind string
				pos  float64
			}
			for _, e := range ss.Sessions.Edges {
				k, p := e.Node["kind"].(string), e.Node["position"].(float64)
				if k == prev.kind && p > prev.pos {
					t.Errorf("within %s, position %v after %v: not descending", k, p, prev.pos)
				}
				prev.kind, prev.pos = k, p
			}
		})

		t.Run("node and nodes for every type", func(t *testing.T) {
			var data map[string]page
			types := map[string]string{
				"regions": "Region", "municipalities": "Municipality", "organizations": "Organization",
				"experts": "Expert", "networks": "Network", "networkTerms": "NetworkTerm", "seminars": "Seminar",
				"sessions": "Session", "themes": "Theme", "outcomes": "Outcome", "documents": "Document",
			}
			var q strings.Builder
			q.WriteString("{")
			for f := range types {
				q.WriteString(f + `(first: 1) { edges { node { id } } } `)
			}
			q.WriteString(`municipalities(first: 1) { edges { node { id periods { id } } } } }`)
			mustPost(t, srv, q.String(), nil, &data)
			var ids []any
			for f, typ := range types {
				id := data[f].Edges[0].Node["id"].(string)
				ids = append(ids, id)
				var n struct {
					Node map[string]any
				}
				mustPost(t, srv, `query($id: ID!) { node(id: $id) { __typename id } }`, map[string]any{"id": id}, &n)
				if n.Node["__typename"] != typ || n.Node["id"] != id {
					t.Errorf("node(%s) = %v, want a %s", id, n.Node, typ)
				}
			}
			var ns struct{ Nodes []map[string]any }
			mustPost(t, srv, `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, map[string]any{"ids": ids}, &ns)
			for i, n := range ns.Nodes {
				if n["id"] != ids[i] {
					t.Errorf("nodes[%d] = %v, want id %v", i, n, ids[i])
				}
			}
			// A well-formed ID that names nothing is null; a malformed one is refused.
			var missing struct{ Node map[string]any }
			mustPost(t, srv, `{ node(id: "th01ARZ3NDEKTSV4RRFFQ69G5FAV") { id } }`, nil, &missing)
			if missing.Node != nil {
				t.Errorf("node of a missing ID = %v, want null", missing.Node)
			}
			if r := post(t, srv, `{ node(id: "42") { id } }`, nil, nil); r.code() == "" || r.code() == "INTERNAL" {
				t.Errorf("malformed ID: errors %+v, want a client error code", r.Errors)
			}
		})

		t.Run("every edge from both ends", func(t *testing.T) {
			var data struct {
				Themes page
			}
			mustPost(t, srv, `{ themes(where: {slug: "muutosten-johtaminen-valitilassa"}) { edges { node {
			  parent { slug children { edges { node { slug } } } }
			  sessions { edges { node { kind seminar { title themes { totalCount } } } } }
			} } } }`, nil, &data)
			if len(data.Themes.Edges) != 1 {
				t.Fatalf("theme not found")
			}
			parent := data.Themes.Edges[0].Node["parent"].(map[string]any)
			if parent["slug"] != "muutosten-johtaminen" {
				t.Errorf("parent = %v", parent)
			}
		})

		t.Run("example queries of docs/queries", func(t *testing.T) {
			for _, q := range docs.Queries() {
				t.Run(q.Name, func(t *testing.T) {
					var data map[string]any
					mustPost(t, srv, q.Text, nil, &data)
					for field, v := range data {
						conn, _ := v.(map[string]any)
						if edges, _ := conn["edges"].([]any); len(edges) == 0 {
							t.Errorf("%s: %s returned no edges: %s", q.Name, field, mustJSON(data))
						}
					}
				})
			}
		})
	})
}
