package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// DefaultRootFieldConcurrency is how many root fields of one operation run at once when
// Config.RootFieldConcurrency is 0.
const DefaultRootFieldConcurrency = 4

// rootFieldLimit bounds how many root fields of one query run at once. gqlgen runs a
// query's root fields concurrently, each on its own database connection, so one request
// of many aliased root fields (a: themes … b: themes …) could hold as many of the pool's
// connections as it has fields and make every other request wait; with the bound a
// request holds at most n, and the rest of its fields wait their turn. Mutations run
// their root fields one after another anyway.
type rootFieldLimit struct{ n int }

type rootFieldSlotsKey struct{}

var (
	_ graphql.HandlerExtension     = rootFieldLimit{}
	_ graphql.OperationInterceptor = rootFieldLimit{}
	_ graphql.RootFieldInterceptor = rootFieldLimit{}
)

func (rootFieldLimit) ExtensionName() string                   { return "RootFieldLimit" }
func (rootFieldLimit) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptOperation gives the operation its slots.
func (l rootFieldLimit) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	return next(context.WithValue(ctx, rootFieldSlotsKey{}, make(chan struct{}, l.n)))
}

// InterceptRootField runs the field once one of the operation's slots is free.
func (rootFieldLimit) InterceptRootField(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	slots, _ := ctx.Value(rootFieldSlotsKey{}).(chan struct{})
	if slots == nil {
		return next(ctx)
	}
	select {
	case slots <- struct{}{}:
	case <-ctx.Done():
		graphql.AddError(ctx, ctx.Err())
		return graphql.Null
	}
	defer func() { <-slots }()
	return next(ctx)
}
