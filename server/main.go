// Command server runs Teemaverkko: a GraphQL API over the knowledge base of municipal
// development themes, with GraphiQL at /. It uses an embedded SQLite database by default
// and PostgreSQL when DATABASE_URL is a postgres:// URL; on start it migrates the schema
// and loads the reference data and the seed knowledge (idempotently).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
	"unicode/utf8"

	"entgo.io/ent/dialect"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/teemaverkko/teemaverkko/docs"
	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/graph"
	"github.com/teemaverkko/teemaverkko/graph/observe"
	"github.com/teemaverkko/teemaverkko/graph/persisted"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/events"
	"github.com/teemaverkko/teemaverkko/internal/explorer"
	"github.com/teemaverkko/teemaverkko/internal/gctune"
	"github.com/teemaverkko/teemaverkko/internal/history"
	"github.com/teemaverkko/teemaverkko/internal/network"
	"github.com/teemaverkko/teemaverkko/internal/playground"
	"github.com/teemaverkko/teemaverkko/internal/ratelimit"
	"github.com/teemaverkko/teemaverkko/internal/search"
	"github.com/teemaverkko/teemaverkko/internal/seed"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := runMain(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// runMain runs the command named by args (the server when none is) and returns the exit
// code: 0 when it succeeded or printed the help it was asked for (to stdout), 1 after
// printing what went wrong to stderr.
func runMain(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	name := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	cmd, ok := findCommand(name)
	if !ok {
		fmt.Fprintf(stderr, "server: unknown command %q; run 'server -help' for the commands\n", name)
		return 1
	}
	err := cmd.run(ctx, args, getenv, stdout, stderr)
	var help *helpRequest
	switch {
	case err == nil:
		return 0
	case errors.As(err, &help):
		fmt.Fprint(stdout, help.usage)
		return 0
	default:
		fmt.Fprintln(stderr, "server:", err)
		return 1
	}
}

// command is a command of the server binary.
type command struct {
	name string
	// args are its arguments in the usage: "[flags]", then the positional ones.
	args string
	// summary is one line for the list of commands; help says more in its own usage.
	summary, help string
	run           func(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error
}

func (c command) synopsis() string { return c.name + " " + c.args }

// commands lists the commands, the server first.
func commands() []command {
	return []command{
		{name: "serve", args: "[flags]", summary: "run the server (the default command)",
			run: func(ctx context.Context, args []string, getenv func(string) string, _, stderr io.Writer) error {
				return run(ctx, args, getenv, stderr)
			}},
		{name: "import", args: "[flags] FILE…", summary: "apply bundle files to the database (an idempotent upsert)",
			help: "Applies JSON bundle files (docs/bundle.schema.json) to the database, in order: what is\n" +
				"missing is created, what differs is updated, nothing is deleted; any problem rolls the\n" +
				"file back and is listed with its place in the bundle. Loads the reference data first.",
			run: func(ctx context.Context, args []string, getenv func(string) string, stdout, _ io.Writer) error {
				return importCommand(ctx, args, getenv, stdout)
			}},
		{name: "export", args: "[flags]", summary: "write the knowledge base, or some seminars, as a bundle",
			help: "Writes the whole knowledge base as a JSON bundle, or only the seminars named with\n" +
				"-seminar and what they refer to. Importing it into an empty database gives the same\n" +
				"knowledge. With -as-of, writes it as it stood at that version (from its history).",
			run: func(ctx context.Context, args []string, getenv func(string) string, stdout, _ io.Writer) error {
				return exportCommand(ctx, args, getenv, stdout)
			}},
		{name: "prune-history", args: "[flags]", summary: "delete the revision history older than a date",
			help: "Deletes the revisions older than -before, keeping for every object its latest revision\n" +
				"before it (its state then). Exports and views as of the last version before the date\n" +
				"and any later one stay the same; older versions are refused from then on.",
			run: func(ctx context.Context, args []string, getenv func(string) string, stdout, _ io.Writer) error {
				return pruneHistoryCommand(ctx, args, getenv, stdout)
			}},
		{name: "export-network", args: "[flags]", summary: "write the theme network as GraphML, GEXF (also dynamic) or CSV, or the mixed graph",
			help: "Writes the theme network as GET /export/network serves it: the same formats and\n" +
				"filters (see the README).",
			run: func(ctx context.Context, args []string, getenv func(string) string, stdout, _ io.Writer) error {
				return exportNetworkCommand(ctx, args, getenv, stdout)
			}},
		{name: "gen", args: "[flags]", summary: "fill an empty database with a synthetic knowledge base",
			help: "Fills an empty database with a synthetic knowledge base on the real municipalities,\n" +
				"for experiments at scale; the same seed gives the same content.",
			run: func(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
				return genCommand(ctx, args, getenv, stdout, stderr)
			}},
		{name: "token", args: "ROLE", summary: "make a token for ROLE (reader, editor or admin)",
			help: "Prints a new random token for ROLE (reader, editor or admin), and the role:hash entry\n" +
				"to add to API_TOKENS: the server keeps only the hash.",
			run: func(_ context.Context, args []string, getenv func(string) string, stdout, _ io.Writer) error {
				return tokenCommand(args, getenv, stdout)
			}},
		{name: "help", args: "[COMMAND]", summary: "print the usage of the server, or of a command",
			help: "Prints the usage of the server, or of COMMAND.",
			run:  helpCommand},
	}
}

// findCommand returns the command called name.
func findCommand(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// helpCommand prints the usage of the server or of the command it names: server help [COMMAND]
func helpCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	f := newEnvFlags("help", getenv)
	if err := f.parse(args); err != nil {
		return err
	}
	name := "serve"
	switch f.fs.NArg() {
	case 0:
	case 1:
		name = f.fs.Arg(0)
	default:
		return f.usageError("want at most one command")
	}
	cmd, ok := findCommand(name)
	if !ok {
		return fmt.Errorf("unknown command %q; run 'server -help' for the commands", name)
	}
	return cmd.run(ctx, []string{"-help"}, getenv, stdout, stderr)
}

// serverUsage is the head of the server's usage: how to call it, and its commands.
func serverUsage() string {
	var b strings.Builder
	b.WriteString("Usage: server [serve] [flags]\n       server COMMAND [flags] [ARGUMENTS]\n\n" +
		"Teemaverkko serves a GraphQL API over a knowledge base of municipal development themes:\n" +
		"GraphiQL at /, the API at /graphql. It uses an embedded SQLite file unless -database-url\n" +
		"is a postgres:// URL, and migrates and seeds the database at start.\n\nCommands:\n")
	width := 0
	for _, c := range commands() {
		width = max(width, utf8.RuneCountInString(c.synopsis()))
	}
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %s%s  %s\n", c.synopsis(), strings.Repeat(" ", width-utf8.RuneCountInString(c.synopsis())), c.summary)
	}
	b.WriteString("\nRun 'server COMMAND -help' for the flags and arguments of a command.\n")
	return b.String()
}

// run starts the server and serves until ctx ends (on SIGINT or SIGTERM). It listens at
// once: /healthz answers while the process lives, and /readyz and the API answer 503
// until the database is connected (retried with backoff while it is down), migrated and
// seeded.
func run(ctx context.Context, args []string, getenv func(string) string, logOut io.Writer) error {
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
	if !explorer.Embedded() {
		logger.Warn(explorer.NotBuiltMessage)
	}
	logger.Info("listening", "playground", fmt.Sprintf("http://localhost:%d/", cfg.port),
		"explorer", fmt.Sprintf("http://localhost:%d%s", cfg.port, explorer.Path),
		"graphql", fmt.Sprintf("http://localhost:%d/graphql", cfg.port))

	connectCtx, stopConnecting := context.WithCancel(ctx)
	defer stopConnecting()
	connected := make(chan struct{}) // closed when connecting has succeeded or given up
	go func() {
		defer close(connected)
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
	// A backend whose set-up was finishing as the signal came is closed too (its network
	// service's goroutine, the broker, the pool).
	select {
	case <-connected:
	case <-shutdownCtx.Done():
	}
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
	db       *database.DB
	client   *ent.Client
	api      http.Handler
	networks *network.Service
	close    func()
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
	if err := search.UseAnalyzer(cfg.searchAnalyzer); err != nil {
		db.Close()
		return nil, err
	}
	logger.Info("search analyser", "analyzer", search.Analyzer())
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
	history.Use(client)
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
		if err := seed.Run(history.WithActor(ctx, history.Actor{Role: "SYSTEM", ID: "seed"}), client, logger); err != nil {
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
	// One service builds and caches theme networks for the API and the export, emptied
	// by every change event (from every instance, through the broker).
	networks := network.NewService(client, network.Options{Events: broker, Logger: logger})
	api := graph.NewHandler(client, graph.Config{
		Dialect: db.Dialect, Limits: cfg.limits, Logger: logger, Tokens: cfg.tokens, Events: broker, Networks: networks,
		AllowedOrigins: cfg.corsOrigins, QueryLimits: &cfg.queryLimits, MaxBodyBytes: cfg.maxBodyBytes, Production: cfg.production,
		ReadsNeedToken: cfg.readsNeedToken, Persisted: registry, AllowListOnly: cfg.allowListOnly,
		RequestTimeout: cfg.requestTimeout, Metrics: metrics, RateLimit: cfg.limiter, ClientKey: cfg.clientKey,
		MaxTokens: cfg.maxTokens, Websocket: cfg.websocket, RootFieldConcurrency: cfg.rootFields,
	})
	return &backend{db: db, client: client, api: api, networks: networks,
		close: func() { networks.Close(); closeBroker(); db.Close() }}, nil
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

func newLogger(format string, out io.Writer) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(out, nil))
	}
	return slog.New(slog.NewTextHandler(out, nil))
}
