package graph_test

import (
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/internal/database"
)

const searchQuery = `query($q: String!, $types: [SearchType!], $first: Int, $after: Cursor) {
  search(query: $q, types: $types, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { type score snippet node { __typename id ... on Outcome { quote } ... on Theme { slug } } } }
  } }`

type searchResult struct {
	Search struct {
		TotalCount int
		PageInfo   struct {
			HasNextPage bool
			EndCursor   string
		}
		Edges []struct {
			Node struct {
				Type    string
				Score   float64
				Snippet string
				Node    map[string]any
			}
		}
	}
}

// TestSearchAPI searches the seed knowledge through the API on both databases:
// Finnish forms, types, pagination, snippets, a write found at once, and bad input.
func TestSearchAPI(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, client *ent.Client) {
		srv := apiServer(t, client)
		var r searchResult
		mustPost(t, srv, searchQuery, map[string]any{"q": "kelluvat kunnat"}, &r)
		found := false
		for _, e := range r.Search.Edges {
			if q, _ := e.Node.Node["quote"].(string); strings.Contains(q, "kelluvien kuntien") {
				found = true
				if !strings.Contains(e.Node.Snippet, "<mark>") {
					t.Errorf("snippet without highlight: %q", e.Node.Snippet)
				}
			}
		}
		if !found {
			t.Errorf("'kelluvat kunnat' does not find the outcome on floating municipalities: %+v", r.Search.Edges)
		}

		mustPost(t, srv, searchQuery, map[string]any{"q": "välitila", "types": []string{"THEME"}}, &r)
		if len(r.Search.Edges) == 0 || r.Search.Edges[0].Node.Type != "THEME" {
			t.Errorf("välitila as a theme: %+v", r.Search.Edges)
		}
		for _, e := range r.Search.Edges {
			if e.Node.Type != "THEME" {
				t.Errorf("type filter let a %s through", e.Node.Type)
			}
		}

		mustPost(t, srv, searchQuery, map[string]any{"q": "Uleåborg"}, &r)
		if len(r.Search.Edges) == 0 || r.Search.Edges[0].Node.Node["__typename"] != "Municipality" {
			t.Errorf("the Swedish name Uleåborg does not find Oulu: %+v", r.Search.Edges)
		}

		// Two pages of a broad search, without overlap.
		var p1, p2 searchResult
		mustPost(t, srv, searchQuery, map[string]any{"q": "kunta", "first": 3}, &p1)
		if !p1.Search.PageInfo.HasNextPage || len(p1.Search.Edges) != 3 {
			t.Fatalf("first page: %+v", p1.Search)
		}
		mustPost(t, srv, searchQuery, map[string]any{"q": "kunta", "first": 3, "after": p1.Search.PageInfo.EndCursor}, &p2)
		seen := map[any]bool{}
		for _, e := range append(p1.Search.Edges, p2.Search.Edges...) {
			if seen[e.Node.Node["id"]] {
				t.Errorf("hit %v on both pages", e.Node.Node["id"])
			}
			seen[e.Node.Node["id"]] = true
		}

		// A write is searchable at once.
		mustPost(t, srv, `mutation { createTheme(input: {slug: "osallistuva-budjetointi", name: "Osallistuva budjetointi"}) { id } }`, nil, nil)
		mustPost(t, srv, searchQuery, map[string]any{"q": "budjetointi"}, &r)
		if len(r.Search.Edges) != 1 || r.Search.Edges[0].Node.Node["slug"] != "osallistuva-budjetointi" {
			t.Errorf("a new theme is not found: %+v", r.Search.Edges)
		}

		if r := post(t, srv, searchQuery, map[string]any{"q": ""}, nil); r.code() != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != "query" {
			t.Errorf("empty search: %+v, want BAD_USER_INPUT on the field query", r.Errors)
		}
		for _, tc := range []struct {
			q, code string
		}{
			{"", "BAD_USER_INPUT"},
			{"   ", "BAD_USER_INPUT"},
			{strings.Repeat("kunta ", 2000), "BAD_USER_INPUT"},
			{"!!!", ""},
			{`"unbalanced`, ""},
			{"'; DROP TABLE themes; --", ""},
			{"NEAR(a b) AND OR NOT *", ""},
		} {
			res := post(t, srv, searchQuery, map[string]any{"q": tc.q}, nil)
			if res.code() != tc.code {
				t.Errorf("search %.40q: code %q (%+v), want %q", tc.q, res.code(), res.Errors, tc.code)
			}
		}
		if res := post(t, srv, searchQuery, map[string]any{"q": "kunta", "after": "garbage"}, nil); res.code() != "BAD_USER_INPUT" {
			t.Errorf("a bad cursor: %+v", res.Errors)
		}

		// Dates: seminars held in the range (and their sessions and outcomes) only.
		const dated = `query($q: String!, $from: Date, $to: Date) { search(query: $q, from: $from, to: $to, types: [SEMINAR], first: 50) {
			totalCount totalCountIsLowerBound edges { node { node { ... on Seminar { title date } } } } } }`
		var d struct {
			Search struct {
				TotalCount             int
				TotalCountIsLowerBound bool
				Edges                  []struct {
					Node struct{ Node struct{ Title, Date string } }
				}
			}
		}
		mustPost(t, srv, dated, map[string]any{"q": "seminaari", "from": "2017-01-01", "to": "2017-12-31"}, &d)
		if len(d.Search.Edges) == 0 || d.Search.TotalCountIsLowerBound {
			t.Errorf("no seminar of 2017: %+v", d.Search)
		}
		for _, e := range d.Search.Edges {
			if !strings.HasPrefix(e.Node.Node.Date, "2017") {
				t.Errorf("a seminar of %s in 2017's search", e.Node.Node.Date)
			}
		}
		if res := post(t, srv, dated, map[string]any{"q": "seminaari", "from": "2017-13-01"}, nil); res.code() != "BAD_USER_INPUT" {
			t.Errorf("a bad date: %+v", res.Errors)
		}

		// The syntax: a phrase puts the theme of that name first and leaves out the
		// theme whose name only starts the same way.
		mustPost(t, srv, searchQuery, map[string]any{"q": `"tulevaisuuden kunta"`, "types": []string{"THEME"}}, &r)
		if len(r.Search.Edges) == 0 || r.Search.Edges[0].Node.Node["slug"] != "tulevaisuuden-kunta" {
			t.Errorf("the phrase does not put Tulevaisuuden kunta first: %+v", r.Search.Edges)
		}
	})
}

