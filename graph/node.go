package graph

import (
	"context"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
)

// noder resolves one global ID; an ID that names no object resolves to null, as the
// Relay specification asks.
func noder(ctx context.Context, client *ent.Client, id pulid.ID) (ent.Noder, error) {
	n, err := client.Noder(ctx, id, ent.WithNodeType(ent.IDToType))
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return n, err
}

// noders resolves global IDs in order, with one query per type. An ID that names no
// object resolves to null, with a NOT_FOUND error at its index.
func noders(ctx context.Context, client *ent.Client, ids []pulid.ID) ([]ent.Noder, error) {
	if len(ids) == 1 {
		n, err := noder(ctx, client, ids[0])
		if err != nil {
			return nil, err
		}
		if n == nil {
			graphql.AddError(graphql.WithPathContext(ctx, graphql.NewPathWithIndex(0)), entgql.ErrNodeNotFound(ids[0]))
		}
		return []ent.Noder{n}, nil
	}
	return client.Noders(ctx, ids, ent.WithNodeType(ent.IDToType))
}
