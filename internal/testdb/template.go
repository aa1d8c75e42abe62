package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teemaverkko/teemaverkko/internal/database"
)

// A Template is a database state prepared once per test process and dialect and copied
// for every test that asks for it: on PostgreSQL with CREATE DATABASE … TEMPLATE, on
// SQLite as a copy of the closed file. Migrating, and seeding after it, cost far more than
// the copy. Templates are removed by Main (or DropTemplates) when the tests end.
type Template struct {
	name    string
	parent  *Template
	prepare func(ctx context.Context, db *database.DB) error

	mu    sync.Mutex
	built map[string]*builtTemplate // by dialect
}

// builtTemplate is a template's database in one dialect, built once.
type builtTemplate struct {
	once sync.Once
	err  error
	// path is the SQLite template file.
	path string
	// pgName and pgBase are the PostgreSQL template database and its server's URL.
	pgName, pgBase string
}

// StaleTemplateAge is how old a PostgreSQL template database left by a test process
// that was killed before it could drop it must be before another process drops it.
const StaleTemplateAge = 6 * time.Hour

// templatePrefix starts the names of template databases (PostgreSQL) and directories
// (SQLite); the stale sweep looks for it.
const templatePrefix = "tvtpl_"

var (
	templatesMu sync.Mutex
	templates   []*Template

	// tplDirOnce makes the process's directory of SQLite templates.
	tplDirOnce sync.Once
	tplDir     string
	tplDirErr  error

	// sweepOnce drops stale PostgreSQL templates once per process.
	sweepOnce sync.Once
)

// migrated is the template of a fresh, migrated database that Open copies.
var migrated = newTemplate("migrated", nil, nil)

// NewTemplate declares a template made from a fresh, migrated database by prepare (for
// example loading data every test of a package starts from). Declare it once, in a
// package variable; it is built the first time a test opens it in a dialect, and a
// prepare that fails fails every test that opens it. prepare's database is closed after
// it returns: anything it left only in the process (hooks on a client, caches) is not in
// the copies.
func NewTemplate(name string, prepare func(ctx context.Context, db *database.DB) error) *Template {
	return newTemplate(name, migrated, prepare)
}

func newTemplate(name string, parent *Template, prepare func(context.Context, *database.DB) error) *Template {
	t := &Template{name: name, parent: parent, prepare: prepare, built: map[string]*builtTemplate{}}
	templatesMu.Lock()
	templates = append(templates, t)
	templatesMu.Unlock()
	return t
}

