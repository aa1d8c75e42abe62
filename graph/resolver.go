// Package graph holds the GraphQL schema files and the thin resolvers that translate
// GraphQL arguments into ent queries. gqlgen's generated code lives in graph/generated.
package graph

import (
	"github.com/99designs/gqlgen/graphql"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/graph/generated"
)

// Resolver is the root resolver: it holds what resolvers need and nothing else.
type Resolver struct {
	client *ent.Client
}

// NewSchema returns the executable GraphQL schema over the ent client.
func NewSchema(client *ent.Client) graphql.ExecutableSchema {
	return generated.NewExecutableSchema(generated.Config{
		Resolvers: &Resolver{client: client},
	})
}
