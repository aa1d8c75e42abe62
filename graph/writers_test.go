package graph_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent/outcome"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// TestConcurrentWritersKeepTheRules: two writers whose changes pass their checks alone
// but break a rule together (an outcome created citing a document that another request
// deletes; two themes each made the other's parent) never both commit, on PostgreSQL
// where writers run at once, as on SQLite where they take turns.
func TestConcurrentWritersKeepTheRules(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		client := db.Client()
		srv := apiServer(t, client)
		var sem struct{ CreateSeminar struct{ ID string } }
		mustPost(t, srv, `mutation { createSeminar(input: {title: "Kilpa", date: "2024-01-01"}) { id } }`, nil, &sem)
		both := func(a, b func() error) {
			var wg sync.WaitGroup
			wg.Go(func() { _ = a() })
			wg.Go(func() { _ = b() })
			wg.Wait()
		}
		for i := range 12 {
			var d struct{ CreateDocument struct{ ID string } }
			mustPost(t, srv, fmt.Sprintf(`mutation { createDocument(input: {key: "kilpa-%d", title: "D", kind: MEMO}) { id } }`, i), nil, &d)
			both(func() error {
				_, err := postRaw(srv, editorToken, `mutation($s: ID!, $d: ID!) { createOutcome(input: {kind: INSIGHT, text: "kilpa", seminarID: $s, sourceIDs: [$d]}) { id } }`,
					map[string]any{"s": sem.CreateSeminar.ID, "d": d.CreateDocument.ID})
				return err
			}, func() error {
				_, err := postRaw(srv, adminToken, `mutation($d: ID!) { deleteDocument(id: $d) }`, map[string]any{"d": d.CreateDocument.ID})
				return err
			})

			var a, b struct{ CreateTheme struct{ ID string } }
			mustPost(t, srv, fmt.Sprintf(`mutation { createTheme(input: {slug: "kilpa-a%d", name: "A"}) { id } }`, i), nil, &a)
			mustPost(t, srv, fmt.Sprintf(`mutation { createTheme(input: {slug: "kilpa-b%d", name: "B"}) { id } }`, i), nil, &b)
			parent := func(child, p string) func() error {
				return func() error {
					_, err := postRaw(srv, editorToken, `mutation($c: ID!, $p: ID!) { updateTheme(id: $c, input: {parentID: $p}) { id } }`, map[string]any{"c": child, "p": p})
					return err
				}
			}
			both(parent(a.CreateTheme.ID, b.CreateTheme.ID), parent(b.CreateTheme.ID, a.CreateTheme.ID))
		}
		if n := client.Outcome.Query().Where(outcome.Not(outcome.HasSources())).CountX(ctx); n != 0 {
			t.Errorf("%d outcomes cite no source after racing deletes of their source", n)
		}
		for _, th := range client.Theme.Query().AllX(ctx) {
			seen := map[string]bool{}
			for id := th.ID; ; {
				if seen[string(id)] {
					t.Fatalf("a cycle of themes through %s", id)
				}
				seen[string(id)] = true
				p := client.Theme.GetX(ctx, id).ParentID
				if p == nil {
					break
				}
				id = *p
			}
		}
	})
}
