package bundle_test

import (
	"context"
	"database/sql"
	"strings"
	"sync"

	"entgo.io/ent/dialect"
)

// statementCounter is a dialect.Driver that records every statement it and its
// transactions run.
type statementCounter struct {
	dialect.Driver
	mu    sync.Mutex
	stmts []string
}

func (c *statementCounter) record(query string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stmts = append(c.stmts, query)
}

func (c *statementCounter) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stmts = nil
}

func (c *statementCounter) statements() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.stmts...)
}

func (c *statementCounter) total() int { return len(c.statements()) }

// writeStatements lists the INSERT, UPDATE and DELETE statements.
func (c *statementCounter) writeStatements() []string {
	var out []string
	for _, s := range c.statements() {
		switch strings.ToUpper(strings.Fields(s)[0]) {
		case "INSERT", "UPDATE", "DELETE":
			out = append(out, s)
		}
	}
	return out
}

func (c *statementCounter) writes() int { return len(c.writeStatements()) }

func (c *statementCounter) Exec(ctx context.Context, query string, args, v any) error {
	c.record(query)
	return c.Driver.Exec(ctx, query, args, v)
}

func (c *statementCounter) Query(ctx context.Context, query string, args, v any) error {
	c.record(query)
	return c.Driver.Query(ctx, query, args, v)
}

func (c *statementCounter) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := c.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return &countingTx{Tx: tx, c: c}, nil
}

// BeginTx is there for ent clients that ask for transaction options.
func (c *statementCounter) BeginTx(ctx context.Context, opts *sql.TxOptions) (dialect.Tx, error) {
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
	c *statementCounter
}

func (t *countingTx) Exec(ctx context.Context, query string, args, v any) error {
	t.c.record(query)
	return t.Tx.Exec(ctx, query, args, v)
}

func (t *countingTx) Query(ctx context.Context, query string, args, v any) error {
	t.c.record(query)
	return t.Tx.Query(ctx, query, args, v)
}
