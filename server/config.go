package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/graph"
	"github.com/teemaverkko/teemaverkko/graph/pagelimit"
	"github.com/teemaverkko/teemaverkko/graph/querylimit"
	"github.com/teemaverkko/teemaverkko/internal/auth"
	"github.com/teemaverkko/teemaverkko/internal/gctune"
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
	searchAnalyzer  string
	shutdownTimeout time.Duration
	tokens          *auth.Tokens
	queryLimits     querylimit.Limits
	maxBodyBytes    int64
	production      bool
	readsNeedToken  bool
	// schemaEndpoint serves the SDL at /schema.graphql: by default unless production.
	schemaEndpoint bool
	persistedDir   string
	allowListOnly  bool
	requestTimeout time.Duration
	rate           ratelimit.Config
	proxyHops      int
	maxTokens      int
	rootFields     int
	websocket      graph.WebsocketLimits
	// flags are the flags the configuration was read from, for documentation.
	flags *envFlags

	// Made from the above by run: one limiter and one way of telling clients apart for
	// every route and transport.
	limiter   *ratelimit.Limiter
	clientKey func(*http.Request) string
}

// databaseURLFlag declares -database-url, shared by the server and every command that
// opens the database.
func databaseURLFlag(f *envFlags, p *string) {
	f.stringVar(p, "database-url", "DATABASE_URL", "data/teemaverkko.db",
		"a postgres://… `URL`, or the path of the embedded SQLite database file")
}

