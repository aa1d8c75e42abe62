package graph

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/internal/apierr"
	"github.com/teemaverkko/teemaverkko/internal/history"
	"github.com/teemaverkko/teemaverkko/internal/httpmw"
)

// transactioner runs each mutation operation in one transaction, as entgql's
// Transactioner does (its root fields one after another, all rolled back on any error),
// but reports a failure to open or commit with a stable code (UNAVAILABLE when the
// database is out of reach, else INTERNAL) instead of the driver's message. importBundle
// runs its own transaction and is skipped.
type transactioner struct {
	client *ent.Client
	logger *slog.Logger
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
	graphql.ResponseInterceptor
} = transactioner{}

func (transactioner) ExtensionName() string                   { return "Transactioner" }
func (transactioner) Validate(graphql.ExecutableSchema) error { return nil }

// skipTx reports whether an operation runs without the shared transaction: it is no
// mutation, or it imports a bundle (wherever the field sits: fragments, @include).
func skipTx(oc *graphql.OperationContext) bool {
	op := oc.Operation
	if op == nil || op.Operation != ast.Mutation {
		return true
	}
	for _, f := range graphql.CollectFields(oc, op.SelectionSet, []string{"Mutation"}) {
		if f.Name == "importBundle" {
			return true
		}
	}
	return false
}

const txKey = "transactioner"

// txState is a mutation's transaction bookkeeping: whether it has answered.
type txState struct{ answered atomic.Bool }

// MutateOperationContext serialises the root fields of a mutation, which share one
// transaction.
func (transactioner) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if skipTx(oc) {
		return nil
	}
	// Decided once here (the fields are collected once); InterceptResponse reads it. An
	// operation refused by an earlier extension never gets here, and runs no transaction.
	oc.Stats.SetExtension(txKey, &txState{})
	previous := oc.ResolverMiddleware
	var mu sync.Mutex
	oc.ResolverMiddleware = func(ctx context.Context, next graphql.Resolver) (any, error) {
		mu.Lock()
		defer mu.Unlock()
		return previous(ctx, next)
	}
	return nil
}

// InterceptResponse runs the mutation in a transaction, committed only when it had no
// error.
func (t transactioner) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if !graphql.HasOperationContext(ctx) {
		return next(ctx)
	}
	st, _ := graphql.GetOperationContext(ctx).Stats.GetExtension(txKey).(*txState)
	if st == nil || st.answered.Swap(true) {
		// No transaction wanted, or the mutation has answered and a transport that reads
		// responses until none is left (the WebSocket one) asks for the end of the stream.
		return next(ctx)
	}
	txCtx, tx, err := t.client.OpenTx(ctx)
	if err != nil {
		return t.failure(ctx, "open transaction", err)
	}
	if err := history.LockWriters(txCtx, ent.TxFromContext(txCtx)); err != nil {
		_ = tx.Rollback()
		return t.failure(ctx, "lock writers", err)
	}
	defer func() {
		if r := recover(); r != nil {
			_ = tx.Rollback()
			panic(r)
		}
	}()
	rsp := next(txCtx)
	if rsp == nil {
		_ = tx.Rollback()
		return nil
	}
	if len(rsp.Errors) > 0 {
		_ = tx.Rollback()
		return &graphql.Response{Errors: rsp.Errors, Extensions: rsp.Extensions}
	}
	if err := tx.Commit(); err != nil {
		return t.failure(ctx, "commit transaction", err)
	}
	return rsp
}

func (t transactioner) failure(ctx context.Context, what string, err error) *graphql.Response {
	id := httpmw.RequestIDFrom(ctx)
	t.logger.ErrorContext(ctx, what, "request_id", id, "error", err)
	e := &gqlerror.Error{Message: "internal error", Extensions: map[string]any{"code": CodeInternal, "requestId": id}}
	if apierr.IsUnavailable(err) {
		e.Message, e.Extensions["code"] = "the database is unavailable; try again shortly", apierr.Unavailable
	}
	return &graphql.Response{Errors: gqlerror.List{e}}
}
