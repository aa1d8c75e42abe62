package search_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent/outcome"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/search"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// TestSync checks that the triggers keep the index in step with inserts, updates and
// deletes, inside the writing transaction and after it commits or rolls back.
func TestSync(t *testing.T) {
	eachFixture(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		c := f.db.Client()
		ids := func(q string) []string {
			t.Helper()
			rs := f.run(t, search.Query{Text: q})
			out := make([]string, len(rs.Hits))
			for i, h := range rs.Hits {
				out[i] = h.ID
			}
			return out
		}
		expect := func(q string, want ...string) {
			t.Helper()
			if got := ids(q); !slices.Equal(got, want) {
				t.Errorf("%q found %v, want %v", q, got, want)
			}
		}

		// Insert.
		th, err := c.Theme.Create().SetSlug("sync-test").SetName("Hyvinvointialue").Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		id := string(th.ID)
		expect("hyvinvointialue", id)

		// Update.
		if err := c.Theme.UpdateOneID(th.ID).SetName("Sote-uudistus").Exec(ctx); err != nil {
			t.Fatal(err)
		}
		expect("hyvinvointialue")
		expect("uudistus", id)

		// Update inside a transaction: the transaction sees its write, others do not
		// until it commits.
		tx, err := c.Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := tx.Theme.UpdateOneID(th.ID).SetName("Maakuntauudistus").SetDescription("Regional reform.").Exec(ctx); err != nil {
			t.Fatal(err)
		}
		rs, err := search.SearchWith(ctx, tx, f.db.Dialect, search.Query{Text: "maakuntauudistus"})
		if err != nil {
			t.Fatalf("search in transaction: %v", err)
		}
		if len(rs.Hits) != 1 || rs.Hits[0].ID != id || rs.Hits[0].Snippet != "<mark>Maakuntauudistus</mark>" {
			t.Errorf("in the transaction: %+v, want the renamed theme", rs.Hits)
		}
		expect("maakuntauudistus")
		expect("sote", id)
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		expect("maakuntauudistus", id)
		expect("regional reform", id)
		expect("sote")

		// A rolled-back update leaves the index as it was.
		tx, err = c.Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := tx.Theme.UpdateOneID(th.ID).SetName("Peruttu").Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		expect("peruttu")
		expect("maakuntauudistus", id)

		// Updating a column the index does not hold changes nothing in it.
		if err := c.Theme.UpdateOneID(th.ID).SetParentID(pulidOf(f.id("thDigi"))).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		expect("maakuntauudistus", id)

		// Delete.
		if err := c.Theme.DeleteOneID(th.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		expect("maakuntauudistus")

		// Outcomes, municipalities, experts, sessions, seminars and documents too.
		oc := f.id("oKunnat")
		if err := c.Outcome.UpdateOneID(pulidOf(oc)).SetQuote("Kunnat kelluvat.").Exec(ctx); err != nil {
			t.Fatal(err)
		}
		expect("välitilassa")
		expect("kelluvat", f.id("docKelluvat"), oc)
		if err := c.Municipality.UpdateOneID(pulidOf(f.id("muOulu"))).SetNameSv("Uleåborg stad").Exec(ctx); err != nil {
			t.Fatal(err)
		}
		expect("stad", f.id("muOulu"))
		if err := c.Expert.UpdateOneID(pulidOf(f.id("exPaivi"))).SetTitle("johtaja").Exec(ctx); err != nil {
			t.Fatal(err)
		}
		expect("kehittämispäällikkö")
		expect("johtaja", f.id("exPaivi"))
		if err := c.Session.UpdateOneID(pulidOf(f.id("ses1"))).SetQuestions([]string{"Mitä seuraavaksi?"}).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		expect("seutu")
		expect("seuraavaksi", f.id("ses1"))
		if err := c.Seminar.UpdateOneID(pulidOf(f.id("sem2"))).ClearVenue().Exec(ctx); err != nil {
			t.Fatal(err)
		}
		expect("tampere")
		if err := c.Document.DeleteOneID(pulidOf(f.id("docKelluvat"))).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		expect("kelluvat", oc)
		if err := c.Outcome.DeleteOneID(pulidOf(oc)).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		expect("kelluvat")
	})
}

