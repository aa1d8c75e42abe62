package graph_test

import (
	"context"
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// countStatements returns the statements of c that count.
func countStatements(c counter) []string {
	var out []string
	for _, s := range c.Statements() {
		if strings.Contains(strings.ToUpper(s), "COUNT(") {
			out = append(out, s)
		}
	}
	return out
}

// TestCountCacheNeverStale runs two server instances over the same database, through
// HTTP: a totalCount read on A is kept (the same request again sends no COUNT), and after
// a write on B, A counts again and sees the write; a count of another filter is its own.
func TestCountCacheNeverStale(t *testing.T) {
	const (
		themes   = `{ themes(first: 1, where: {nameHasPrefix: "Teema"}) { totalCount } }`
		outcomes = `{ themes(first: 1, where: {nameHasPrefix: "Teema"}, orderBy: [{field: SLUG}]) { edges { node { outcomes(first: 1) { totalCount } } } } }`
		other    = `{ themes(first: 1, where: {nameHasPrefix: "Teema 1"}) { totalCount } }`
	)
	type countResp struct {
		Themes struct {
			TotalCount int `json:"totalCount"`
		} `json:"themes"`
	}
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		clientA, c := countingClient(db)
		fillNested(t, clientA, 12, 3, 1)
		srvA := apiServer(t, clientA)
		// B: another instance, with its own connections, driver and caches.
		dbB, err := database.Open(context.Background(), db.URL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = dbB.Close() })
		srvB := apiServer(t, dbB.Client())

		count := func(query string, wantCounted bool) int {
			t.Helper()
			c.reset()
			var got countResp
			mustPost(t, srvA, query, nil, &got)
			if counted := len(countStatements(c)) > 0; counted != wantCounted {
				t.Fatalf("%s: COUNT sent %v, want %v; statements:\n%s", query, counted, wantCounted, strings.Join(c.Statements(), "\n"))
			}
			return got.Themes.TotalCount
		}
		if n := count(themes, true); n != 12 {
			t.Fatalf("totalCount %d, want 12", n)
		}
		if n := count(themes, false); n != 12 {
			t.Fatalf("cached totalCount %d, want 12", n)
		}
		if n := count(other, true); n != 3 { // Teema 1, 10, 11
			t.Fatalf("other filter: totalCount %d, want 3", n)
		}
		// A write on B, the other instance.
		mustPost(t, srvB, `mutation { createTheme(input: {slug: "theme-new", name: "Teema uusi"}) { id } }`, nil, nil)
		if n := count(themes, true); n != 13 {
			t.Fatalf("after a write on the other instance: totalCount %d, want 13", n)
		}
		if n := count(themes, false); n != 13 {
			t.Fatalf("cached again: totalCount %d, want 13", n)
		}
		// A write on A itself, through its own handler.
		mustPost(t, srvA, `mutation { createTheme(input: {slug: "theme-newer", name: "Teema uudempi"}) { id } }`, nil, nil)
		if n := count(themes, true); n != 14 {
			t.Fatalf("after a write on the same instance: totalCount %d, want 14", n)
		}
		// Nested counts are counted as before (not cached), and right.
		c.reset()
		var nested struct {
			Themes struct {
				Edges []struct {
					Node struct {
						Outcomes struct {
							TotalCount int `json:"totalCount"`
						} `json:"outcomes"`
					} `json:"node"`
				} `json:"edges"`
			} `json:"themes"`
		}
		mustPost(t, srvA, outcomes, nil, &nested)
		if len(nested.Themes.Edges) != 1 || nested.Themes.Edges[0].Node.Outcomes.TotalCount != 3 {
			t.Fatalf("nested totalCount: %+v", nested)
		}
	})
}

// TestCountCacheStatements: the second identical request sends no COUNT, and reads the
// version once (after it ran, to see that the version the handler read last held), so
// it costs the page and that read.
func TestCountCacheStatements(t *testing.T) {
	const q = `{ outcomes(first: 5, where: {hasThemesWith: [{slug: "theme-1"}]}) { totalCount edges { node { id } } } }`
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		client, c := countingClient(db)
		fillNested(t, client, 3, 7, 1)
		srv := apiServer(t, client)
		var statements []int
		for i := range 2 {
			c.reset()
			r := post(t, srv, q, nil, nil)
			if len(r.Errors) > 0 {
				t.Fatalf("errors: %+v", r.Errors)
			}
			if _, ok := r.Extensions["version"]; !ok {
				t.Fatalf("request %d: no extensions.version", i)
			}
			versions := 0
			for _, s := range c.Statements() {
				if strings.Contains(s, "knowledge_base") {
					versions++
				}
			}
			// The handler's first request reads the version before and after it runs;
			// later ones start from the version the handler read last, and read it after.
			if want := 2 - i; versions != want {
				t.Fatalf("request %d read the version %d times, want %d:\n%s", i, versions, want, strings.Join(c.Statements(), "\n"))
			}
			if counted := len(countStatements(c)); counted != 1-i {
				t.Fatalf("request %d sent %d COUNT statements, want %d", i, counted, 1-i)
			}
			statements = append(statements, c.Total())
		}
		if statements[1] != statements[0]-2 {
			t.Fatalf("statements %v: the second request should cost two fewer (no COUNT, no version before)", statements)
		}
	})
}