// parseConfig reads the flags of args, each defaulting to its environment variable.
func parseConfig(args []string, getenv func(string) string) (config, error) {
	var c config
	f := newEnvFlags("serve", getenv)
	c.flags = f
	f.intVar(&c.port, "port", "PORT", 8080, "HTTP `port`")
	databaseURLFlag(f, &c.databaseURL)
	f.boolVar(&c.seed, "seed", "SEED", true, "load reference data and seed knowledge at start")
	f.intVar(&c.limits.Default, "default-page-size", "DEFAULT_PAGE_SIZE", pagelimit.DefaultLimits.Default, "page size of a connection asked for without first/last")
	f.intVar(&c.limits.Max, "max-page-size", "MAX_PAGE_SIZE", pagelimit.DefaultLimits.Max, "largest first/last accepted")
	var origins string
	f.stringVar(&origins, "cors-origins", "CORS_ORIGINS", "*", "comma-separated `origins` allowed to call the API from a browser, or *")
	f.stringVar(&c.logFormat, "log-format", "LOG_FORMAT", "text", "text or json")
	f.stringVar(&c.searchAnalyzer, "search-analyzer", "SEARCH_ANALYZER", "auto", "the Finnish analyser of search: auto (Voikko when installed, else Snowball stems), voikko or snowball")
	var tokens, tokensFile, jwtSecretFile, jwtIssuer, jwtAudience string
	f.stringVar(&tokens, "tokens", "API_TOKENS", "",
		"`tokens` as role:sha256hex entries, comma-separated; make one with 'server token editor'")
	f.stringVar(&tokensFile, "tokens-file", "API_TOKENS_FILE", "", "a `file` of role:sha256hex lines")
	f.stringVar(&jwtSecretFile, "jwt-hs256-secret-file", "JWT_HS256_SECRET_FILE", "", "a `file` holding the HS256 secret of accepted JWTs")
	var jwtKeys []string
	f.listVar(&jwtKeys, "jwt-rs256-public-key", "JWT_RS256_PUBLIC_KEYS", "a PEM `file` of an RS256 public key of accepted JWTs; repeatable (comma-separated in the variable)")
	f.stringVar(&jwtIssuer, "jwt-issuer", "JWT_ISSUER", "", "the iss claim JWTs must carry")
	f.stringVar(&jwtAudience, "jwt-audience", "JWT_AUDIENCE", "", "the aud claim JWTs must carry")
	c.queryLimits = querylimit.Defaults
	f.intVar(&c.queryLimits.MaxDepth, "max-depth", "MAX_DEPTH", querylimit.Defaults.MaxDepth, "deepest nesting of an operation")
	f.intVar(&c.queryLimits.MaxAliases, "max-aliases", "MAX_ALIASES", querylimit.Defaults.MaxAliases, "aliases per operation")
	f.intVar(&c.queryLimits.MaxCost, "max-cost", "MAX_COST", querylimit.Defaults.MaxCost, "largest cost (objects an operation may return)")
	f.intVar(&c.queryLimits.MaxDirectives, "max-directives", "MAX_DIRECTIVES", querylimit.Defaults.MaxDirectives, "directives per operation")
	f.intVar(&c.queryLimits.MaxQueryBytes, "max-query-bytes", "MAX_QUERY_BYTES", querylimit.Defaults.MaxQueryBytes, "longest query text, checked before parsing")
	f.intVar(&c.maxTokens, "max-tokens", "MAX_TOKENS", graph.DefaultMaxTokens, "tokens of a query document")
	f.intVar(&c.rootFields, "root-field-concurrency", "ROOT_FIELD_CONCURRENCY", graph.DefaultRootFieldConcurrency, "root fields of one query running at once (and so database connections one request holds)")
	f.intVar(&c.queryLimits.MaxInputDepth, "max-input-depth", "MAX_INPUT_DEPTH", querylimit.Defaults.MaxInputDepth, "deepest nesting of input objects and lists in an argument")
	f.intVar(&c.queryLimits.MaxFilterString, "max-filter-string", "MAX_FILTER_STRING", querylimit.Defaults.MaxFilterString, "characters of a string in a where filter")
	f.intVar(&c.queryLimits.MaxInputValues, "max-input-values", "MAX_INPUT_VALUES", querylimit.Defaults.MaxInputValues, "values in an operation's arguments (scalars, input fields, list items)")
	var maxBody int
	f.intVar(&maxBody, "max-body-bytes", "MAX_BODY_BYTES", graph.DefaultMaxBodyBytes, "largest request body")
	f.intVar(&c.websocket.ConnectionsPerClient, "ws-connections-per-client", "WS_CONNECTIONS_PER_CLIENT", graph.DefaultWebsocketLimits.ConnectionsPerClient, "open WebSocket connections of one client (token or address)")
	f.intVar(&c.websocket.Connections, "ws-connections", "WS_CONNECTIONS", graph.DefaultWebsocketLimits.Connections, "open WebSocket connections of this server")
	f.intVar(&c.websocket.SubscriptionsPerConnection, "ws-subscriptions-per-connection", "WS_SUBSCRIPTIONS_PER_CONNECTION", graph.DefaultWebsocketLimits.SubscriptionsPerConnection, "active subscriptions of one WebSocket connection")
	f.intVar(&c.websocket.Subscriptions, "ws-subscriptions", "WS_SUBSCRIPTIONS", graph.DefaultWebsocketLimits.Subscriptions, "active subscriptions of this server")
	f.boolVar(&c.production, "production", "PRODUCTION", false, "turn introspection and field suggestions off")
	f.boolVar(&c.readsNeedToken, "reads-need-token", "READS_NEED_TOKEN", false, "make queries and subscriptions need a token too")
	var schemaEndpointSet bool
	f.optionalBoolVar(&c.schemaEndpoint, &schemaEndpointSet, "schema-endpoint", "SCHEMA_ENDPOINT",
		"serve the SDL at /schema.graphql (default true, or false with -production)")
	f.stringVar(&c.persistedDir, "persisted-queries", "PERSISTED_QUERIES_DIR", "", "a `folder` of *.graphql files to register besides docs/queries")
	f.boolVar(&c.allowListOnly, "allow-list-only", "ALLOW_LIST_ONLY", false, "execute only registered queries")
	f.durationVar(&c.requestTimeout, "request-timeout", "REQUEST_TIMEOUT", 30*time.Second, "the longest an HTTP request may run")
	f.floatVar(&c.rate.Rate, "rate-limit", "RATE_LIMIT", 20, "requests per second per client (token or address); 0 turns limiting off")
	f.intVar(&c.rate.Burst, "rate-burst", "RATE_BURST", 40, "requests a client may send at once before the rate applies")
	f.intVar(&c.proxyHops, "trusted-proxy-hops", "TRUSTED_PROXY_HOPS", 0, "reverse proxies in front whose X-Forwarded-For is trusted")
	f.durationVar(&c.shutdownTimeout, "shutdown-timeout", "SHUTDOWN_TIMEOUT", 15*time.Second, "how long in-flight requests may drain on SIGINT/SIGTERM")
	if err := f.parse(args); err != nil {
		return c, err
	}
	if f.fs.NArg() > 0 {
		if cmd, ok := findCommand(f.fs.Arg(0)); ok {
			return c, fmt.Errorf("the command %s comes before its flags: server %s", cmd.name, cmd.synopsis())
		}
		return c, fmt.Errorf("unknown command %q; run 'server -help' for the commands", f.fs.Arg(0))
	}
	if !schemaEndpointSet {
		c.schemaEndpoint = !c.production
	}
	for _, o := range strings.Split(origins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.corsOrigins = append(c.corsOrigins, o)
		}
	}
	if c.rate.Rate < 0 || math.IsNaN(c.rate.Rate) || math.IsInf(c.rate.Rate, 0) {
		return c, fmt.Errorf("rate limit must be a non-negative number of requests per second, got %v", c.rate.Rate)
	}
	if c.requestTimeout <= 0 {
		return c, fmt.Errorf("request timeout must be a positive duration such as 30s, got %v", c.requestTimeout)
	}
	if c.shutdownTimeout < 0 {
		return c, fmt.Errorf("shutdown timeout must not be negative, got %v", c.shutdownTimeout)
	}
	if c.rootFields < 1 {
		return c, fmt.Errorf("root field concurrency must be at least 1, got %d", c.rootFields)
	}
	c.maxBodyBytes = int64(maxBody)
	if c.maxBodyBytes < 1024 {
		return c, fmt.Errorf("max body bytes must be at least 1024, got %d", c.maxBodyBytes)
	}
	spec := tokens
	if tokensFile != "" {
		b, err := os.ReadFile(tokensFile)
		if err != nil {
			return c, fmt.Errorf("tokens file: %w", err)
		}
		spec += "\n" + string(b)
	}
	var err error
	if c.tokens, err = auth.ParseTokens(spec); err != nil {
		return c, err
	}
	jwtCfg := auth.JWTConfig{RS256PublicKeyFiles: jwtKeys, Issuer: jwtIssuer, Audience: jwtAudience}
	if jwtSecretFile != "" {
		b, err := os.ReadFile(jwtSecretFile)
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
	c.logFormat = strings.ToLower(c.logFormat)
	if c.logFormat != "text" && c.logFormat != "json" {
		return c, fmt.Errorf("log format must be text or json, got %q", c.logFormat)
	}
	if err := c.limits.Validate(); err != nil {
		return c, err
	}
	return c, nil
}

