package graph

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/teemaverkko/teemaverkko/docs"
	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/graph/authz"
	"github.com/teemaverkko/teemaverkko/graph/observe"
	"github.com/teemaverkko/teemaverkko/graph/pagelimit"
	"github.com/teemaverkko/teemaverkko/graph/persisted"
	"github.com/teemaverkko/teemaverkko/graph/querylimit"
	"github.com/teemaverkko/teemaverkko/internal/auth"
	"github.com/teemaverkko/teemaverkko/internal/countcache"
	"github.com/teemaverkko/teemaverkko/internal/edit"
	"github.com/teemaverkko/teemaverkko/internal/errcode"
	"github.com/teemaverkko/teemaverkko/internal/events"
	"github.com/teemaverkko/teemaverkko/internal/history"
	"github.com/teemaverkko/teemaverkko/internal/httpmw"
	"github.com/teemaverkko/teemaverkko/internal/network"
	"github.com/teemaverkko/teemaverkko/internal/ratelimit"
	"github.com/teemaverkko/teemaverkko/internal/timeline"
)

// Config is what the GraphQL handler needs beyond the ent client.
type Config struct {
	// Dialect is the database's dialect ("postgres" or "sqlite3").
	Dialect string
	// Limits bound the page size of every connection.
	Limits pagelimit.Limits
	// Logger receives internal errors and recovered panics.
	Logger *slog.Logger
	// Tokens are the accepted write tokens; with none, every write is refused.
	Tokens *auth.Tokens
	// Events is the broker subscriptions listen to; the client's writes must reach it
	// (events.Hook).
	Events events.Broker
	// Networks builds and caches the theme networks (nil: built for each request, without
	// a cache). The caller owns it: the server shares it with the network export and
	// closes it on shutdown.
	Networks *network.Service
	// AllowedOrigins are the origins browsers may open WebSockets from ("*": any).
	AllowedOrigins []string
	// QueryLimits bound depth, aliases, directives and cost (zero value: querylimit.Defaults).
	QueryLimits *querylimit.Limits
	// MaxBodyBytes bounds a request body (0: DefaultMaxBodyBytes).
	MaxBodyBytes int64
	// MaxTokens bounds the tokens of a document (0: DefaultMaxTokens).
	MaxTokens int
	// Production turns introspection and "did you mean" suggestions off.
	Production bool
	// ReadsNeedToken makes queries and subscriptions need a token of any role.
	ReadsNeedToken bool
	// Persisted are the registered queries (nil: the example queries of docs/queries);
	// with AllowListOnly, no other query is executed.
	Persisted     *persisted.Registry
	AllowListOnly bool
	// Metrics records requests, latencies and error codes (nil: none); operations are
	// logged through Logger either way.
	Metrics *observe.Metrics
	// RequestTimeout bounds each HTTP request, and each query and mutation over a
	// WebSocket (0: DefaultRequestTimeout); subscriptions are not bounded.
	RequestTimeout time.Duration
	// RateLimit is the per-client limiter of every operation sent over a WebSocket (nil:
	// none); the server's HTTP routes share it, so that a client has one budget whatever
	// the transport.
	RateLimit *ratelimit.Limiter
	// ClientKey tells clients apart for the rate limit and the WebSocket limits (nil:
	// ratelimit.ClientKey).
	ClientKey func(*http.Request) string
	// Websocket bounds WebSocket connections and subscriptions (zero fields:
	// DefaultWebsocketLimits).
	Websocket WebsocketLimits
	// Counts keeps the totalCount of connections until the next write (nil: a cache of
	// countcache's default bounds for this handler).
	Counts *countcache.Cache
	// RootFieldConcurrency bounds the root fields of one query that run at once, and so
	// the database connections one request holds (0: DefaultRootFieldConcurrency).
	RootFieldConcurrency int
}

// Defaults of Config.
const (
	DefaultMaxBodyBytes   = 8 << 20
	DefaultMaxTokens      = 5000
	DefaultRequestTimeout = 30 * time.Second
)

