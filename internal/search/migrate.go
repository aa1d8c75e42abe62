package search

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/teemaverkko/teemaverkko/internal/database"
)

// Migrate creates the search index and the triggers that keep it in sync with the
// source tables, after database.Migrate has created those. It is idempotent and cheap
// when nothing changed, so it is safe on every start:
//
//   - when the index does not exist, or was made by a different version of this
//     package (the version is a hash of the DDL, kept in the table search_meta), it drops
//     whatever index exists, creates the current one and fills it from the source tables;
//   - otherwise it creates any trigger that has gone missing (SQLite drops a table's
//     triggers when a migration rebuilds the table), and refills the index when a
//     trigger was missing or when the number of indexed rows of a type differs from the
//     number of rows of its table.
//
// Everything happens in one transaction; concurrent Migrate calls wait for each other
// (an advisory lock on PostgreSQL, BEGIN IMMEDIATE on SQLite).
func Migrate(ctx context.Context, db *database.DB) error {
	d, err := ddlFor(db.Dialect)
	if err != nil {
		return err
	}
	return inTx(ctx, db, "migrate", func(tx *sql.Tx) error { return migrate(ctx, tx, d) })
}

// Rebuild empties the search index and fills it again from the source tables. Migrate
// does this when needed; Rebuild is for repairs by hand.
func Rebuild(ctx context.Context, db *database.DB) error {
	d, err := ddlFor(db.Dialect)
	if err != nil {
		return err
	}
	return inTx(ctx, db, "rebuild", func(tx *sql.Tx) error {
		if err := execAll(ctx, tx, d.lock); err != nil {
			return err
		}
		return execAll(ctx, tx, d.rebuild)
	})
}

func inTx(ctx context.Context, db *database.DB, what string, fn func(*sql.Tx) error) (err error) {
	tx, err := db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("search: %s: begin: %w", what, err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err := fn(tx); err != nil {
		return fmt.Errorf("search: %s: %w", what, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("search: %s: commit: %w", what, err)
	}
	return nil
}

func migrate(ctx context.Context, tx *sql.Tx, d *ddl) error {
	if err := execAll(ctx, tx, d.lock); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS search_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("create search_meta: %w", err)
	}
	var have string
	err := tx.QueryRowContext(ctx, `SELECT value FROM search_meta WHERE key = 'version'`).Scan(&have)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read index version: %w", err)
	}
	want := d.version()
	if have != want {
		return create(ctx, tx, d, want)
	}
	existing, err := queryStrings(ctx, tx, d.existing)
	if err != nil {
		return fmt.Errorf("list triggers: %w", err)
	}
	present := map[string]bool{}
	for _, k := range existing {
		present[k] = true
	}
	missing := false
	for _, t := range d.triggers {
		if present[t.key] {
			continue
		}
		missing = true
		if err := execAll(ctx, tx, t.stmt); err != nil {
			return fmt.Errorf("create trigger %s: %w", t.key, err)
		}
	}
	var stale int
	if err := tx.QueryRowContext(ctx, countCheck()).Scan(&stale); err != nil {
		return fmt.Errorf("compare index with tables: %w", err)
	}
	if missing || stale > 0 {
		return execAll(ctx, tx, d.rebuild)
	}
	return nil
}

// create drops the index of any version and creates and fills the current one.
func create(ctx context.Context, tx *sql.Tx, d *ddl, version string) error {
	for _, q := range d.dropQueries {
		stmts, err := queryStrings(ctx, tx, q)
		if err != nil {
			return fmt.Errorf("list old index objects: %w", err)
		}
		if err := execAll(ctx, tx, stmts); err != nil {
			return err
		}
	}
	if err := execAll(ctx, tx, d.drop); err != nil {
		return err
	}
	if err := execAll(ctx, tx, d.create); err != nil {
		return err
	}
	for _, t := range d.triggers {
		if err := execAll(ctx, tx, t.stmt); err != nil {
			return fmt.Errorf("create trigger %s (run database.Migrate first): %w", t.key, err)
		}
	}
	if err := execAll(ctx, tx, d.rebuild); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM search_meta WHERE key = 'version'`); err != nil {
		return fmt.Errorf("record index version: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO search_meta (key, value) VALUES ('version', '`+version+`')`); err != nil {
		return fmt.Errorf("record index version: %w", err)
	}
	return nil
}

func execAll(ctx context.Context, tx *sql.Tx, stmts []string) error {
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", firstLine(s), err)
		}
	}
	return nil
}

func queryStrings(ctx context.Context, tx *sql.Tx, q string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// firstLine is the beginning of a statement, for error messages.
func firstLine(s string) string {
	for i, r := range s {
		if r == '\n' || i >= 80 {
			return s[:i] + "…"
		}
	}
	return s
}

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}
