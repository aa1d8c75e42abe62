// Command server runs Teemaverkko: a GraphQL API over the knowledge base of municipal
// development themes, with GraphiQL at /. It uses an embedded SQLite database by default
// and PostgreSQL when DATABASE_URL is a postgres:// URL; on start it migrates the schema
// and loads the reference data and the seed knowledge (idempotently).
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"entgo.io/ent/dialect"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/teemaverkko/teemaverkko/docs"
	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/graph"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/events"
	"github.com/teemaverkko/teemaverkko/internal/gctune"
	"github.com/teemaverkko/teemaverkko/internal/observe"
	"github.com/teemaverkko/teemaverkko/internal/persisted"
	"github.com/teemaverkko/teemaverkko/internal/playground"
	"github.com/teemaverkko/teemaverkko/internal/ratelimit"
	"github.com/teemaverkko/teemaverkko/internal/search"
	"github.com/teemaverkko/teemaverkko/internal/seed"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	args := os.Args[1:]
	var err error
	switch {
	case len(args) > 0 && args[0] == "import":
		err = importCommand(ctx, args[1:], os.Getenv, os.Stdout)
	case len(args) > 0 && args[0] == "export":
		err = exportCommand(ctx, args[1:], os.Getenv, os.Stdout)
	case len(args) > 0 && args[0] == "gen":
		err = genCommand(ctx, args[1:], os.Getenv, os.Stdout)
	case len(args) > 0 && args[0] == "export-network":
		err = exportNetworkCommand(ctx, args[1:], os.Getenv, os.Stdout)
	case len(args) > 0 && args[0] == "token":
		err = tokenCommand(args[1:], os.Stdout)
	case len(args) > 0 && args[0] == "serve":
		err = run(ctx, args[1:], os.Getenv, os.Stderr)
	default:
		err = run(ctx, args, os.Getenv, os.Stderr)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

// run starts the server and serves until ctx ends (on SIGINT or SIGTERM). It listens at
// once: /healthz answers while the process lives, and /readyz and the API answer 503
// until the database is connected (retried with backoff while it is down), migrated and
// seeded.
func run(ctx context.Context, args []string, getenv func(string) string, logOut *os.File) error {
	cfg, err := parseConfig(args, getenv)
	if err != nil {
		return err
	}
	cfg.limiter = ratelimit.New(cfg.rate)
	cfg.clientKey = ratelimit.KeyFunc(ratelimit.KeyOptions{Tokens: cfg.tokens, ProxyHops: cfg.proxyHops})
	logger := newLogger(cfg.logFormat, logOut)
	gcSettings, gcTunedHere := gcDefaults(getenv)
	logger.Info("garbage collector", "settings", gcSettings)

	reg := observe.NewRegistry()
	metrics, err := observe.NewMetrics(reg, observe.Options{})
	if err != nil {
		return err
	}
	var ready atomic.Pointer[backend]
	baseCtx, cancelBase := context.WithCancel(context.Background())
	defer cancelBase()
	if gcTunedHere {
		go gctune.Govern(baseCtx, time.Second)
	}
	srv := &http.Server{
		Addr:    net.JoinHostPort("", strconv.Itoa(cfg.port)),
		Handler: routes(&ready, cfg, logger, reg, metrics),
		// Cancelled after shutdown has drained the HTTP requests, to end subscriptions.
		BaseContext:       func(net.Listener) context.Context { return baseCtx },
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	ln, err := net.Listen("tcp", srv.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	if !playground.Embedded() {
		logger.Warn(playground.NotBuiltMessage)
	}
	logger.Info("listening", "playground", fmt.Sprintf("http://localhost:%d/", cfg.port),
		"graphql", fmt.Sprintf("http://localhost:%d/graphql", cfg.port))

	connectCtx, stopConnecting := context.WithCancel(ctx)
	defer stopConnecting()
	go func() {
		b, err := connectWithRetry(connectCtx, cfg, logger, reg, metrics)
		if err != nil {
			if connectCtx.Err() == nil {
				errc <- err
			}
			return
		}
		ready.Store(b)
		logger.Info("ready", "database", b.db.Dialect)
	}()

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	stopConnecting()
	logger.Info("shutting down", "timeout", cfg.shutdownTimeout)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.shutdownTimeout)
	defer cancel()
	err = srv.Shutdown(shutdownCtx)
	cancelBase()
	if b := ready.Load(); b != nil {
		b.close()
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// backend is what the API needs once the database is up.
type backend struct {
	db     *database.DB
	client *ent.Client
	api    http.Handler
	close  func()
}

// connectWithRetry connects until it succeeds or ctx ends, waiting longer after each
// failure (from half a second up to 30 seconds). Only connecting is retried: a failed
// migration or seed is an error.
func connectWithRetry(ctx context.Context, cfg config, logger *slog.Logger, reg prometheus.Registerer, metrics *observe.Metrics) (*backend, error) {
	wait := 500 * time.Millisecond
	for {
		db, err := database.Open(ctx, cfg.databaseURL)
		if err == nil {
			return setUp(ctx, db, cfg, logger, reg, metrics)
		}
		logger.Warn("database unavailable; retrying", "error", err, "in", wait)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
		wait = min(wait*2, 30*time.Second)
	}
}

// setUp migrates and seeds the database and builds the API over it.
func setUp(ctx context.Context, db *database.DB, cfg config, logger *slog.Logger, reg prometheus.Registerer, metrics *observe.Metrics) (*backend, error) {
	client := db.Client()
	if err := database.Migrate(ctx, client); err != nil {
		db.Close()
		return nil, err
	}
	if err := search.Migrate(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	broker, closeBroker, err := newBroker(db, logger)
	if err != nil {
		db.Close()
		return nil, err
	}
	client.Use(events.Hook(broker, logger))
	if err := observe.RegisterDB(reg, db.SQL); err != nil {
		logger.Warn("database pool metrics", "error", err)
	}
	if s, ok := broker.(observe.Subscribed); ok {
		if err := observe.RegisterSubscribers(reg, s); err != nil {
			logger.Warn("subscriber metrics", "error", err)
		}
	}
	if cfg.seed {
		start := time.Now()
		if err := seed.Run(ctx, client, logger); err != nil {
			closeBroker()
			db.Close()
			return nil, fmt.Errorf("seed: %w", err)
		}
		logger.Info("seed knowledge loaded", "duration", time.Since(start).Round(time.Millisecond))
	}
	registry, err := persistedQueries(cfg.persistedDir)
	if err != nil {
		closeBroker()
		db.Close()
		return nil, err
	}
	if cfg.tokens.Len() == 0 {
		logger.Warn("no write tokens configured: the API is read-only (make one with 'go run ./server token editor')")
	}
	api := graph.NewHandler(client, graph.Config{
		Dialect: db.Dialect, Limits: cfg.limits, Logger: logger, Tokens: cfg.tokens, Events: broker, AllowedOrigins: cfg.corsOrigins,
		QueryLimits: &cfg.queryLimits, MaxBodyBytes: cfg.maxBodyBytes, Production: cfg.production,
		ReadsNeedToken: cfg.readsNeedToken, Persisted: registry, AllowListOnly: cfg.allowListOnly,
		RequestTimeout: cfg.requestTimeout, Metrics: metrics, RateLimit: cfg.limiter, ClientKey: cfg.clientKey,
	})
	return &backend{db: db, client: client, api: api, close: func() { closeBroker(); db.Close() }}, nil
}

// persistedQueries registers the example queries of docs/queries and those of dir.
func persistedQueries(dir string) (*persisted.Registry, error) {
	r := persisted.NewRegistry(docs.Texts()...)
	if dir != "" {
		if err := r.LoadDir(dir); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// newBroker returns the change-event broker: LISTEN/NOTIFY on PostgreSQL, so that
// subscribers on every instance see every change, and in process on SQLite.
func newBroker(db *database.DB, logger *slog.Logger) (events.Broker, func(), error) {
	if db.Dialect != dialect.Postgres {
		return events.NewLocal(), func() {}, nil
	}
	b, err := events.NewPostgres(db.SQL, db.URL, logger)
	if err != nil {
		return nil, nil, err
	}
	return b, func() { _ = b.Close() }, nil
}

func newLogger(format string, out *os.File) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(out, nil))
	}
	return slog.New(slog.NewTextHandler(out, nil))
}
