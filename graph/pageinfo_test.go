package graph_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// TestPageInfoWithoutCount checks that a connection counts its rows only when totalCount
// is asked for: pageInfo comes from the page's own rows, with or without edges, and is
// right, at the top level and nested, forwards and backwards.
func TestPageInfoWithoutCount(t *testing.T) {
	cases := []struct {
		name, query string
		count       bool   // whether a COUNT statement is expected
		want        string // the JSON response must contain this
	}{
		{"first page", `{ themes(first: 2) { pageInfo { hasNextPage hasPreviousPage } edges { node { id } } } }`,
			false, `"pageInfo":{"hasNextPage":true,"hasPreviousPage":false}`},
		{"whole list", `{ themes(first: 100) { pageInfo { hasNextPage } edges { node { id } } } }`,
			false, `"pageInfo":{"hasNextPage":false}`},
		{"last", `{ themes(last: 2) { pageInfo { hasNextPage hasPreviousPage } edges { node { id } } } }`,
			false, `"pageInfo":{"hasNextPage":false,"hasPreviousPage":true}`},
		{"nested", `{ themes(first: 1) { edges { node { outcomes(first: 2) { pageInfo { hasNextPage } edges { node { id } } } } } } }`,
			false, `"pageInfo":{"hasNextPage":true}`},
		{"nested whole", `{ themes(first: 1) { edges { node { outcomes(first: 100) { pageInfo { hasNextPage } edges { node { id } } } } } } }`,
			false, `"pageInfo":{"hasNextPage":false}`},
		{"totalCount", `{ themes(first: 2) { totalCount pageInfo { hasNextPage } edges { node { id } } } }`,
			true, `"totalCount":12`},
		{"pageInfo alone", `{ themes(first: 2) { pageInfo { hasNextPage } } }`,
			false, `"pageInfo":{"hasNextPage":true}`},
		{"pageInfo alone, last", `{ themes(last: 100) { pageInfo { hasNextPage hasPreviousPage } } }`,
			false, `"pageInfo":{"hasNextPage":false,"hasPreviousPage":false}`},
		{"nested pageInfo alone", `{ themes(first: 1) { edges { node { outcomes(first: 2) { pageInfo { hasNextPage } } } } } }`,
			false, `"pageInfo":{"hasNextPage":true}`},
		// Another filter than the case above: that count is kept by the count cache.
		{"totalCount alone", `{ themes(first: 2, where: {nameNEQ: ""}) { totalCount } }`,
			true, `"totalCount":12`},
	}
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		client, c := countingClient(db)
		fillNested(t, client, 12, 9, 2)
		srv := apiServer(t, client)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				c.reset()
				var data any
				mustPost(t, srv, tc.query, nil, &data)
				if got := string(mustJSON(data)); !strings.Contains(got, tc.want) {
					t.Fatalf("response %s lacks %s", got, tc.want)
				}
				counted := false
				for _, s := range c.Statements() {
					if strings.Contains(strings.ToUpper(s), "COUNT(") {
						counted = true
					}
				}
				if counted != tc.count {
					t.Fatalf("COUNT statement sent: %v, want %v; statements:\n%s", counted, tc.count, strings.Join(c.Statements(), "\n"))
				}
			})
		}
	})
}

// TestPageInfoWithoutEdges checks that pageInfo does not depend on whether edges is
// selected beside it: the same cursors and hasNextPage/hasPreviousPage, at the top level
// and nested, on the first page and after or before a cursor, forwards and backwards.
func TestPageInfoWithoutEdges(t *testing.T) {
	const pageInfo = `pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		client := db.Client()
		fillNested(t, client, 12, 9, 2)
		srv := apiServer(t, client)
		// The cursors to page from: those of the second theme, and of the second outcome of
		// the first theme.
		var first struct {
			Themes struct {
				Edges []struct {
					Cursor string
					Node   struct {
						Outcomes struct{ Edges []struct{ Cursor string } }
					}
				}
			}
		}
		mustPost(t, srv, `{ themes(first: 2) { edges { cursor node { outcomes(first: 2) { edges { cursor } } } } } }`, nil, &first)
		theme := first.Themes.Edges[1].Cursor
		outcome := first.Themes.Edges[0].Node.Outcomes.Edges[1].Cursor
		for _, tc := range []struct {
			name, query string // the query, %s where pageInfo (and edges) go
			want        string
		}{
			{"first", `{ c: themes(first: 2) { %s } }`, `"hasNextPage":true,"hasPreviousPage":false`},
			{"after", `{ c: themes(first: 2, after: "` + theme + `") { %s } }`, `"hasNextPage":true,"hasPreviousPage":true`},
			{"whole list", `{ c: themes(first: 100) { %s } }`, `"hasNextPage":false,"hasPreviousPage":false`},
			{"last before", `{ c: themes(last: 1, before: "` + theme + `") { %s } }`, `"hasNextPage":true,"hasPreviousPage":false`},
			{"ordered", `{ c: themes(first: 3, orderBy: [{field: NAME, direction: DESC}]) { %s } }`, `"hasNextPage":true,"hasPreviousPage":false`},
			{"nested", `{ themes(first: 3) { edges { node { c: outcomes(first: 2) { %s } } } } }`, `"hasNextPage":true,"hasPreviousPage":false`},
			{"nested after", `{ themes(first: 3) { edges { node { c: outcomes(first: 2, after: "` + outcome + `") { %s } } } } }`, `"hasNextPage":true,"hasPreviousPage":true`},
			{"nested last", `{ themes(first: 3) { edges { node { c: outcomes(last: 4) { %s } } } } }`, `"hasNextPage":false,"hasPreviousPage":true`},
			{"nested whole", `{ themes(first: 3) { edges { node { c: outcomes(first: 100) { %s } } } } }`, `"hasNextPage":false,"hasPreviousPage":false`},
			{"nested with totalCount", `{ themes(first: 3) { edges { node { c: outcomes(first: 2) { totalCount %s } } } } }`, `"hasNextPage":true,"hasPreviousPage":false`},
			{"one parent", `{ themes(first: 1) { edges { node { c: outcomes(first: 2) { %s } } } } }`, `"hasNextPage":true,"hasPreviousPage":false`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				// pageInfo of every connection c in the response, in order.
				pageInfos := func(sel string) []any {
					var data any
					mustPost(t, srv, fmt.Sprintf(tc.query, sel), nil, &data)
					var out []any
					var walk func(v any)
					walk = func(v any) {
						switch v := v.(type) {
						case []any:
							for _, e := range v {
								walk(e)
							}
						case map[string]any:
							if c, ok := v["c"].(map[string]any); ok {
								out = append(out, c["pageInfo"])
								return
							}
							for _, k := range slices.Sorted(maps.Keys(v)) {
								walk(v[k])
							}
						}
					}
					walk(data)
					return out
				}
				alone := pageInfos(pageInfo)
				withEdges := pageInfos(pageInfo + ` edges { cursor }`)
				if len(alone) == 0 {
					t.Fatal("no connection in the response")
				}
				if got, want := string(mustJSON(alone)), string(mustJSON(withEdges)); got != want {
					t.Fatalf("pageInfo without edges %s, with edges %s", got, want)
				}
				for _, p := range alone {
					got := string(mustJSON(p))
					if !strings.Contains(got, tc.want) {
						t.Errorf("pageInfo %s lacks %s", got, tc.want)
					}
					if strings.Contains(got, `"endCursor":null`) || strings.Contains(got, `"startCursor":null`) {
						t.Errorf("pageInfo %s lacks a cursor", got)
					}
				}
			})
		}
	})
}
