package database_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/teemaverkko/teemaverkko/ent/schema/calendar"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// TestDatesSurviveSessionTimeZones checks that a calendar date written from one
// PostgreSQL session reads back as the same day in a session of another time zone.
func TestDatesSurviveSessionTimeZones(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t, "postgres")
	db.Client().Seminar.Create().SetTitle("Seminaari").SetDate(time.Date(2017, 3, 14, 0, 0, 0, 0, time.UTC)).SaveX(ctx)
	u, _ := url.Parse(db.URL)
	q := u.Query()
	q.Set("timezone", "America/New_York")
	u.RawQuery = q.Encode()
	other, err := database.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	s := other.Client().Seminar.Query().FirstX(ctx)
	if got := calendar.Format(s.Date, calendar.Day); got != "2017-03-14" {
		t.Errorf("date read in New York = %s (%v), want 2017-03-14", got, s.Date)
	}
}

// TestOpenSQLite checks that the embedded database is created with its folder and has
// foreign keys on.
func TestOpenSQLite(t *testing.T) {
	ctx := context.Background()
	db, err := database.Open(ctx, t.TempDir()+"/nested/dir/kb.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var fk int
	if err := db.SQL.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d (%v), want 1", fk, err)
	}
	var mode string
	if err := db.SQL.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q (%v), want wal", mode, err)
	}
	if db.Dialect != "sqlite3" {
		t.Errorf("dialect = %q", db.Dialect)
	}
}

// TestJoinTablesAreIndexedBothWays checks that a join table can be searched from its
// second column (a theme's outcomes) by an index, on both databases.
func TestJoinTablesAreIndexedBothWays(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			db := testdb.Open(t, d)
			q := "SELECT count(*) FROM pg_indexes WHERE tablename = 'outcome_themes' AND indexname = 'outcome_themes_theme_id'"
			if db.Dialect == "sqlite3" {
				q = "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'outcome_themes_theme_id'"
			}
			var n int
			if err := db.SQL.QueryRow(q).Scan(&n); err != nil || n != 1 {
				t.Errorf("index outcome_themes_theme_id: %d (%v), want 1", n, err)
			}
			// Migrating again changes nothing.
			if err := database.Migrate(context.Background(), db.Client()); err != nil {
				t.Fatal(err)
			}
		})
	}
}