// NewHandler builds the GraphQL HTTP handler that the server and the tests share:
// explicit transports (GET for queries, POST), bearer-token roles for writes, a query
// cache that applies default page sizes, page-size limits, persisted queries, one
// transaction per mutation, and an error presenter that keeps internal detail from
// clients. It registers on client the checks of what mutations refer to (edit.Use) and
// the hooks that keep appearance dates in step (timeline.Use): build one handler per
// client.
func NewHandler(client *ent.Client, cfg Config) http.Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	edit.Use(client)
	timeline.Use(client)
	history.Use(client)
	schema := newSchema(client, cfg.Dialect, cfg.Events, cfg.Networks)
	srv := handler.New(schema)
	wsLimits := cfg.Websocket.withDefaults()
	if cfg.ClientKey == nil {
		cfg.ClientKey = ratelimit.ClientKey
	}
	socks := &sockets{
		limits: wsLimits, key: cfg.ClientKey, limiter: cfg.RateLimit,
		timeout: cmp.Or(cfg.RequestTimeout, DefaultRequestTimeout), perClient: map[string]int{},
	}
	srv.AddTransport(websocketTransport(cfg.AllowedOrigins, cfg.Tokens, wsLimits))
	srv.AddTransport(transport.Options{})
	// GET and POST as the GraphQL over HTTP spec asks (graph/httpcompliance.go).
	srv.AddTransport(HTTPTransport{})
	// Outermost, so that it sees every response as the client does.
	srv.Use(observe.Extension{Metrics: cfg.Metrics, Logger: cfg.Logger})
	// Before anything that collects fields, which gqlgen does by panicking on a null
	// @include or @skip condition.
	srv.Use(conditionsDefined{})
	srv.SetQueryCache(pagelimit.Cache{Inner: lru.New[*ast.QueryDocument](1000), Limits: cfg.Limits})
	srv.SetParserTokenLimit(cmp.Or(cfg.MaxTokens, DefaultMaxTokens))
	if cfg.Production {
		srv.SetDisableSuggestion(true)
		srv.SetValidationRulesFn(rulesWithoutSuggestions)
		srv.Use(introspectionOff{})
	} else {
		srv.SetValidationRulesFn(defaultRules)
		srv.Use(extension.Introspection{})
	}
	limits := querylimit.Defaults
	if cfg.QueryLimits != nil {
		limits = *cfg.QueryLimits
	}
	limits.DefaultPage, limits.MaxPage = cfg.Limits.Default, cfg.Limits.Max
	// Page sizes first, so that an oversized first or last is named as such.
	srv.Use(pagelimit.Extension{Limits: cfg.Limits})
	srv.Use(querylimit.Extension{Limits: limits})
	registry := cfg.Persisted
	if registry == nil {
		registry = persisted.NewRegistry(docs.Texts()...)
	}
	// Registered queries first, so that a hash of one is served without a prior APQ round.
	srv.Use(persisted.Extension{Registry: registry, AllowListOnly: cfg.AllowListOnly})
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](1000)})
	srv.Use(&authz.Extension{ReadsNeedToken: cfg.ReadsNeedToken})
	srv.Use(subscriptionsOverWebsocket{})
	srv.Use(websocketOperations{s: socks})
	// The version in every response: the mutation's own change set, or the one version
	// a query saw from its start to its end, under which the count cache keeps counts.
	counts := cfg.Counts
	if counts == nil {
		counts = countcache.New(0, 0)
	}
	presenter := errorPresenter(cfg.Logger)
	// The panic is logged; the client gets a code and the request ID, never the panic's
	// text (the WebSocket transport sends this error as it is, without the presenter).
	recoverFunc := func(ctx context.Context, p any) error {
		id := httpmw.RequestIDFrom(ctx)
		cfg.Logger.ErrorContext(ctx, "panic in resolver", "request_id", id,
			"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return &gqlerror.Error{Message: "internal error", Extensions: map[string]any{"code": errcode.Internal, "requestId": id}}
	}
	srv.Use(versionExtension{client: client, counts: counts, known: new(atomic.Int64), schema: schema, presenter: presenter, recover: recoverFunc})
	// Every mutation runs in one transaction, except importBundle, which runs its own.
	srv.Use(transactioner{client: client, logger: cfg.Logger})
	srv.Use(cursorCheck{})
	srv.Use(rootFieldLimit{n: cmp.Or(cfg.RootFieldConcurrency, DefaultRootFieldConcurrency)})
	srv.SetErrorPresenter(presenter)
	srv.SetRecoverFunc(recoverFunc)
	var h http.Handler = httpmw.MaxBody(cmp.Or(cfg.MaxBodyBytes, DefaultMaxBodyBytes), srv)
	h = httpmw.Timeout(cmp.Or(cfg.RequestTimeout, DefaultRequestTimeout), isWebsocket, h)
	return cfg.Tokens.Middleware(markWebsocket(holdUntilWritten(socks.gate(h))))
}

// DefaultLimits are the page-size limits used when none are configured.
var DefaultLimits = pagelimit.DefaultLimits