// Open returns a fresh copy of the template in the given dialect ("sqlite" or
// "postgres"), closed and dropped when the test ends.
func (tp *Template) Open(t testing.TB, dialect string) *database.DB {
	t.Helper()
	ctx := context.Background()
	var dsn string
	switch dialect {
	case "sqlite":
		b, err := tp.build(ctx, dialect, "")
		if err != nil {
			t.Fatalf("template %s (sqlite): %v", tp.name, err)
		}
		dsn = filepath.Join(t.TempDir(), "test.db")
		if err := copyFile(b.path, dsn); err != nil {
			t.Fatalf("copy template %s: %v", tp.name, err)
		}
	case "postgres":
		base := PostgresURL(t)
		b, err := tp.build(ctx, dialect, base)
		if err != nil {
			t.Fatalf("template %s (postgres): %v", tp.name, err)
		}
		dsn = freshPostgres(t, b.pgName)
	default:
		t.Fatalf("unknown dialect %q", dialect)
	}
	db, err := database.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", dialect, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// build makes the template's database in the dialect the first time it is asked for,
// and returns it, or the error that building it met, every time.
func (tp *Template) build(ctx context.Context, dialect, pgBase string) (*builtTemplate, error) {
	tp.mu.Lock()
	b := tp.built[dialect]
	if b == nil {
		b = &builtTemplate{}
		tp.built[dialect] = b
	}
	tp.mu.Unlock()
	b.once.Do(func() {
		b.err = tp.make(ctx, b, dialect, pgBase)
	})
	return b, b.err
}

func (tp *Template) make(ctx context.Context, b *builtTemplate, dialect, pgBase string) error {
	var from *builtTemplate
	if tp.parent != nil {
		var err error
		if from, err = tp.parent.build(ctx, dialect, pgBase); err != nil {
			return fmt.Errorf("from template %s: %w", tp.parent.name, err)
		}
	}
	var dsn string
	switch dialect {
	case "sqlite":
		dir, err := templateDir()
		if err != nil {
			return err
		}
		f, err := os.CreateTemp(dir, tp.name+"-*.db")
		if err != nil {
			return fmt.Errorf("create template file: %w", err)
		}
		_ = f.Close()
		b.path = f.Name()
		if from != nil {
			if err := copyFile(from.path, b.path); err != nil {
				return fmt.Errorf("copy template %s: %w", tp.parent.name, err)
			}
		}
		dsn = b.path
	case "postgres":
		sweepOnce.Do(func() { dropStaleTemplates(ctx, pgBase) })
		admin, err := adminDB(pgBase)
		if err != nil {
			return err
		}
		name := templatePrefix + identifier(tp.name) + "_" + randomHex(6)
		create := "CREATE DATABASE " + name
		if from != nil {
			create += " TEMPLATE " + from.pgName
		}
		if _, err := admin.ExecContext(ctx, create); err != nil {
			return fmt.Errorf("create template database: %w", err)
		}
		b.pgName, b.pgBase = name, pgBase
		// The creation time lets a later process drop the template should this one be
		// killed before it drops it.
		comment := fmt.Sprintf("COMMENT ON DATABASE %s IS '%s'", name, time.Now().UTC().Format(time.RFC3339))
		if _, err := admin.ExecContext(ctx, comment); err != nil {
			return fmt.Errorf("comment on template database: %w", err)
		}
		dsn = withDatabase(pgBase, name)
	default:
		return fmt.Errorf("unknown dialect %q", dialect)
	}
	if err := tp.fill(ctx, dsn); err != nil {
		return err
	}
	if dialect == "sqlite" {
		// The copy is of the main file alone: a WAL left beside it would hold writes.
		if fi, err := os.Stat(b.path + "-wal"); err == nil && fi.Size() > 0 {
			return fmt.Errorf("template %s: %d bytes left in the WAL after closing", tp.name, fi.Size())
		}
		return nil
	}
	// No one may connect to the template: CREATE DATABASE … TEMPLATE refuses a
	// template someone is connected to.
	admin, err := adminDB(pgBase)
	if err != nil {
		return err
	}
	if _, err := admin.ExecContext(ctx, "ALTER DATABASE "+b.pgName+" WITH ALLOW_CONNECTIONS false"); err != nil {
		return fmt.Errorf("close template database to connections: %w", err)
	}
	return nil
}

// fill opens the template's new database, migrates it (the migrated template) or
// prepares it, and closes it, checkpointing SQLite's WAL into the file.
func (tp *Template) fill(ctx context.Context, dsn string) (err error) {
	db, err := database.Open(ctx, dsn)
	if err != nil {
		return fmt.Errorf("open template %s: %w", tp.name, err)
	}
	defer func() {
		if cerr := db.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close template %s: %w", tp.name, cerr)
		}
	}()
	if tp.parent == nil {
		// Migrate as Open always did: it also makes its process-wide changes to the ent
		// schema (the join tables' indexes) before creating it.
		if err := database.Migrate(ctx, db.Client()); err != nil {
			return fmt.Errorf("migrate template %s: %w", tp.name, err)
		}
	} else if err := tp.prepare(ctx, db); err != nil {
		return fmt.Errorf("prepare template %s: %w", tp.name, err)
	}
	if db.Dialect == "sqlite" {
		if _, err := db.SQL.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
			return fmt.Errorf("checkpoint template %s: %w", tp.name, err)
		}
	}
	return nil
}

