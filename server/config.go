package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/teemaverkko/teemaverkko/internal/auth"
	"github.com/teemaverkko/teemaverkko/internal/gctune"
	"github.com/teemaverkko/teemaverkko/internal/pagelimit"
	"github.com/teemaverkko/teemaverkko/internal/querylimit"
	"github.com/teemaverkko/teemaverkko/internal/ratelimit"
)

// config is every setting of the server, from flags with environment fallbacks.
type config struct {
	port            int
	databaseURL     string
	seed            bool
	limits          pagelimit.Limits
	corsOrigins     []string
	logFormat       string
	shutdownTimeout time.Duration
	tokens          *auth.Tokens
	queryLimits     querylimit.Limits
	maxBodyBytes    int64
	production      bool
	readsNeedToken  bool
	persistedDir    string
	allowListOnly   bool
	requestTimeout  time.Duration
	rate            ratelimit.Config
	proxyHops       int

	// Made from the above by run: one limiter and one way of telling clients apart for
	// every route and transport.
	limiter   *ratelimit.Limiter
	clientKey func(*http.Request) string
}

// parseConfig reads the flags of args, each defaulting to its environment variable.
func parseConfig(args []string, getenv func(string) string) (config, error) {
	var c config
	var envErrs []string
	envInt := func(getenv func(string) string, key string, def int) int {
		v := getenv(key)
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			envErrs = append(envErrs, fmt.Sprintf("%s must be a whole number, got %q", key, v))
			return def
		}
		return n
	}
	envBool := func(getenv func(string) string, key string, def bool) bool {
		v := getenv(key)
		if v == "" {
			return def
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			envErrs = append(envErrs, fmt.Sprintf("%s must be true or false, got %q", key, v))
			return def
		}
		return b
	}
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.IntVar(&c.port, "port", envInt(getenv, "PORT", 8080), "HTTP port (env PORT)")
	fs.StringVar(&c.databaseURL, "database-url", envString(getenv, "DATABASE_URL", "data/teemaverkko.db"),
		"postgres://… URL, or the path of the embedded SQLite database file (env DATABASE_URL)")
	fs.BoolVar(&c.seed, "seed", envBool(getenv, "SEED", true), "load reference data and seed knowledge at start (env SEED)")
	fs.IntVar(&c.limits.Default, "default-page-size", envInt(getenv, "DEFAULT_PAGE_SIZE", 20),
		"page size of a connection asked for without first/last (env DEFAULT_PAGE_SIZE)")
	fs.IntVar(&c.limits.Max, "max-page-size", envInt(getenv, "MAX_PAGE_SIZE", 100),
		"largest first/last accepted (env MAX_PAGE_SIZE)")
	origins := fs.String("cors-origins", envString(getenv, "CORS_ORIGINS", "*"),
		"comma-separated origins allowed to call the API from a browser, or * (env CORS_ORIGINS)")
	fs.StringVar(&c.logFormat, "log-format", envString(getenv, "LOG_FORMAT", "text"), "text or json (env LOG_FORMAT)")
	tokens := fs.String("tokens", envString(getenv, "API_TOKENS", ""),
		"write tokens as role:sha256hex entries, comma-separated; make one with 'server token editor' (env API_TOKENS)")
	jwtSecretFile := fs.String("jwt-hs256-secret-file", envString(getenv, "JWT_HS256_SECRET_FILE", ""), "a file holding the HS256 secret of accepted JWTs (env JWT_HS256_SECRET_FILE)")
	var jwtKeys stringList
	fs.Var(&jwtKeys, "jwt-rs256-public-key", "a PEM file of an RS256 public key of accepted JWTs; repeatable (env JWT_RS256_PUBLIC_KEYS, comma-separated)")
	jwtIssuer := fs.String("jwt-issuer", envString(getenv, "JWT_ISSUER", ""), "the iss claim JWTs must carry (env JWT_ISSUER)")
	jwtAudience := fs.String("jwt-audience", envString(getenv, "JWT_AUDIENCE", ""), "the aud claim JWTs must carry (env JWT_AUDIENCE)")
	tokensFile := fs.String("tokens-file", envString(getenv, "API_TOKENS_FILE", ""),
		"a file of role:sha256hex lines (env API_TOKENS_FILE)")
	c.queryLimits = querylimit.Defaults
	fs.IntVar(&c.queryLimits.MaxDepth, "max-depth", envInt(getenv, "MAX_DEPTH", querylimit.Defaults.MaxDepth), "deepest nesting of an operation (env MAX_DEPTH)")
	fs.IntVar(&c.queryLimits.MaxAliases, "max-aliases", envInt(getenv, "MAX_ALIASES", querylimit.Defaults.MaxAliases), "aliases per operation (env MAX_ALIASES)")
	fs.IntVar(&c.queryLimits.MaxCost, "max-cost", envInt(getenv, "MAX_COST", querylimit.Defaults.MaxCost), "largest cost (objects an operation may return) (env MAX_COST)")
	fs.IntVar(&c.queryLimits.MaxInputDepth, "max-input-depth", envInt(getenv, "MAX_INPUT_DEPTH", querylimit.Defaults.MaxInputDepth), "deepest nesting of input objects and lists in an argument (env MAX_INPUT_DEPTH)")
	fs.IntVar(&c.queryLimits.MaxInputValues, "max-input-values", envInt(getenv, "MAX_INPUT_VALUES", querylimit.Defaults.MaxInputValues), "values in an operation's arguments (env MAX_INPUT_VALUES)")
	maxBody := fs.Int("max-body-bytes", envInt(getenv, "MAX_BODY_BYTES", 8<<20), "largest request body (env MAX_BODY_BYTES)")
	fs.BoolVar(&c.production, "production", envBool(getenv, "PRODUCTION", false), "turn introspection and field suggestions off (env PRODUCTION)")
	fs.BoolVar(&c.readsNeedToken, "reads-need-token", envBool(getenv, "READS_NEED_TOKEN", false), "make queries and subscriptions need a token too (env READS_NEED_TOKEN)")
	fs.StringVar(&c.persistedDir, "persisted-queries", envString(getenv, "PERSISTED_QUERIES_DIR", ""), "a folder of *.graphql files to register besides docs/queries (env PERSISTED_QUERIES_DIR)")
	fs.BoolVar(&c.allowListOnly, "allow-list-only", envBool(getenv, "ALLOW_LIST_ONLY", false), "execute only registered queries (env ALLOW_LIST_ONLY)")
	requestTimeout := fs.String("request-timeout", envString(getenv, "REQUEST_TIMEOUT", "30s"), "the longest an HTTP request may run (env REQUEST_TIMEOUT)")
	rate := fs.String("rate-limit", envString(getenv, "RATE_LIMIT", "20"), "requests per second per client (token or address); 0 turns limiting off (env RATE_LIMIT)")
	fs.IntVar(&c.rate.Burst, "rate-burst", envInt(getenv, "RATE_BURST", 40), "requests a client may send at once before the rate applies (env RATE_BURST)")
	fs.IntVar(&c.proxyHops, "trusted-proxy-hops", envInt(getenv, "TRUSTED_PROXY_HOPS", 0), "reverse proxies in front whose X-Forwarded-For is trusted (env TRUSTED_PROXY_HOPS)")
	fs.DurationVar(&c.shutdownTimeout, "shutdown-timeout", 15*time.Second, "how long to drain requests on shutdown")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if len(envErrs) > 0 {
		return c, fmt.Errorf("environment: %s", strings.Join(envErrs, "; "))
	}
	for _, o := range strings.Split(*origins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.corsOrigins = append(c.corsOrigins, o)
		}
	}
	var err error
	if c.rate.Rate, err = strconv.ParseFloat(*rate, 64); err != nil || c.rate.Rate < 0 {
		return c, fmt.Errorf("rate limit must be a non-negative number of requests per second, got %q", *rate)
	}
	if c.requestTimeout, err = time.ParseDuration(*requestTimeout); err != nil || c.requestTimeout <= 0 {
		return c, fmt.Errorf("request timeout must be a positive duration such as 30s, got %q", *requestTimeout)
	}
	c.maxBodyBytes = int64(*maxBody)
	if c.maxBodyBytes < 1024 {
		return c, fmt.Errorf("max body bytes must be at least 1024, got %d", c.maxBodyBytes)
	}
	spec := *tokens
	if *tokensFile != "" {
		b, err := os.ReadFile(*tokensFile)
		if err != nil {
			return c, fmt.Errorf("tokens file: %w", err)
		}
		spec += "\n" + string(b)
	}
	if c.tokens, err = auth.ParseTokens(spec); err != nil {
		return c, err
	}
	if len(jwtKeys) == 0 && getenv("JWT_RS256_PUBLIC_KEYS") != "" {
		jwtKeys = strings.Split(getenv("JWT_RS256_PUBLIC_KEYS"), ",")
	}
	jwtCfg := auth.JWTConfig{RS256PublicKeyFiles: jwtKeys, Issuer: *jwtIssuer, Audience: *jwtAudience}
	if *jwtSecretFile != "" {
		b, err := os.ReadFile(*jwtSecretFile)
		if err != nil {
			return c, fmt.Errorf("JWT secret: %w", err)
		}
		jwtCfg.HS256Secret = strings.TrimSpace(string(b))
	}
	if c.tokens.JWT, err = auth.NewJWT(jwtCfg); err != nil {
		return c, err
	}
	if c.port < 1 || c.port > 65535 {
		return c, fmt.Errorf("port must be between 1 and 65535, got %d", c.port)
	}
	if c.logFormat != "text" && c.logFormat != "json" {
		return c, fmt.Errorf("log format must be text or json, got %q", c.logFormat)
	}
	if err := c.limits.Validate(); err != nil {
		return c, err
	}
	return c, nil
}

