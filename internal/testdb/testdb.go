// Package testdb gives tests fresh, migrated databases: a SQLite file per test, and a
// fresh PostgreSQL database per test when TEST_DATABASE_URL names a server. When CI=true
// and TEST_DATABASE_URL is not set, PostgreSQL tests fail instead of being skipped.
//
// Each database is a copy of a template the process prepared once (see Template): the
// migrated schema, or a package's own state on top of it. A package whose tests use
// testdb calls Main from its TestMain, which drops the templates when the tests end.
package testdb

import (
	"database/sql"
	"os"
	"sync"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/internal/database"
)

// Dialects are the names of the databases tests run against.
var Dialects = []string{"sqlite", "postgres"}

// Each runs fn once per database, as subtests named "sqlite" and "postgres", each with a
// fresh, migrated database.
func Each(t *testing.T, fn func(t *testing.T, db *database.DB)) {
	t.Helper()
	for _, d := range Dialects {
		t.Run(d, func(t *testing.T) {
			fn(t, Open(t, d))
		})
	}
}

// Open returns a fresh, migrated database of the given dialect ("sqlite" or "postgres"),
// closed and dropped when the test ends. It is a copy of a database the process migrated
// once.
func Open(t testing.TB, dialect string) *database.DB {
	t.Helper()
	return migrated.Open(t, dialect)
}

// Client returns an ent client over a fresh database of the dialect.
func Client(t testing.TB, dialect string, opts ...ent.Option) *ent.Client {
	t.Helper()
	return Open(t, dialect).Client(opts...)
}

// LocalPostgres is the server tests use when TEST_DATABASE_URL is not set and one
// answers there.
const LocalPostgres = "postgres://127.0.0.1:5432/postgres?sslmode=disable&connect_timeout=2"

var (
	localOnce sync.Once
	localOK   bool
)

// PostgresURL returns the URL of the PostgreSQL server for tests: TEST_DATABASE_URL, or
// a local server on the default port when one answers. Without one the test is skipped,
// except under CI=true, where it fails: CI must test PostgreSQL. TEST_DATABASE_URL=skip
// skips PostgreSQL on purpose.
func PostgresURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("TEST_DATABASE_URL")
	if u == "skip" {
		t.Skip("TEST_DATABASE_URL=skip: skipping PostgreSQL")
	}
	if u != "" {
		return u
	}
	localOnce.Do(func() {
		db, err := sql.Open("postgres", LocalPostgres)
		if err == nil {
			localOK = db.Ping() == nil
			_ = db.Close()
		}
	})
	if localOK {
		return LocalPostgres
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no PostgreSQL: TEST_DATABASE_URL is not set and none answers on 127.0.0.1:5432; CI must test PostgreSQL")
	}
	t.Skip("no PostgreSQL (set TEST_DATABASE_URL); skipping")
	return ""
}

// freshPostgres creates a new database on the test server, a copy of the template
// database, and returns its URL; the database is dropped when the test ends.
func freshPostgres(t testing.TB, template string) string {
	t.Helper()
	base := PostgresURL(t)
	admin, err := adminDB(base)
	if err != nil {
		t.Fatalf("%v", err)
	}
	name := "tvtest_" + randomHex(6)
	if _, err := admin.Exec("CREATE DATABASE " + name + " TEMPLATE " + template); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		if admin, err := adminDB(base); err == nil {
			_, _ = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		}
	})
	return withDatabase(base, name)
}
