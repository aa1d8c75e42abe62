// Package observe makes the GraphQL API observable: Prometheus metrics of every
// operation (count, duration, errors by code, live subscriptions), of the other HTTP
// endpoints and of the database pool, and one structured log line per operation.
//
// Metrics are registered on a registry the caller passes, never on Prometheus' global
// default, so that tests and several servers in one process do not collide. Every label
// has bounded cardinality: operation names are clients' words, so only well-formed names
// are kept, and only the first MaxOperations distinct ones; the rest count as "other".
//
// Wiring, in short:
//
//	reg := observe.NewRegistry()
//	m, err := observe.NewMetrics(reg, observe.Options{})
//	srv.Use(observe.Extension{Metrics: m, Logger: logger}) // first, before other extensions
//	mux.Handle("GET /metrics", observe.Handler(reg))
package observe

import (
	"database/sql"
	"fmt"
	"net/http"
	"regexp"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/teemaverkko/teemaverkko/internal/errcode"
)

// Values of the labels that are not clients' words.
const (
	// Anonymous is the operation label of an operation without a name.
	Anonymous = "anonymous"
	// Other is the label value of a name that is malformed or beyond the bound.
	Other = "other"
	// Unknown is the type label of a request refused before its operation was known
	// (a body that is not JSON, a document that does not parse).
	Unknown = "unknown"
	// CodeInternal is the code label of an error without extensions.code.
	CodeInternal = errcode.Internal
)

// Defaults of Options.
const (
	DefaultMaxOperations = 200
	DefaultMaxCodes      = 100
)

// DefaultBuckets are the bounds, in seconds, of the duration histograms: Prometheus'
// defaults (5 ms to 10 s) and longer ones for subscriptions, whose duration is their
// lifetime.
var DefaultBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600}

// Options tune the metrics; the zero value is fine.
type Options struct {
	// MaxOperations bounds the distinct operation names used as labels
	// (0: DefaultMaxOperations). Later names count as "other".
	MaxOperations int
	// MaxCodes bounds the distinct error codes used as labels (0: DefaultMaxCodes).
	MaxCodes int
	// Buckets are the duration histograms' bounds in seconds (nil: DefaultBuckets).
	Buckets []float64
}

// Metrics are the collectors of the GraphQL API, registered on one registry. Create them
// with NewMetrics; a nil *Metrics records nothing.
type Metrics struct {
	requests      *prometheus.CounterVec
	duration      *prometheus.HistogramVec
	errors        *prometheus.CounterVec
	subscriptions prometheus.Gauge
	httpRequests  *prometheus.CounterVec
	httpDuration  *prometheus.HistogramVec

	operations *labelSet
	codes      *labelSet
}

// Names of the metrics.
const (
	MetricRequests            = "graphql_requests_total"
	MetricDuration            = "graphql_request_duration_seconds"
	MetricErrors              = "graphql_errors_total"
	MetricActiveSubscriptions = "graphql_active_subscriptions"
	MetricHTTPRequests        = "http_requests_total"
	MetricHTTPDuration        = "http_request_duration_seconds"
	MetricEventSubscribers    = "events_subscribers"
)

// NewMetrics creates the API's metrics and registers them on reg.
func NewMetrics(reg prometheus.Registerer, opts Options) (*Metrics, error) {
	if reg == nil {
		return nil, fmt.Errorf("observe: no registerer")
	}
	buckets := opts.Buckets
	if len(buckets) == 0 {
		buckets = DefaultBuckets
	}
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricRequests,
			Help: "GraphQL operations by operation name, type (query, mutation, subscription, unknown) and status (ok, error).",
		}, []string{"operation", "type", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    MetricDuration,
			Help:    "Duration of GraphQL operations in seconds, from the request to the response (a subscription: its lifetime).",
			Buckets: buckets,
		}, []string{"operation", "type"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricErrors,
			Help: "GraphQL errors returned to clients, by extensions.code (INTERNAL when missing).",
		}, []string{"code"}),
		subscriptions: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: MetricActiveSubscriptions,
			Help: "GraphQL subscriptions being served.",
		}),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricHTTPRequests,
			Help: "HTTP requests by route and status code.",
		}, []string{"path", "code"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    MetricHTTPDuration,
			Help:    "Duration of HTTP requests in seconds, by route.",
			Buckets: buckets,
		}, []string{"path"}),
		operations: newLabelSet(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`, orDefault(opts.MaxOperations, DefaultMaxOperations)),
		codes:      newLabelSet(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`, orDefault(opts.MaxCodes, DefaultMaxCodes)),
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration, m.errors, m.subscriptions, m.httpRequests, m.httpDuration} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("observe: register metrics: %w", err)
		}
	}
	return m, nil
}

