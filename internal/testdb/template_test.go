package testdb

import (
	"context"
	"errors"
	"testing"

	"github.com/teemaverkko/teemaverkko/internal/database"
)

func TestMain(m *testing.M) { Main(m) }

var probe = NewTemplate("probe", func(ctx context.Context, db *database.DB) error {
	if _, err := db.SQL.ExecContext(ctx, "CREATE TABLE tpl_probe (n INTEGER)"); err != nil {
		return err
	}
	_, err := db.SQL.ExecContext(ctx, "INSERT INTO tpl_probe (n) VALUES (1)")
	return err
})

// TestTemplateCopies: every test that opens a template gets the prepared state on top of
// the migrated schema, in a database of its own that others' writes do not reach.
func TestTemplateCopies(t *testing.T) {
	for _, d := range Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			a, b := probe.Open(t, d), probe.Open(t, d)
			if a.URL == b.URL {
				t.Fatalf("two opens share %s", a.URL)
			}
			if _, err := a.SQL.ExecContext(ctx, "INSERT INTO tpl_probe (n) VALUES (2)"); err != nil {
				t.Fatal(err)
			}
			for db, want := range map[*database.DB]int{a: 2, b: 1} {
				var n int
				if err := db.SQL.QueryRowContext(ctx, "SELECT count(*) FROM tpl_probe").Scan(&n); err != nil {
					t.Fatal(err)
				}
				if n != want {
					t.Errorf("%d rows, want %d", n, want)
				}
				if c, err := db.Client().Theme.Query().Count(ctx); err != nil || c != 0 {
					t.Errorf("themes: %d, %v; want a migrated, empty table", c, err)
				}
			}
			if d == "sqlite" {
				var mode string
				if err := a.SQL.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
					t.Errorf("journal_mode %q (%v), want wal", mode, err)
				}
			}
		})
	}
}

// TestTemplateThatFails: a template whose preparation fails gives every test that asks
// for it the error, and is not prepared again.
func TestTemplateThatFails(t *testing.T) {
	calls := 0
	bad := errors.New("no such seed")
	tp := NewTemplate("broken", func(context.Context, *database.DB) error { calls++; return bad })
	for range 2 {
		if _, err := tp.build(context.Background(), "sqlite", ""); !errors.Is(err, bad) {
			t.Errorf("error %v, want %v", err, bad)
		}
	}
	if calls != 1 {
		t.Errorf("prepared %d times, want once", calls)
	}
}