// importConfig is what the import command does: server import [flags] FILE…
type importConfig struct {
	databaseURL string
	dryRun      bool
	files       []string
}

func parseImportConfig(args []string, getenv func(string) string) (importConfig, error) {
	var c importConfig
	f := newEnvFlags("import", getenv)
	databaseURLFlag(f, &c.databaseURL)
	f.boolVar(&c.dryRun, "dry-run", "IMPORT_DRY_RUN", false, "report what would change, and write nothing")
	if err := f.parse(args); err != nil {
		return c, err
	}
	if c.files = f.fs.Args(); len(c.files) == 0 {
		return c, f.usageError("no bundle file given")
	}
	return c, nil
}

// exportConfig is what the export command writes: server export [flags]
type exportConfig struct {
	databaseURL string
	output      string
	seminars    []pulid.ID
	asOf        int64 // 0: now
}

func parseExportConfig(args []string, getenv func(string) string) (exportConfig, error) {
	var c exportConfig
	f := newEnvFlags("export", getenv)
	databaseURLFlag(f, &c.databaseURL)
	f.stringVar(&c.output, "o", "EXPORT_OUTPUT", "-", "the `file` to write, or - for standard output")
	var seminars []string
	f.listVar(&seminars, "seminar", "EXPORT_SEMINARS", "export only this seminar (its `ID`) and what it refers to; repeatable (comma-separated in the variable)")
	f.int64Var(&c.asOf, "as-of", "EXPORT_AS_OF", 0, "export the knowledge base as it stood at this `version` (from 1; without it, as it is now)")
	if err := f.parse(args); err != nil {
		return c, err
	}
	// Given (as a flag or in the variable), a version is one the API would accept as
	// asOf: from 1. Only its absence means now.
	given := getenv("EXPORT_AS_OF") != ""
	f.fs.Visit(func(fl *flag.Flag) { given = given || fl.Name == "as-of" })
	if given && c.asOf < 1 {
		return c, f.usageError(fmt.Sprintf("as-of: versions start at 1, got %d (leave -as-of out for the knowledge base as it is now)", c.asOf))
	}
	if f.fs.NArg() > 0 {
		return c, f.usageError(fmt.Sprintf("unexpected argument %q", f.fs.Arg(0)))
	}
	for _, s := range seminars {
		id := pulid.ID(s)
		if !id.Valid() {
			return c, fmt.Errorf("seminar: %q is not a valid ID", s)
		}
		c.seminars = append(c.seminars, id)
	}
	return c, nil
}

