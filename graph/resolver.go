// Package graph holds the GraphQL schema files and the thin resolvers that translate
// GraphQL arguments into ent queries. gqlgen's generated code lives in graph/generated.
package graph

import (
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/schema/calendar"
	"github.com/teemaverkko/teemaverkko/graph/generated"
	"github.com/teemaverkko/teemaverkko/internal/events"
	"github.com/teemaverkko/teemaverkko/internal/network"
)

// Resolver is the root resolver: it holds what resolvers need and nothing else.
type Resolver struct {
	client   *ent.Client
	events   events.Broker
	dialect  string
	networks *network.Service
	loads    *eventLoads
	pasts    *pastCache
}

// NewSchema returns the executable GraphQL schema over the ent client of a database of
// the given dialect ("postgres" or "sqlite3", for search); subscriptions listen to the
// broker (nil: no live changes). Theme networks are built for each request, without a
// cache; NewHandler takes the server's network.Service.
func NewSchema(client *ent.Client, dialect string, broker events.Broker) graphql.ExecutableSchema {
	return newSchema(client, dialect, broker, nil)
}

// newSchema is NewSchema with the service that builds theme networks (nil: one without a
// cache, which needs no Close).
func newSchema(client *ent.Client, dialect string, broker events.Broker, networks *network.Service) graphql.ExecutableSchema {
	if broker == nil {
		broker = events.NewLocal()
	}
	if networks == nil {
		networks = network.NewService(client, network.Options{})
	}
	return generated.NewExecutableSchema(generated.Config{
		Resolvers: &Resolver{client: client, events: broker, dialect: dialect, networks: networks, loads: newEventLoads(), pasts: newPastCache()},
	})
}

// referenceDatePrecision is the precision of a date of the municipality reference data,
// which gives days: DAY, or nil when there is no date.
func referenceDatePrecision(d *time.Time) *calendar.Precision {
	if d == nil {
		return nil
	}
	p := calendar.Day
	return &p
}
