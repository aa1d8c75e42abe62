// Package database opens Teemaverkko's database: PostgreSQL (through lib/pq) when the
// URL says postgres://, otherwise embedded SQLite (through modernc.org/sqlite) with
// foreign keys, WAL and a busy timeout on. It also runs the schema migration.
package database

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/schema"
	// Registers the "postgres" driver.
	_ "github.com/lib/pq"
	// Registers the "sqlite" driver.
	_ "modernc.org/sqlite"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/migrate"
	"github.com/teemaverkko/teemaverkko/internal/timeline"
)

// DB is an open database with the ent driver that talks to it.
type DB struct {
	// SQL is the connection pool.
	SQL *sql.DB
	// Dialect is dialect.Postgres or dialect.SQLite.
	Dialect string
	// Driver is the ent driver over SQL (on PostgreSQL, with a cache of prepared statements).
	Driver dialect.Driver
	// URL is what Open was given: the postgres:// URL or the SQLite file path.
	URL string
}

// IsPostgres reports whether url names a PostgreSQL database.
func IsPostgres(url string) bool {
	return strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://")
}

// RandomPageCost is the planner's cost of reading a page out of order that the server's
// PostgreSQL sessions use unless the database URL sets random_page_cost itself.
// PostgreSQL's default, 4, prices a spinning disk's seek; on SSDs and cached data a
// random read costs about as much as a sequential one, and 1.1 is the usual setting. It
// matters for the nested pages: with 4, the planner merge-joined ten themes' outcomes by
// scanning the outcomes' primary key from its start (16 ms at scale 1); with 1.1 it
// reads each theme's first outcomes through the join table's index (0.3 ms).
const RandomPageCost = "1.1"

// PostgresDSN returns the URL the server connects with: databaseURL with
// random_page_cost=RandomPageCost as a session setting, unless it has one already (lib/pq
// sends a URL's unknown parameters as run-time settings when it connects).
func PostgresDSN(databaseURL string) string {
	u, err := url.Parse(databaseURL)
	if err != nil {
		return databaseURL // sql.Open reports it
	}
	q := u.Query()
	if q.Has("random_page_cost") {
		return databaseURL
	}
	q.Set("random_page_cost", RandomPageCost)
	u.RawQuery = q.Encode()
	return u.String()
}

// SQLiteDSN returns the modernc.org/sqlite data source name for a database file with
// foreign keys, WAL journaling and a busy timeout turned on.
func SQLiteDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// Open opens the database that databaseURL names: a postgres:// URL, or else a SQLite
// file path (created with its directory when missing).
func Open(ctx context.Context, databaseURL string) (*DB, error) {
	var (
		db  *sql.DB
		dia string
		err error
	)
	if IsPostgres(databaseURL) {
		dia = dialect.Postgres
		db, err = sql.Open("postgres", PostgresDSN(databaseURL))
		if err == nil {
			db.SetMaxOpenConns(PostgresMaxConns)
			db.SetMaxIdleConns(PostgresMaxConns)
			db.SetConnMaxIdleTime(5 * time.Minute)
		}
	} else {
		dia = dialect.SQLite
		path := strings.TrimPrefix(databaseURL, "sqlite://")
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("create database directory: %w", err)
			}
		}
		db, err = sql.Open("sqlite", SQLiteDSN(path))
		if err == nil {
			// One writer at a time is what SQLite allows; readers share WAL snapshots.
			db.SetMaxOpenConns(8)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", dia, err)
	}
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("connect to %s database: %w", dia, err)
	}
	var drv dialect.Driver = entsql.OpenDB(dia, db)
	if dia == dialect.Postgres {
		if drv, err = newPreparedDriver(entsql.OpenDB(dia, db), db); err != nil {
			_ = db.Close()
			return nil, fmt.Errorf("statement cache: %w", err)
		}
	}
	return &DB{SQL: db, Dialect: dia, Driver: drv, URL: databaseURL}, nil
}

// Client returns an ent client over the database, with extra options (for example a
// statement-counting driver in tests).
func (d *DB) Client(opts ...ent.Option) *ent.Client {
	return ent.NewClient(append([]ent.Option{ent.Driver(d.Driver)}, opts...)...)
}

// joinIndexes gives every many-to-many join table an index on (b, a). ent keys a join
// table by (a, b), which serves lookups from a but not from b: without it, finding a
// theme's outcomes scans outcome_themes. With a as its second column the index also gives
// b's rows in a's order, so a page of them can stop early. Added once, before the first
// migration.
// PostgresMaxConns bounds the pool of PostgreSQL connections, and as many stay open when
// idle. database/sql keeps only two idle by default, so under concurrent load every
// statement beyond two at a time opened a new connection, which costs PostgreSQL a new
// server process: with four clients, node(id:) served 410 requests/s that way.
const PostgresMaxConns = 20

var joinIndexes = sync.OnceFunc(func() {
	for _, t := range migrate.Tables {
		if len(t.PrimaryKey) != 2 || len(t.Columns) != 2 {
			continue
		}
		a, b := t.PrimaryKey[0], t.PrimaryKey[1]
		t.Indexes = append(t.Indexes, &schema.Index{Name: t.Name + "_" + b.Name, Columns: []*schema.Column{b, a}})
	}
})

// Migrate brings the database schema up to date with the ent schema.
func Migrate(ctx context.Context, client *ent.Client) error {
	joinIndexes()
	if err := client.Schema.Create(ctx); err != nil {
		return fmt.Errorf("migrate schema: %w", err)
	}
	// Appearances written before they carried a date get theirs.
	if err := timeline.Backfill(ctx, client); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// Close closes the connection pool.
func (d *DB) Close() error { return d.SQL.Close() }