// Main runs the package's tests, drops the templates they built and exits with their
// status. A package whose tests use testdb calls it from TestMain:
//
//	func TestMain(m *testing.M) { testdb.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	if err := DropTemplates(); err != nil {
		fmt.Fprintf(os.Stderr, "testdb: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// DropTemplates drops the template databases and files this process built, for a
// TestMain that cannot use Main. Tests must not open templates after it.
func DropTemplates() error {
	ctx := context.Background()
	var errs []error
	templatesMu.Lock()
	all := append([]*Template(nil), templates...)
	templatesMu.Unlock()
	// Children first: a PostgreSQL template is dropped after those made from it (it does
	// not matter to PostgreSQL, but keeps the order of making them reversed).
	for i := len(all) - 1; i >= 0; i-- {
		tp := all[i]
		tp.mu.Lock()
		b := tp.built["postgres"]
		delete(tp.built, "postgres")
		tp.mu.Unlock()
		if b == nil || b.pgName == "" {
			continue
		}
		admin, err := adminDB(b.pgBase)
		if err == nil {
			_, err = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+b.pgName+" WITH (FORCE)")
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("drop template database %s: %w", b.pgName, err))
		}
	}
	for _, tp := range all {
		tp.mu.Lock()
		delete(tp.built, "sqlite")
		tp.mu.Unlock()
	}
	if tplDir != "" {
		if err := os.RemoveAll(tplDir); err != nil {
			errs = append(errs, fmt.Errorf("remove template directory: %w", err))
		}
	}
	adminMu.Lock()
	for u, db := range admins {
		_ = db.Close()
		delete(admins, u)
	}
	adminMu.Unlock()
	return errors.Join(errs...)
}

// dropStaleTemplates drops the template databases on the server that processes killed
// before they could drop them left: those whose creation time, in their comment, is
// older than StaleTemplateAge. A template without a comment yet may be being made, and
// is left alone. Failing here fails nothing: it is housekeeping.
func dropStaleTemplates(ctx context.Context, pgBase string) {
	admin, err := adminDB(pgBase)
	if err != nil {
		return
	}
	rows, err := admin.QueryContext(ctx, `SELECT datname, coalesce(shobj_description(oid, 'pg_database'), '')
		FROM pg_database WHERE datname LIKE 'tvtpl\_%'`)
	if err != nil {
		return
	}
	var stale []string
	for rows.Next() {
		var name, comment string
		if rows.Scan(&name, &comment) != nil {
			continue
		}
		made, err := time.Parse(time.RFC3339, comment)
		if err == nil && time.Since(made) > StaleTemplateAge && validName.MatchString(name) {
			stale = append(stale, name)
		}
	}
	_ = rows.Close()
	for _, name := range stale {
		_, _ = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	}
}

var validName = regexp.MustCompile(`^[a-z0-9_]+$`)

// identifier makes a template's name fit in a database name: lower-case letters, digits
// and underscores, at most 20 of them.
func identifier(name string) string {
	name = regexp.MustCompile(`[^a-z0-9_]+`).ReplaceAllString(strings.ToLower(name), "_")
	if len(name) > 20 {
		name = name[:20]
	}
	return name
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// templateDir is this process's directory of SQLite templates, made the first time one
// is built; directories of processes that were killed, older than StaleTemplateAge, are
// removed then.
func templateDir() (string, error) {
	tplDirOnce.Do(func() {
		if old, err := filepath.Glob(filepath.Join(os.TempDir(), templatePrefix+"*")); err == nil {
			for _, d := range old {
				if fi, err := os.Stat(d); err == nil && fi.IsDir() && time.Since(fi.ModTime()) > StaleTemplateAge {
					_ = os.RemoveAll(d)
				}
			}
		}
		tplDir, tplDirErr = os.MkdirTemp("", templatePrefix+"*")
		if tplDirErr != nil {
			tplDirErr = fmt.Errorf("template directory: %w", tplDirErr)
		}
	})
	return tplDir, tplDirErr
}

// copyFile copies the closed SQLite file src to dst.
func copyFile(src, dst string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("open %s: %w", filepath.Base(src), err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return fmt.Errorf("create %s: %w", filepath.Base(dst), err)
	}
	defer func() {
		if cerr := out.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close %s: %w", filepath.Base(dst), cerr)
		}
	}()
	if _, err := io.Copy(out, in); err != nil {
		return fmt.Errorf("copy to %s: %w", filepath.Base(dst), err)
	}
	return nil
}

var (
	adminMu sync.Mutex
	admins  = map[string]*sql.DB{}
)

// adminDB is the process's pool of connections to the test server's own database, for
// creating and dropping databases.
func adminDB(base string) (*sql.DB, error) {
	adminMu.Lock()
	defer adminMu.Unlock()
	if db := admins[base]; db != nil {
		return db, nil
	}
	db, err := sql.Open("postgres", base)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	db.SetMaxIdleConns(4)
	admins[base] = db
	return db, nil
}

// withDatabase returns the server URL base naming database name instead.
func withDatabase(base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base // database.Open reports it
	}
	u.Path = "/" + name
	return u.String()
}
