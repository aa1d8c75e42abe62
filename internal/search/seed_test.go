package search_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent/municipality"
	"github.com/teemaverkko/teemaverkko/ent/outcome"
	"github.com/teemaverkko/teemaverkko/ent/theme"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/search"
	"github.com/teemaverkko/teemaverkko/internal/seed"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// seeded returns a database of the dialect with the seed knowledge, indexed: seeded
// first and indexed by Migrate's initial fill when migrateFirst is false, indexed by
// the triggers while seeding when it is true.
func seeded(tb testing.TB, dia string, migrateFirst bool) *database.DB {
	tb.Helper()
	ctx := context.Background()
	db := testdb.Open(tb, dia)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if migrateFirst {
		if err := search.Migrate(ctx, db); err != nil {
			tb.Fatalf("Migrate: %v", err)
		}
	}
	if err := seed.Run(ctx, db.Client(), logger); err != nil {
		tb.Fatalf("seed: %v", err)
	}
	if err := search.Migrate(ctx, db); err != nil {
		tb.Fatalf("Migrate: %v", err)
	}
	return db
}

// TestSeed checks the index of the real seed knowledge, filled both ways.
func TestSeed(t *testing.T) {
	for _, dia := range testdb.Dialects {
		for _, migrateFirst := range []bool{false, true} {
			name := dia + "/seed-then-migrate"
			if migrateFirst {
				name = dia + "/migrate-then-seed"
			}
			t.Run(name, func(t *testing.T) {
				db := seeded(t, dia, migrateFirst)
				ctx := context.Background()
				c := db.Client()
				find := func(q search.Query, id string) search.Hit {
					t.Helper()
					q.First = 100
					rs, err := search.Search(ctx, db, q)
					if err != nil {
						t.Fatalf("%q: %v", q.Text, err)
					}
					for _, h := range rs.Hits {
						if h.ID == id {
							return h
						}
					}
					t.Errorf("%q did not find %s among %d hits", q.Text, id, rs.TotalCount)
					return search.Hit{}
				}

				// The outcomes that quote "kelluvien kuntien".
				ocs, err := c.Outcome.Query().Where(outcome.QuoteContains("kelluvien kuntien")).All(ctx)
				if err != nil || len(ocs) == 0 {
					t.Fatalf("the kelluvien kuntien outcome: %d, %v", len(ocs), err)
				}
				for _, oc := range ocs {
					h := find(search.Query{Text: "kelluvat"}, string(oc.ID))
					if !strings.Contains(h.Snippet, "<mark>") {
						t.Errorf("kelluvat: snippet %q has no mark", h.Snippet)
					}
					find(search.Query{Text: "kelluvat kunnat", Types: []search.Type{search.Outcome}}, string(oc.ID))
				}

				// The theme of the in-between state.
				ths, err := c.Theme.Query().Where(theme.NameContains("välitilassa")).All(ctx)
				if err != nil || len(ths) == 0 {
					t.Fatalf("the välitila theme: %d, %v", len(ths), err)
				}
				for _, th := range ths {
					h := find(search.Query{Text: "välitila"}, string(th.ID))
					if !strings.Contains(h.Snippet, "<mark>välitilassa</mark>") {
						t.Errorf("välitila: snippet %q", h.Snippet)
					}
					find(search.Query{Text: "valitila", Types: []search.Type{search.Theme}}, string(th.ID))
				}

				// Swedish names of municipalities.
				oulu, err := c.Municipality.Query().Where(municipality.Name("Oulu")).Only(ctx)
				if err != nil {
					t.Fatalf("Oulu: %v", err)
				}
				find(search.Query{Text: "Uleåborg"}, string(oulu.ID))

				// The kickoff's outcome about the in-between state, within the kickoff.
				vt, err := c.Outcome.Query().Where(outcome.QuoteContains("ovat nyt välitilassa")).First(ctx)
				if err != nil {
					t.Fatalf("the välitilassa outcome: %v", err)
				}
				find(search.Query{Text: "välitila", SeminarIDs: []string{string(vt.SeminarID)}}, string(vt.ID))

				// Every row of every searchable table is indexed.
				var indexed, rows int
				if err := db.SQL.QueryRowContext(ctx, "SELECT count(*) FROM search_index").Scan(&indexed); err != nil {
					t.Fatal(err)
				}
				for _, table := range []string{"themes", "outcomes", "sessions", "seminars", "documents", "experts", "municipalities"} {
					var n int
					if err := db.SQL.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
						t.Fatal(err)
					}
					rows += n
				}
				if indexed != rows || rows < 400 {
					t.Errorf("%d rows indexed, %d in the tables", indexed, rows)
				}
			})
		}
	}
}
