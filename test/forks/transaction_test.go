package forks

import (
	"context"
	"database/sql/driver"
	"errors"
	"strings"
	"testing"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/teemaverkko/teemaverkko/graph"
)

type fakeTx struct{}

func (fakeTx) Commit() error   { return nil }
func (fakeTx) Rollback() error { return nil }

// TestForkTransactionSkip: graph/transaction.go's transactioner skips importBundle by its
// name, and stands in for entgql.Transactioner, for reasons that still hold: entgql's
// SkipIfHasFields does not see a field inside a fragment, its Transactioner shows the
// driver's text when a transaction cannot be opened, and it fails on the end of a
// WebSocket stream (a nil response).
func TestForkTransactionSkip(t *testing.T) {
	f := transactionSkip
	schema := graph.NewSchema(nil, "sqlite3", nil).Schema()
	if schema.Mutation == nil || schema.Mutation.Fields.ForName("importBundle") == nil {
		f.errorf(t, "the schema has no Mutation.importBundle, which skipTx names: give skipTx the field's new name")
	}

	doc, err := parser.ParseQuery(&ast.Source{Input: `mutation { ...Import } fragment Import on Mutation { importBundle(bundle: "{}") { dryRun } }`})
	if err != nil {
		t.Fatal(err)
	}
	if entgql.SkipIfHasFields("importBundle")(doc.Operations[0]) {
		f.errorf(t, "entgql.SkipIfHasFields now sees a field inside a fragment: one reason less for skipTx; see whether entgql.Transactioner{SkipTxFunc: …} can take its place")
	}

	ctx := graphql.WithOperationContext(context.Background(), &graphql.OperationContext{
		Operation: &ast.OperationDefinition{Operation: ast.Mutation},
	})
	const driverText = "dial tcp 192.0.2.1:5432: connect: connection refused"
	unreachable := entgql.Transactioner{TxOpener: entgql.TxOpenerFunc(func(context.Context) (context.Context, driver.Tx, error) {
		return nil, nil, errors.New(driverText)
	})}
	rsp := unreachable.InterceptResponse(ctx, func(context.Context) *graphql.Response { return &graphql.Response{} })
	if rsp == nil || len(rsp.Errors) == 0 || !strings.Contains(rsp.Errors[0].Message, driverText) {
		f.errorf(t, "entgql.Transactioner no longer shows the driver's text when a transaction cannot be opened (%+v): one reason less for graph/transaction.go's own transactioner", rsp)
	}

	opens := entgql.Transactioner{TxOpener: entgql.TxOpenerFunc(func(ctx context.Context) (context.Context, driver.Tx, error) {
		return ctx, fakeTx{}, nil
	})}
	panicked := func() (p bool) {
		defer func() { p = recover() != nil }()
		opens.InterceptResponse(ctx, func(context.Context) *graphql.Response { return nil })
		return false
	}()
	if !panicked {
		f.errorf(t, "entgql.Transactioner now takes the end of a stream (a nil response): one reason less for graph/transaction.go's own transactioner")
	}
}