// TestSearchCountAfterWrite: a search's count is kept until the next write, and a write
// (through the API, on this instance) moves it on: paging and repeating a search give
// the count of the version they read, never an older one.
func TestSearchCountAfterWrite(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, client *ent.Client) {
		srv := apiServer(t, client)
		const q = `query($q: String!) { search(query: $q, first: 1) { totalCount pageInfo { endCursor } } }`
		count := func() int {
			var out struct{ Search struct{ TotalCount int } }
			mustPost(t, srv, q, map[string]any{"q": "sammakkolampi"}, &out)
			return out.Search.TotalCount
		}
		for i := range 3 {
			if got := count(); got != i {
				t.Fatalf("before write %d: totalCount %d, want %d", i+1, got, i)
			}
			if got := count(); got != i { // the kept count
				t.Fatalf("again before write %d: totalCount %d, want %d", i+1, got, i)
			}
			mustPost(t, srv, `mutation($slug: String!, $name: String!) { createTheme(input: {slug: $slug, name: $name}) { id } }`,
				map[string]any{"slug": "sammakkolampi-" + itoa(i), "name": "Sammakkolampi " + itoa(i)}, nil)
		}
		if got := count(); got != 3 {
			t.Errorf("after three writes: totalCount %d, want 3", got)
		}
	})
}

// TestSearchFirstZero: first: 0 is an empty page, as on every connection, with the count
// and whether hits follow; the search package's own 0 (its default page) does not leak
// through.
func TestSearchFirstZero(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, client *ent.Client) {
		srv := apiServer(t, client)
		for _, tc := range []struct {
			q    string
			next bool
		}{{"kunta", true}, {"sammakkolampi", false}} {
			var out struct {
				Search struct {
					TotalCount int
					PageInfo   struct {
						HasNextPage bool
						EndCursor   *string
					}
					Edges []any
				}
			}
			mustPost(t, srv, `query($q: String!) { search(query: $q, first: 0) { totalCount pageInfo { hasNextPage endCursor } edges { cursor } } }`, map[string]any{"q": tc.q}, &out)
			s := out.Search
			if len(s.Edges) != 0 || s.PageInfo.EndCursor != nil || s.PageInfo.HasNextPage != tc.next || (s.TotalCount > 0) != tc.next {
				t.Errorf("%q first 0: %d edges, endCursor %v, hasNextPage %v, totalCount %d; want none, none, %v", tc.q, len(s.Edges), s.PageInfo.EndCursor, s.PageInfo.HasNextPage, s.TotalCount, tc.next)
			}
		}
	})
}