// pruneConfig is what the prune-history command deletes: server prune-history -before DATE
type pruneConfig struct {
	databaseURL string
	before      time.Time
}

func parsePruneConfig(args []string, getenv func(string) string) (pruneConfig, error) {
	var c pruneConfig
	f := newEnvFlags("prune-history", getenv)
	databaseURLFlag(f, &c.databaseURL)
	var before string
	f.stringVar(&before, "before", "PRUNE_BEFORE", "", "delete the history older than this `date` (YYYY-MM-DD, or an RFC 3339 time)")
	if err := f.parse(args); err != nil {
		return c, err
	}
	if f.fs.NArg() > 0 {
		return c, f.usageError(fmt.Sprintf("unexpected argument %q", f.fs.Arg(0)))
	}
	if before == "" {
		return c, f.usageError("-before is required")
	}
	t, err := time.Parse("2006-01-02", before)
	if err != nil {
		if t, err = time.Parse(time.RFC3339, before); err != nil {
			return c, fmt.Errorf("before: %q is neither a date (YYYY-MM-DD) nor an RFC 3339 time", before)
		}
	}
	// A cut later than now would prune the history of the versions still to come: what
	// the history is kept for. Refused, whatever the clocks of other writers say.
	if now := time.Now(); t.After(now) {
		return c, fmt.Errorf("before: %s is later than now (%s): give -before a date in the past", before, now.UTC().Format(time.RFC3339))
	}
	c.before = t
	return c, nil
}

// exportNetworkConfig is what the export-network command writes:
// server export-network [flags]
type exportNetworkConfig struct {
	databaseURL string
	output      string
	request     networkRequest
}

