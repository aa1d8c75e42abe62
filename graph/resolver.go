// Package graph holds the GraphQL schema files and the thin resolvers that translate
// GraphQL arguments into ent queries. gqlgen's generated code lives in graph/generated.
package graph

import (
	"github.com/99designs/gqlgen/graphql"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/graph/generated"
	"github.com/teemaverkko/teemaverkko/internal/events"
)

// Resolver is the root resolver: it holds what resolvers need and nothing else.
type Resolver struct {
	client   *ent.Client
	events   events.Broker
	dialect  string
	networks *networkCache
	loads    *eventLoads
}

// NewSchema returns the executable GraphQL schema over the ent client of a database of
// the given dialect ("postgres" or "sqlite3", for search); subscriptions listen to the
// broker (nil: no live changes).
func NewSchema(client *ent.Client, dialect string, broker events.Broker) graphql.ExecutableSchema {
	// Theme networks are cached only when a broker tells of changes.
	cache := newNetworkCache(broker)
	if broker == nil {
		broker = events.NewLocal()
	}
	return generated.NewExecutableSchema(generated.Config{
		Resolvers: &Resolver{client: client, events: broker, dialect: dialect, networks: cache, loads: newEventLoads()},
	})
}
