package testdb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"

	"entgo.io/ent/dialect"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/internal/database"
)

// Counter is a dialect.Driver that records every statement it and its transactions run,
// so that tests can prove there is no N+1 and that idempotent work writes nothing.
type Counter struct {
	dialect.Driver
	mu    sync.Mutex
	stmts []string
}

// NewCounter wraps a driver.
func NewCounter(d dialect.Driver) *Counter { return &Counter{Driver: d} }

// Counting returns an ent client over db whose statements are counted.
func Counting(db *database.DB) (*ent.Client, *Counter) {
	c := NewCounter(db.Driver)
	return db.Client(ent.Driver(c)), c
}

func (c *Counter) record(query string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stmts = append(c.stmts, query)
}

// Reset forgets the statements recorded so far.
func (c *Counter) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stmts = nil
}

// Statements returns the statements recorded since the last Reset.
func (c *Counter) Statements() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.stmts...)
}

// Total is the number of statements recorded since the last Reset.
func (c *Counter) Total() int { return len(c.Statements()) }

// WriteStatements lists the INSERT, UPDATE and DELETE statements.
func (c *Counter) WriteStatements() []string {
	var out []string
	for _, s := range c.Statements() {
		if f := strings.Fields(s); len(f) > 0 {
			switch strings.ToUpper(f[0]) {
			case "INSERT", "UPDATE", "DELETE":
				out = append(out, s)
			}
		}
	}
	return out
}

// Writes is the number of INSERT, UPDATE and DELETE statements.
func (c *Counter) Writes() int { return len(c.WriteStatements()) }

// Exec implements dialect.Driver.
func (c *Counter) Exec(ctx context.Context, query string, args, v any) error {
	c.record(query)
	return c.Driver.Exec(ctx, query, args, v)
}

// Query implements dialect.Driver.
func (c *Counter) Query(ctx context.Context, query string, args, v any) error {
	c.record(query)
	return c.Driver.Query(ctx, query, args, v)
}

// Tx implements dialect.Driver.
func (c *Counter) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := c.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return &countingTx{Tx: tx, c: c}, nil
}

// BeginTx is there for ent clients that ask for transaction options.
func (c *Counter) BeginTx(ctx context.Context, opts *sql.TxOptions) (dialect.Tx, error) {
	d, ok := c.Driver.(interface {
		BeginTx(context.Context, *sql.TxOptions) (dialect.Tx, error)
	})
	if !ok {
		return c.Tx(ctx)
	}
	tx, err := d.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &countingTx{Tx: tx, c: c}, nil
}

type countingTx struct {
	dialect.Tx
	c *Counter
}

func (t *countingTx) Exec(ctx context.Context, query string, args, v any) error {
	t.c.record(query)
	return t.Tx.Exec(ctx, query, args, v)
}

func (t *countingTx) Query(ctx context.Context, query string, args, v any) error {
	t.c.record(query)
	return t.Tx.Query(ctx, query, args, v)
}

// QueryContext forwards raw queries (ent's sql/execquery feature) and counts them.
func (c *Counter) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	d, ok := c.Driver.(interface {
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	})
	if !ok {
		return nil, fmt.Errorf("testdb: the driver cannot run raw queries")
	}
	c.record(query)
	return d.QueryContext(ctx, query, args...)
}

// ExecContext forwards raw statements (ent's sql/execquery feature) and counts them.
func (c *Counter) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	d, ok := c.Driver.(interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
	})
	if !ok {
		return nil, fmt.Errorf("testdb: the driver cannot run raw statements")
	}
	c.record(query)
	return d.ExecContext(ctx, query, args...)
}

// QueryContext forwards a transaction's raw queries (the revision history's) and counts
// them.
func (t *countingTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	q, ok := t.Tx.(interface {
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	})
	if !ok {
		return nil, fmt.Errorf("testdb: the transaction cannot run raw queries")
	}
	t.c.record(query)
	return q.QueryContext(ctx, query, args...)
}

// ExecContext forwards a transaction's raw statements and counts them.
func (t *countingTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	e, ok := t.Tx.(interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
	})
	if !ok {
		return nil, fmt.Errorf("testdb: the transaction cannot run raw statements")
	}
	t.c.record(query)
	return e.ExecContext(ctx, query, args...)
}