func parseExportNetworkConfig(args []string, getenv func(string) string) (exportNetworkConfig, error) {
	var c exportNetworkConfig
	f := newEnvFlags("export-network", getenv)
	databaseURLFlag(f, &c.databaseURL)
	f.stringVar(&c.output, "o", "EXPORT_NETWORK_OUTPUT", "-", "the `file` to write, or - for standard output")
	var format, from, to, minWeight, by, matchThreshold string
	f.stringVar(&format, "format", "EXPORT_NETWORK_FORMAT", "graphml", "the `format`: "+formatNames())
	lists := map[string]*[]string{"seminar": nil, "term": nil, "municipality": nil, "region": nil, "signals": nil}
	for _, l := range []struct{ name, env, usage string }{
		{"seminar", "EXPORT_NETWORK_SEMINARS", "only the evidence of this seminar (its `ID`)"},
		{"term", "EXPORT_NETWORK_TERMS", "only the evidence of this network term (its `ID`)"},
		{"municipality", "EXPORT_NETWORK_MUNICIPALITIES", "only the evidence concerning this municipality (its `ID`)"},
		{"region", "EXPORT_NETWORK_REGIONS", "only the evidence concerning this region (its `ID`)"},
		{"signals", "EXPORT_NETWORK_SIGNALS", "the `signals` that make edges: " + signalNames() + " (default " + defaultSignalNames() + ": what the seminars discussed)"},
	} {
		lists[l.name] = new([]string)
		f.listVar(lists[l.name], l.name, l.env, l.usage+"; repeatable or comma-separated")
	}
	f.stringVar(&from, "from", "EXPORT_NETWORK_FROM", "", "only evidence from this `date` on (YYYY-MM-DD)")
	f.stringVar(&to, "to", "EXPORT_NETWORK_TO", "", "only evidence up to this `date` (YYYY-MM-DD)")
	f.stringVar(&minWeight, "minWeight", "EXPORT_NETWORK_MIN_WEIGHT", "1", "the smallest edge `weight` kept")
	f.stringVar(&by, "by", "EXPORT_NETWORK_BY", "year", "what dynamic-gexf slices by: term or `year`")
	f.stringVar(&matchThreshold, "matchThreshold", "EXPORT_NETWORK_MATCH_THRESHOLD", "0.3",
		"the least Jaccard `overlap` at which dynamic-gexf matches communities across slices")
	if err := f.parse(args); err != nil {
		return c, err
	}
	if f.fs.NArg() > 0 {
		return c, f.usageError(fmt.Sprintf("unexpected argument %q", f.fs.Arg(0)))
	}
	q := url.Values{"format": {format}, "from": {from}, "to": {to}, "minWeight": {minWeight}, "by": {by}, "matchThreshold": {matchThreshold}}
	for name, l := range lists {
		q[name] = *l
	}
	var err error
	c.request, err = parseNetworkRequest(q)
	return c, err
}

// genConfig is what the gen command makes: server gen [flags]
type genConfig struct {
	databaseURL string
	scale       float64
	seed        int64
	quiet       bool
}

func parseGenConfig(args []string, getenv func(string) string) (genConfig, error) {
	var c genConfig
	f := newEnvFlags("gen", getenv)
	databaseURLFlag(f, &c.databaseURL)
	f.floatVar(&c.scale, "scale", "GEN_SCALE", 1, "`size`: 1 is 200 seminars, 2,000 sessions and 20,000 outcomes; linear")
	f.int64Var(&c.seed, "seed", "GEN_SEED", 1, "random `seed`: the same seed gives the same content")
	f.boolVar(&c.quiet, "quiet", "GEN_QUIET", false, "no progress on stderr (a bar on a terminal, else a log line every 5 s)")
	if err := f.parse(args); err != nil {
		return c, err
	}
	if f.fs.NArg() > 0 {
		return c, f.usageError(fmt.Sprintf("unexpected argument %q", f.fs.Arg(0)))
	}
	return c, nil
}

// parseTokenArgs reads the role of the token command: server token ROLE
func parseTokenArgs(args []string, getenv func(string) string) (auth.Role, error) {
	f := newEnvFlags("token", getenv)
	if err := f.parse(args); err != nil {
		return auth.Anonymous, err
	}
	if f.fs.NArg() != 1 {
		return auth.Anonymous, f.usageError("want exactly one role: reader, editor or admin")
	}
	return auth.ParseRole(strings.ToLower(f.fs.Arg(0)))
}

// envFlags declares the flags of a command, each with the environment variable its
// default comes from: every flag of the server and of its commands is declared here,
// through it, so that none lacks a variable and the usage names each one.
type envFlags struct {
	fs     *flag.FlagSet
	cmd    command
	getenv func(string) string
	envs   map[string]string // flag name → variable
	errs   []string          // variables that could not be read
}

func newEnvFlags(name string, getenv func(string) string) *envFlags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	// main prints the usage (on -help, to standard output) and the errors.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	cmd, _ := findCommand(name)
	return &envFlags{fs: fs, cmd: cmd, getenv: getenv, envs: map[string]string{}}
}

