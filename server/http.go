package main

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/teemaverkko/teemaverkko/graph"
	"github.com/teemaverkko/teemaverkko/internal/auth"
	"github.com/teemaverkko/teemaverkko/internal/errcode"
	"github.com/teemaverkko/teemaverkko/internal/observe"
	"github.com/teemaverkko/teemaverkko/internal/playground"
	"github.com/teemaverkko/teemaverkko/internal/requestid"
)

// route is one endpoint of the server.
type route struct {
	// method is the one method the route serves (with HEAD, and OPTIONS for CORS
	// preflights), or "" when the handler takes any.
	method string
	path   string
	// open routes answer everyone, without limit: the playground and its assets (a
	// browser must load the page to type a token into it), liveness and readiness. Every
	// other route is a read route (see routes).
	open bool
	// ownAuth marks the read route that applies the read rule itself: /graphql, per
	// operation (mutations need more than reads, and WebSocket clients send their token
	// in the connection-init payload).
	ownAuth bool
	handler http.Handler
}

// routeTable lists the endpoints: the playground at /, the API at /graphql, the SDL at
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
	table := []route{
		{path: "/graphql", ownAuth: true, handler: api},
		{method: http.MethodGet, path: "/export/network", handler: networkExportHandler(ready)},
		{method: http.MethodGet, path: "/metrics", handler: observe.Handler(reg)},
		{method: http.MethodGet, path: "/{$}", open: true, handler: pg},
		{method: http.MethodGet, path: playground.AssetPrefix, open: true, handler: pg},
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
			h = allowMethod(rt.method, h)
		}
		if !rt.open {
			if !rt.ownAuth {
				h = cfg.tokens.Require(readNeeds, h)
			}
			h = metrics.InstrumentHTTP(rt.path, cors(cfg.corsOrigins, cfg.limiter.Middleware(cfg.clientKey, h)))
		}
		mux.Handle(rt.path, h)
	}
	return requestid.Middleware(securityHeaders(accessLog(logger, mux)))
}

// allowMethod serves method (and HEAD with GET) with next, answers CORS preflights
// (OPTIONS) with 204, and refuses other methods with 405.
func allowMethod(method string, next http.Handler) http.Handler {
	allow := method + ", OPTIONS"
	if method == http.MethodGet {
		allow = "GET, HEAD, OPTIONS"
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == method || (method == http.MethodGet && r.Method == http.MethodHead):
			next.ServeHTTP(w, r)
		case r.Method == http.MethodOptions:
			w.Header().Set("Allow", allow)
			w.WriteHeader(http.StatusNoContent)
		default:
			w.Header().Set("Allow", allow)
			errcode.WriteHTTP(w, http.StatusMethodNotAllowed, errcode.BadInput, r.Method+" is not allowed here: use "+method)
		}
	})
}

// unavailable answers 503 with a GraphQL-shaped error.
func unavailable(w http.ResponseWriter, message string) {
	w.Header().Set("Retry-After", "5")
	errcode.WriteHTTP(w, http.StatusServiceUnavailable, errcode.Unavailable, message)
}

// securityHeaders sets the headers every response should carry.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

// cors lets browsers on the allowed origins call the API.
func cors(origins []string, next http.Handler) http.Handler {
	any := slices.Contains(origins, "*")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin != "" && (any || slices.Contains(origins, origin)) {
			h := w.Header()
			if any {
				h.Set("Access-Control-Allow-Origin", "*")
			} else {
				h.Set("Access-Control-Allow-Origin", origin)
				h.Add("Vary", "Origin")
			}
			h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "Content-Type, Authorization, X-Request-ID")
			h.Set("Access-Control-Expose-Headers", requestid.Header)
			h.Set("Access-Control-Max-Age", "600")
		}
		next.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Hijack lets WebSocket upgrades through: they take over the connection.
func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, fmt.Errorf("the response writer cannot be hijacked")
	}
	w.status = http.StatusSwitchingProtocols
	return h.Hijack()
}

// Flush passes flushes through, for streamed responses.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// accessLog logs every request with its request ID, status and duration.
func accessLog(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("request_id", requestid.FromContext(r.Context())),
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", sw.status),
			slog.Duration("duration", time.Since(start)))
	})
}