// The garbage collector's settings when the environment sets neither GOGC nor GOMEMLIMIT.
// A serving process keeps a small live heap (about 20 MB) and allocates much per request,
// so with Go's default (GOGC=100) it collected after every few requests: a third of the CPU
// under load. Collecting at five times the live heap, with a soft limit of 100 MiB that
// makes it collect sooner when memory grows, served a third more requests/s on the nested
// list and on a page of 50 (BENCHMARKS.md) with a peak RSS of 133 MB instead of 112 MB.
// Under a limit below the live heap the collector would never stop, so the limit follows
// the live heap (gctune.Govern: at least four times it), and a theme network build, whose
// working set grows fast, runs under Go's defaults (gctune.Suspend).
var gcTuned = gctune.Settings{Percent: 400, Limit: 100 << 20}

// gcDefaults applies gcTuned unless the environment sets GOGC or GOMEMLIMIT (then Go's
// runtime has read them, and both are the operator's); it says what the collector runs
// with, and whether the server tunes it (then gctune.Govern must run).
func gcDefaults(getenv func(string) string) (string, bool) {
	if gogc, limit := getenv("GOGC"), getenv("GOMEMLIMIT"); gogc != "" || limit != "" {
		return "from the environment: GOGC=" + gogc + " GOMEMLIMIT=" + limit, false
	}
	gctune.Apply(gcTuned)
	return "GOGC=" + strconv.Itoa(gcTuned.Percent) + " GOMEMLIMIT=" + strconv.FormatInt(gcTuned.Limit>>20, 10) +
		"MiB, or four times the live heap if more", true
}

func envString(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (l *stringList) Set(s string) error {
	*l = append(*l, s)
	return nil
}
