package main

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/teemaverkko/teemaverkko/graph"
	"github.com/teemaverkko/teemaverkko/graph/observe"
	"github.com/teemaverkko/teemaverkko/internal/auth"
	"github.com/teemaverkko/teemaverkko/internal/errcode"
	"github.com/teemaverkko/teemaverkko/internal/explorer"
	"github.com/teemaverkko/teemaverkko/internal/httpmw"
	"github.com/teemaverkko/teemaverkko/internal/playground"
)

// route is one endpoint of the server.
type route struct {
	// method is the one method the route serves (with HEAD, and OPTIONS for CORS
	// preflights), or "" when the handler takes any.
	method string
	path   string
	// open routes answer everyone, without limit: the playground, the explorer and their
	// assets (a browser must load the page to type a token into it; neither page holds
	// data, which they read from /graphql), liveness and readiness. Every other route is a
	// read route (see routes).
	open bool
	// ownAuth marks the read route that applies the read rule itself: /graphql, per
	// operation (mutations need more than reads, and WebSocket clients send their token
	// in the connection-init payload).
	ownAuth bool
	handler http.Handler
}

// routeTable lists the endpoints: the playground at /, the network explorer at
// /explore, the API at /graphql, the SDL at
// /schema.graphql (when configured), the network export, metrics, liveness at /healthz
// and readiness (connected, and the database answers) at /readyz. Until the backend is
// ready, the API answers 503 with the code UNAVAILABLE.
func routeTable(ready *atomic.Pointer[backend], cfg config, logger *slog.Logger, reg *prometheus.Registry) []route {
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := ready.Load()
		if b == nil {
			unavailable(w, "the server is starting: the database is not connected yet")
			return
		}
		b.api.ServeHTTP(w, r)
	})
	pg := playground.Handler("Teemaverkko", "/graphql")
	ex := explorer.Handler("Teemaverkko", "/graphql", "/export/network")
	table := []route{
		{path: "/graphql", ownAuth: true, handler: api},
		{method: http.MethodGet, path: "/export/network", handler: networkExportHandler(ready)},
		{method: http.MethodGet, path: "/export/search", handler: searchExportHandler(ready, cfg.limits)},
		{method: http.MethodGet, path: "/metrics", handler: observe.Handler(reg)},
		{method: http.MethodGet, path: "/{$}", open: true, handler: pg},
		{method: http.MethodGet, path: playground.AssetPrefix, open: true, handler: pg},
		{method: http.MethodGet, path: explorer.Path, open: true, handler: ex},
		{method: http.MethodGet, path: explorer.AssetPrefix, open: true, handler: ex},
		{method: http.MethodGet, path: "/healthz", open: true, handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			_, _ = w.Write([]byte("ok\n"))
		})},
		{method: http.MethodGet, path: "/readyz", open: true, handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			b := ready.Load()
			if b == nil {
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = w.Write([]byte("starting\n"))
				return
			}
			ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
			defer cancel()
			if err := b.db.SQL.PingContext(ctx); err != nil {
				logger.WarnContext(ctx, "not ready", "error", err)
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = w.Write([]byte("database unavailable\n"))
				return
			}
			_, _ = w.Write([]byte("ok\n"))
		})},
	}
	if cfg.schemaEndpoint {
		sdl := []byte(graph.SDL())
		table = append(table, route{method: http.MethodGet, path: "/schema.graphql", handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/graphql; charset=utf-8")
			_, _ = w.Write(sdl)
		})})
	}
	return table
}

// routes wires the endpoints of routeTable. Every read route (every route not open)
// passes, outermost first: metrics, CORS (so that browsers can read the refusals
// below), one per-client rate limiter shared by all read routes (a client has one
// bucket, whichever route it calls: 429 RATE_LIMITED), and the read rule of /graphql
// (@auth(requires: READER) in the schema): with -reads-need-token, a valid token of any role, or 401
// UNAUTHENTICATED.
func routes(ready *atomic.Pointer[backend], cfg config, logger *slog.Logger, reg *prometheus.Registry, metrics *observe.Metrics) http.Handler {
	mux := http.NewServeMux()
	readNeeds := auth.Anonymous // what a query needs: @auth(requires: READER)
	if cfg.readsNeedToken {
		readNeeds = auth.Reader
	}
	for _, rt := range routeTable(ready, cfg, logger, reg) {
		h := rt.handler
		if rt.method != "" {
			h = httpmw.AllowMethod(rt.method, h)
		}
		if !rt.open {
			if !rt.ownAuth {
				h = cfg.tokens.Require(readNeeds, h)
			}
			h = metrics.InstrumentHTTP(rt.path, httpmw.CORS(cfg.corsOrigins, cfg.limiter.Middleware(cfg.clientKey, h)))
		}
		mux.Handle(rt.path, h)
	}
	return httpmw.RequestID(httpmw.SecurityHeaders(httpmw.AccessLog(logger, mux)))
}

// unavailable answers 503 with a GraphQL-shaped error.
func unavailable(w http.ResponseWriter, message string) {
	w.Header().Set("Retry-After", "5")
	errcode.WriteHTTP(w, http.StatusServiceUnavailable, errcode.Unavailable, message)
}
