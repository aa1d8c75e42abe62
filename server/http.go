package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/teemaverkko/teemaverkko/graph"
	"github.com/teemaverkko/teemaverkko/internal/observe"
	"github.com/teemaverkko/teemaverkko/internal/playground"
	"github.com/teemaverkko/teemaverkko/internal/ratelimit"
	"github.com/teemaverkko/teemaverkko/internal/requestid"
)

// routes wires the HTTP endpoints: the playground at /, the API at /graphql, liveness at
// /healthz and readiness (connected, and the database answers) at /readyz. Until the
// backend is ready, the API answers 503 with the code UNAVAILABLE.
func routes(ready *atomic.Pointer[backend], cfg config, logger *slog.Logger, reg *prometheus.Registry, metrics *observe.Metrics) http.Handler {
	mux := http.NewServeMux()
	limit := ratelimit.New(cfg.rate).Middleware(ratelimit.KeyFunc(ratelimit.KeyOptions{Tokens: cfg.tokens, ProxyHops: cfg.proxyHops}),
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b := ready.Load()
			if b == nil {
				unavailable(w, "the server is starting: the database is not connected yet")
				return
			}
			b.api.ServeHTTP(w, r)
		}))
	// The limiter sits inside CORS, so that browsers can read a 429.
	mux.Handle("/graphql", metrics.InstrumentHTTP("/graphql", cors(cfg.corsOrigins, limit)))
	mux.Handle("GET /metrics", observe.Handler(reg))
	pg := playground.Handler("Teemaverkko", "/graphql")
	mux.Handle("GET /{$}", pg)
	mux.Handle("GET "+playground.AssetPrefix, pg)
	if cfg.schemaEndpoint {
		sdl := []byte(graph.SDL())
		mux.Handle("GET /schema.graphql", cors(cfg.corsOrigins, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/graphql; charset=utf-8")
			_, _ = w.Write(sdl)
		})))
	}
	mux.Handle("GET /export/network", cors(cfg.corsOrigins, networkExportHandler(ready)))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
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
	})
	return requestid.Middleware(securityHeaders(accessLog(logger, mux)))
}

// unavailable answers 503 with a GraphQL-shaped error.
func unavailable(w http.ResponseWriter, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Retry-After", "5")
	w.WriteHeader(http.StatusServiceUnavailable)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []any{map[string]any{"message": message, "extensions": map[string]any{"code": "UNAVAILABLE"}}},
	})
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