// env records the flag's variable and returns its value ("" when unset).
func (f *envFlags) env(name, env string) string {
	f.envs[name] = env
	return f.getenv(env)
}

func withEnv(usage, env string) string { return usage + " (env " + env + ")" }

func (f *envFlags) envError(env, want, got string) {
	f.errs = append(f.errs, fmt.Sprintf("%s must be %s, got %q", env, want, got))
}

func (f *envFlags) stringVar(p *string, name, env, def, usage string) {
	if v := f.env(name, env); v != "" {
		def = v
	}
	f.fs.StringVar(p, name, def, withEnv(usage, env))
}

func (f *envFlags) intVar(p *int, name, env string, def int, usage string) {
	if v := f.env(name, env); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			def = n
		} else {
			f.envError(env, "a whole number", v)
		}
	}
	f.fs.IntVar(p, name, def, withEnv(usage, env))
}

func (f *envFlags) int64Var(p *int64, name, env string, def int64, usage string) {
	if v := f.env(name, env); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			def = n
		} else {
			f.envError(env, "a whole number", v)
		}
	}
	f.fs.Int64Var(p, name, def, withEnv(usage, env))
}

func (f *envFlags) floatVar(p *float64, name, env string, def float64, usage string) {
	if v := f.env(name, env); v != "" {
		if n, err := strconv.ParseFloat(v, 64); err == nil {
			def = n
		} else {
			f.envError(env, "a number", v)
		}
	}
	f.fs.Float64Var(p, name, def, withEnv(usage, env))
}

func (f *envFlags) boolVar(p *bool, name, env string, def bool, usage string) {
	if v := f.env(name, env); v != "" {
		if b, err := strconv.ParseBool(v); err == nil {
			def = b
		} else {
			f.envError(env, "true or false", v)
		}
	}
	f.fs.BoolVar(p, name, def, withEnv(usage, env))
}

func (f *envFlags) durationVar(p *time.Duration, name, env string, def time.Duration, usage string) {
	if v := f.env(name, env); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			def = d
		} else {
			f.envError(env, "a duration such as 30s", v)
		}
	}
	f.fs.DurationVar(p, name, def, withEnv(usage, env))
}

// listVar declares a repeatable flag; its variable holds a comma-separated list, which
// the first use of the flag replaces.
func (f *envFlags) listVar(p *[]string, name, env, usage string) {
	l := &listValue{vals: p}
	if v := f.env(name, env); v != "" {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				*p = append(*p, s)
			}
		}
		l.fromEnv = true
	}
	f.fs.Var(l, name, withEnv(usage, env))
}

// optionalBoolVar declares a boolean flag whose default depends on other settings:
// set reports whether the flag or its variable gave a value.
func (f *envFlags) optionalBoolVar(p *bool, set *bool, name, env, usage string) {
	if v := f.env(name, env); v != "" {
		if b, err := strconv.ParseBool(v); err == nil {
			*p, *set = b, true
		} else {
			f.envError(env, "true or false", v)
		}
	}
	f.fs.Var(&optionalBool{value: p, set: set}, name, withEnv(usage, env))
}

// parse parses args. On -help (or -h) it returns a *helpRequest with the command's
// usage; a wrong flag's error says where to find the usage.
func (f *envFlags) parse(args []string) error {
	if err := f.fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return &helpRequest{usage: f.usage()}
		}
		return f.usageError(err.Error())
	}
	if len(f.errs) > 0 {
		return fmt.Errorf("environment: %s", strings.Join(f.errs, "; "))
	}
	return nil
}

// usageError is a wrong use of the command.
func (f *envFlags) usageError(msg string) error {
	if f.cmd.name == "serve" {
		return fmt.Errorf("%s (run 'server -help' for the flags and commands)", msg)
	}
	return fmt.Errorf("%s (usage: server %s; run 'server %s -help' for more)", msg, f.cmd.synopsis(), f.cmd.name)
}