// TestMigrate checks that Migrate is idempotent, survives ent's migration running
// again, and repairs missing triggers, missing rows and an old index version.
func TestMigrate(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		for i := 0; i < 2; i++ {
			if err := search.Migrate(ctx, db); err != nil {
				t.Fatalf("Migrate #%d: %v", i+1, err)
			}
		}
		f := buildFixture(t, db)
		version := func() string {
			t.Helper()
			var v string
			if err := db.SQL.QueryRowContext(ctx, `SELECT value FROM search_meta WHERE key = 'version'`).Scan(&v); err != nil {
				t.Fatal(err)
			}
			return v
		}
		indexed := func() int {
			t.Helper()
			var n int
			if err := db.SQL.QueryRowContext(ctx, `SELECT count(*) FROM search_index`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		check := func(when string) {
			t.Helper()
			if got := f.hitKeys(t, search.Query{Text: "uleåborg"}); !slices.Equal(got, []string{"muOulu"}) {
				t.Errorf("%s: uleåborg found %v", when, got)
			}
			if n := indexed(); n != 17 {
				t.Errorf("%s: %d rows indexed, want 17", when, n)
			}
		}
		check("after the fixture")
		v := version()

		// A restart: ent's migration, then Migrate again.
		if err := database.Migrate(ctx, db.Client()); err != nil {
			t.Fatalf("database.Migrate again: %v", err)
		}
		if err := search.Migrate(ctx, db); err != nil {
			t.Fatalf("Migrate again: %v", err)
		}
		if version() != v {
			t.Errorf("version changed from %s to %s", v, version())
		}
		check("after a restart")

		// A trigger gone missing is created again, and the index refilled.
		drop := "DROP TRIGGER search_index_sync_municipalities_upd"
		if db.Dialect == "postgres" {
			drop = "DROP TRIGGER search_index_sync ON municipalities"
		}
		mustExec(t, db, drop)
		mustExec(t, db, "UPDATE municipalities SET name_sv = 'Uleåborg' WHERE code = '853'")
		if err := search.Migrate(ctx, db); err != nil {
			t.Fatalf("Migrate after dropping a trigger: %v", err)
		}
		if got := f.hitKeys(t, search.Query{Text: "uleåborg"}); !slices.Equal(got, []string{"muOulu", "muTurku"}) {
			t.Errorf("after repairing a trigger: uleåborg found %v", got)
		}
		mustExec(t, db, "UPDATE municipalities SET name_sv = 'Åbo' WHERE code = '853'")
		check("after the trigger's repair")

		// Rows missing from the index are put back.
		mustExec(t, db, "DELETE FROM search_index WHERE type = 'MUNICIPALITY'")
		if err := search.Migrate(ctx, db); err != nil {
			t.Fatalf("Migrate after losing rows: %v", err)
		}
		check("after losing rows")

		// An index of another version is dropped and made again.
		mustExec(t, db, "UPDATE search_meta SET value = 'old' WHERE key = 'version'")
		if err := search.Migrate(ctx, db); err != nil {
			t.Fatalf("Migrate over an old version: %v", err)
		}
		if version() != v {
			t.Errorf("version %s after replacing an old index, want %s", version(), v)
		}
		check("after replacing an old version")

		if err := search.Rebuild(ctx, db); err != nil {
			t.Fatalf("Rebuild: %v", err)
		}
		check("after Rebuild")
	})
}

// TestMigrateUnsupported checks that an unknown dialect is an error, not a panic.
func TestMigrateUnsupported(t *testing.T) {
	err := search.Migrate(context.Background(), &database.DB{Dialect: "mysql"})
	if err == nil {
		t.Fatal("Migrate on mysql: no error")
	}
	_, err = search.SearchWith(context.Background(), nil, "mysql", search.Query{Text: "kunta"})
	if err == nil {
		t.Fatal("SearchWith on mysql: no error")
	}
}

func mustExec(t *testing.T, db *database.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.SQL.ExecContext(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// TestPagination pages through many hits with equal and different scores.
func TestPagination(t *testing.T) {
	eachFixture(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		c := f.db.Client()
		sem := pulidOf(f.id("sem1"))
		for i := 0; i < 23; i++ {
			quote := "Palvelumuotoilu etenee."
			if i%5 == 0 {
				quote = "Palvelumuotoilu, palvelumuotoilu ja taas palvelumuotoilu."
			}
			if err := c.Outcome.Create().SetSeminarID(sem).SetKind(outcome.KindINSIGHT).
				SetText(fmt.Sprintf("Service design %d.", i)).SetQuote(quote).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		all := f.run(t, search.Query{Text: "palvelumuotoilu", First: 100})
		if all.TotalCount != 23 || len(all.Hits) != 23 || all.HasNextPage || all.EndCursor == "" {
			t.Fatalf("all at once: total %d, %d hits, next %v, cursor %q", all.TotalCount, len(all.Hits), all.HasNextPage, all.EndCursor)
		}
		for _, first := range []int{1, 7, 23} {
			var (
				got   []string
				after string
				pages int
			)
			for {
				rs := f.run(t, search.Query{Text: "palvelumuotoilu", First: first, After: after})
				pages++
				if rs.TotalCount != 23 {
					t.Errorf("first %d, page %d: total %d, want 23", first, pages, rs.TotalCount)
				}
				for _, h := range rs.Hits {
					got = append(got, h.ID)
				}
				if !rs.HasNextPage {
					break
				}
				if len(rs.Hits) != first || pages > 30 {
					t.Fatalf("first %d, page %d: %d hits with a next page", first, pages, len(rs.Hits))
				}
				after = rs.EndCursor
			}
			var want []string
			for _, h := range all.Hits {
				want = append(want, h.ID)
			}
			if !slices.Equal(got, want) {
				t.Errorf("first %d: pages give %v, want %v", first, got, want)
			}
		}
		// The page after the last is empty, with the total.
		rs := f.run(t, search.Query{Text: "palvelumuotoilu", First: 100, After: all.EndCursor})
		if len(rs.Hits) != 0 || rs.TotalCount != 23 || rs.HasNextPage || rs.EndCursor != "" {
			t.Errorf("after the last: %+v", rs)
		}
		// A cursor only works with its own search.
		_, err := search.Search(ctx, f.db, search.Query{Text: "palvelu", After: all.EndCursor})
		assertInputError(t, err, "after")
		_, err = search.Search(ctx, f.db, search.Query{Text: "palvelumuotoilu", Types: []search.Type{search.Outcome}, After: all.EndCursor})
		assertInputError(t, err, "after")
	})
}
