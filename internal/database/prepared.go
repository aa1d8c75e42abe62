package database

import (
	"context"
	"database/sql"

	entsql "entgo.io/ent/dialect/sql"
	lru "github.com/hashicorp/golang-lru/v2"
)

// Statement cache limits. Only statements with few arguments are kept: those with many
// are the eager loaders' "IN (...)" lists, whose text changes with the number of parents,
// so caching them would fill the cache (and every connection's server-side memory) with
// statements used once.
const (
	preparedCacheSize = 256
	preparedMaxArgs   = 16
)

// preparedDriver is ent's SQL driver with a cache of prepared statements for reads
// outside transactions. ent sends each query as text; PostgreSQL then parses and plans
// it on every request. A read such as node(id:) sends a dozen small statements whose
// parsing and planning cost more than running them; prepared once per connection, they
// only run. Writes and transactions go through ent's driver unchanged.
type preparedDriver struct {
	*entsql.Driver
	db    *sql.DB
	stmts *lru.Cache[string, *sql.Stmt]
}

func newPreparedDriver(d *entsql.Driver, db *sql.DB) (*preparedDriver, error) {
	// An evicted statement is closed; database/sql defers the close until the rows of any
	// query still reading from it are closed.
	stmts, err := lru.NewWithEvict(preparedCacheSize, func(_ string, st *sql.Stmt) { _ = st.Close() })
	if err != nil {
		return nil, err
	}
	return &preparedDriver{Driver: d, db: db, stmts: stmts}, nil
}

// Query runs a read through the statement cache when it has few arguments.
func (d *preparedDriver) Query(ctx context.Context, query string, args, v any) error {
	rows, ok := v.(*entsql.Rows)
	argv, ok2 := args.([]any)
	if !ok || !ok2 || len(argv) > preparedMaxArgs {
		return d.Driver.Query(ctx, query, args, v)
	}
	st, err := d.stmt(ctx, query)
	if err != nil {
		// Let the statement fail (or succeed) as ent would send it, with its own error.
		return d.Driver.Query(ctx, query, args, v)
	}
	r, err := st.QueryContext(ctx, argv...)
	if err != nil && err.Error() == "sql: statement is closed" {
		// Evicted and closed between the cache lookup and the query: send it as text.
		return d.Driver.Query(ctx, query, args, v)
	}
	if err != nil {
		return err
	}
	*rows = entsql.Rows{ColumnScanner: r}
	return nil
}

// stmt returns the cached statement of query, preparing it on first use.
func (d *preparedDriver) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := d.stmts.Get(query); ok {
		return st, nil
	}
	st, err := d.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if prev, ok, _ := d.stmts.PeekOrAdd(query, st); ok {
		// Another request prepared it meanwhile: keep one.
		_ = st.Close()
		return prev, nil
	}
	return st, nil
}

// Close closes the cached statements and the database.
func (d *preparedDriver) Close() error {
	d.stmts.Purge()
	return d.Driver.Close()
}

// CachedStatements says how many prepared statements the cache holds.
func (d *preparedDriver) CachedStatements() int { return d.stmts.Len() }