// usage is the command's help: what it does, its arguments and its flags, each with
// its variable.
func (f *envFlags) usage() string {
	var b strings.Builder
	if f.cmd.name == "serve" {
		b.WriteString(serverUsage())
	} else {
		fmt.Fprintf(&b, "Usage: server %s\n\n%s\n", f.cmd.synopsis(), f.cmd.help)
	}
	n := 0
	f.fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		fmt.Fprintf(&b, "\nFlags of %s (each also read from the environment variable it names; a flag wins over its variable):\n", f.cmd.name)
		f.fs.SetOutput(&b)
		f.fs.PrintDefaults()
		f.fs.SetOutput(io.Discard)
	}
	return b.String()
}

// helpRequest is the answer to -help: main prints the usage and exits with 0.
type helpRequest struct{ usage string }

func (h *helpRequest) Error() string { return "help requested" }

// Unwrap lets errors.Is(err, flag.ErrHelp) recognise it.
func (h *helpRequest) Unwrap() error { return flag.ErrHelp }

// listValue is a repeatable flag whose default (from its variable) the first use
// replaces.
type listValue struct {
	vals    *[]string
	fromEnv bool
}

func (l *listValue) String() string {
	if l == nil || l.vals == nil {
		return ""
	}
	return strings.Join(*l.vals, ",")
}

func (l *listValue) Set(s string) error {
	if l.fromEnv {
		*l.vals, l.fromEnv = nil, false
	}
	*l.vals = append(*l.vals, s)
	return nil
}

// optionalBool is a boolean flag that remembers whether it was given.
type optionalBool struct {
	value *bool
	set   *bool
}

func (o *optionalBool) String() string {
	if o == nil || o.value == nil || o.set == nil || !*o.set {
		return ""
	}
	return strconv.FormatBool(*o.value)
}

func (o *optionalBool) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	*o.value, *o.set = b, true
	return nil
}

// IsBoolFlag lets the flag be given without a value (-schema-endpoint).
func (o *optionalBool) IsBoolFlag() bool { return true }

// The garbage collector's settings when the environment sets neither GOGC nor GOMEMLIMIT.
// A serving process keeps a small live heap (7–20 MB at scale 1) and allocates much per
// request, so with Go's default (GOGC=100) it collected after every few requests: a third
// of the CPU under load. Collecting at five times the live heap, with a soft limit that
// makes it collect sooner when memory grows, served a third more requests/s on the nested
// list and on a page of 50 (BENCHMARKS.md). About 60 MB of the process's resident memory
// is not Go's (the binary's own pages, the Finnish analyser), so the soft limit sets the
// peak RSS: 56 MiB keeps it under 120 MB at scale 1 (116 MB; 148–152 MB with 100 MiB).
// Under a limit near the live heap the collector runs without pause, so the limit follows
// the live heap (gctune.Govern: at least three times it): with twice, a 50 MiB limit left
// a page of 50 at scale 10 half its requests/s once the network was built; with three
// times, 56 MiB costs nothing measurable at scale 1 or 10 (BENCHMARKS.md "Memory"). These
// are set here, once, for the process; theme network builds bound their own memory
// (network.Service) and never change them.
var gcTuned = gctune.Settings{Percent: 400, Limit: 56 << 20, LiveFactor: 3}

// gcDefaults applies gcTuned unless the environment sets GOGC or GOMEMLIMIT (then Go's
// runtime has read them, and both are the operator's); it says what the collector runs
// with, and whether the server tunes it (then gctune.Govern must run).
func gcDefaults(getenv func(string) string) (string, bool) {
	if gogc, limit := getenv("GOGC"), getenv("GOMEMLIMIT"); gogc != "" || limit != "" {
		return "from the environment: GOGC=" + gogc + " GOMEMLIMIT=" + limit, false
	}
	gctune.Apply(gcTuned)
	return "GOGC=" + strconv.Itoa(gcTuned.Percent) + " GOMEMLIMIT=" + strconv.FormatInt(gcTuned.Limit>>20, 10) +
		"MiB, or " + strconv.FormatInt(gcTuned.LiveFactor, 10) + " times the live heap if more", true
}
