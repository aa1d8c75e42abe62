package graph

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"slices"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	coderws "github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/teemaverkko/teemaverkko/docs"
	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/internal/auth"
	"github.com/teemaverkko/teemaverkko/internal/edit"
	"github.com/teemaverkko/teemaverkko/internal/events"
	"github.com/teemaverkko/teemaverkko/internal/observe"
	"github.com/teemaverkko/teemaverkko/internal/pagelimit"
	"github.com/teemaverkko/teemaverkko/internal/persisted"
	"github.com/teemaverkko/teemaverkko/internal/querylimit"
	"github.com/teemaverkko/teemaverkko/internal/requestid"
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
	// RequestTimeout bounds each HTTP request (0: DefaultRequestTimeout); WebSocket
	// subscriptions are not bounded.
	RequestTimeout time.Duration
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
// clients. It registers on client the checks of what mutations refer to (edit.Use):
// build one handler per client.
func NewHandler(client *ent.Client, cfg Config) http.Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	edit.Use(client)
	srv := handler.New(NewSchema(client, cfg.Dialect, cfg.Events))
	srv.AddTransport(websocketTransport(cfg.AllowedOrigins, cfg.Tokens))
	srv.AddTransport(transport.Options{})
	// GET and POST as the GraphQL over HTTP spec asks (graph/httpcompliance.go).
	srv.AddTransport(HTTPTransport{})
	// Outermost, so that it sees every response as the client does.
	srv.Use(observe.Extension{Metrics: cfg.Metrics, Logger: cfg.Logger})
	srv.SetQueryCache(pagelimit.Cache{Inner: lru.New[*ast.QueryDocument](1000), Limits: cfg.Limits})
	srv.SetParserTokenLimit(cmp.Or(cfg.MaxTokens, DefaultMaxTokens))
	if cfg.Production {
		srv.SetDisableSuggestion(true)
	} else {
		srv.Use(extension.Introspection{})
	}
	limits := querylimit.Defaults
	if cfg.QueryLimits != nil {
		limits = *cfg.QueryLimits
	}
	limits.DefaultPage = cfg.Limits.Default
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
	srv.Use(auth.Extension{ReadsNeedToken: cfg.ReadsNeedToken})
	srv.Use(subscriptionsOverWebsocket{})
	// Every mutation runs in one transaction, except importBundle, which runs its own.
	srv.Use(transactioner{client: client, logger: cfg.Logger})
	srv.SetErrorPresenter(errorPresenter(cfg.Logger))
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		cfg.Logger.ErrorContext(ctx, "panic in resolver", "request_id", requestid.FromContext(ctx),
			"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return fmt.Errorf("panic: %v", p)
	})
	var h http.Handler = maxBody(cmp.Or(cfg.MaxBodyBytes, DefaultMaxBodyBytes), srv)
	h = timeout(cmp.Or(cfg.RequestTimeout, DefaultRequestTimeout), h)
	return cfg.Tokens.Middleware(markWebsocket(h))
}

// timeout bounds the context of every request but WebSocket upgrades, so that database
// statements of a slow request are cancelled.
func timeout(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Context().Value(websocketKey{}) != nil {
			next.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// maxBody refuses request bodies larger than limit with 413.
func maxBody(limit int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > limit {
			http.Error(w, `{"errors":[{"message":"request body too large","extensions":{"code":"REQUEST_TOO_LARGE"}}]}`, http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

// websocketTransport speaks graphql-transport-ws and the legacy graphql-ws protocol,
// with keep-alive pings, to browsers of the allowed origins. A token may come in the
// connection-init payload ({"Authorization": "Bearer …"}), since browsers cannot set
// headers on a WebSocket.
func websocketTransport(origins []string, tokens *auth.Tokens) transport.Websocket {
	opts := coderws.AcceptOptions{}
	if len(origins) == 0 || slices.Contains(origins, "*") {
		opts.InsecureSkipVerify = true
	} else {
		for _, o := range origins {
			u, err := url.Parse(o)
			if err == nil && u.Host != "" {
				o = u.Host
			}
			opts.OriginPatterns = append(opts.OriginPatterns, o)
		}
	}
	return transport.Websocket{
		Implementation:        transport.CoderWebsocketImplementation{AcceptOptions: opts},
		KeepAlivePingInterval: 10 * time.Second,
		InitTimeout:           10 * time.Second,
		InitFunc: func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			ctx = tokens.WithAuthorization(ctx, p.Authorization())
			if !auth.Valid(ctx) {
				return nil, nil, errors.New("the token in the connection-init payload is not valid")
			}
			return ctx, nil, nil
		},
	}
}

// DefaultLimits are the page-size limits used when none are configured.
var DefaultLimits = pagelimit.Limits{Default: 20, Max: 100}