// NewRegistry returns a new registry with the Go runtime and process collectors, for the
// metrics of one server.
func NewRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// DBName is the db_name label of the database pool's metrics.
const DBName = "main"

// RegisterDB registers the statistics of a database pool (go_sql_* metrics: open, in
// use and idle connections, waits) on reg, labelled db_name="main".
func RegisterDB(reg prometheus.Registerer, db *sql.DB) error {
	if err := reg.Register(collectors.NewDBStatsCollector(db, DBName)); err != nil {
		return fmt.Errorf("observe: register database statistics: %w", err)
	}
	return nil
}

// Subscribed is what counts live subscribers: events.Local and events.Postgres.
type Subscribed interface {
	Subscribers() int
}

// RegisterSubscribers registers the events_subscribers gauge, read from the broker at
// every scrape (it should follow graphql_active_subscriptions).
func RegisterSubscribers(reg prometheus.Registerer, b Subscribed) error {
	g := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: MetricEventSubscribers,
		Help: "Live subscribers of the change-event broker.",
	}, func() float64 { return float64(b.Subscribers()) })
	if err := reg.Register(g); err != nil {
		return fmt.Errorf("observe: register event subscribers: %w", err)
	}
	return nil
}

// Handler serves the metrics of g in the Prometheus text format (for /metrics). The
// metrics name the operations clients run: serve them where only operators can reach
// them.
func Handler(g prometheus.Gatherer) http.Handler {
	return promhttp.HandlerFor(g, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// InstrumentHTTP counts the requests of one route in http_requests_total{path,code} and
// times them in http_request_duration_seconds{path}. path is the label, chosen by the
// caller (the route's pattern, never the request's URL, whose cardinality clients
// control). The response writer keeps its optional interfaces (Flusher, Hijacker), so
// WebSocket upgrades still work. A nil *Metrics returns next unchanged.
func (m *Metrics) InstrumentHTTP(path string, next http.Handler) http.Handler {
	if m == nil {
		return next
	}
	labels := prometheus.Labels{"path": path}
	return promhttp.InstrumentHandlerDuration(m.httpDuration.MustCurryWith(labels),
		promhttp.InstrumentHandlerCounter(m.httpRequests.MustCurryWith(labels), next))
}

// operationLabel returns the operation label of a name: Anonymous for "", Other for a
// malformed name or one beyond the bound. A name enters the bounded set only when admit
// is true (its document was parsed and the operation found), so that broken requests
// cannot crowd the real operations out.
func (m *Metrics) operationLabel(name string, admit bool) string {
	if name == "" {
		return Anonymous
	}
	return m.operations.get(name, admit)
}

func (m *Metrics) codeLabel(code string) string {
	if code == "" {
		return CodeInternal
	}
	return m.codes.get(code, true)
}

// observe records one finished operation.
func (m *Metrics) observe(op, typ string, failed bool, d time.Duration) {
	status := "ok"
	if failed {
		status = "error"
	}
	m.requests.WithLabelValues(op, typ, status).Inc()
	m.duration.WithLabelValues(op, typ).Observe(d.Seconds())
}

// countErrors counts errors by code.
func (m *Metrics) countErrors(codes []string) {
	for _, c := range codes {
		m.errors.WithLabelValues(m.codeLabel(c)).Inc()
	}
}

// labelSet bounds the values of a label: values must match a pattern, and at most max
// distinct ones are kept.
type labelSet struct {
	re  *regexp.Regexp
	max int

	mu   sync.RWMutex
	seen map[string]struct{}
}

func newLabelSet(pattern string, max int) *labelSet {
	return &labelSet{re: regexp.MustCompile(pattern), max: max, seen: map[string]struct{}{}}
}

// get returns v if it is known, or well-formed, admitted and within the bound; Other
// otherwise.
func (s *labelSet) get(v string, admit bool) string {
	s.mu.RLock()
	_, ok := s.seen[v]
	s.mu.RUnlock()
	if ok {
		return v
	}
	if !admit || !s.re.MatchString(v) {
		return Other
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.seen[v]; ok {
		return v
	}
	if len(s.seen) >= s.max {
		return Other
	}
	s.seen[v] = struct{}{}
	return v
}

func orDefault(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}
