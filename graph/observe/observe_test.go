package observe_test

import (
	"database/sql"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	_ "modernc.org/sqlite"

	"github.com/teemaverkko/teemaverkko/graph/observe"
)

// TestHandler checks that /metrics serves the registry in the text format.
func TestHandler(t *testing.T) {
	reg := observe.NewRegistry()
	m, err := observe.NewMetrics(reg, observe.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h := m.InstrumentHTTP("/healthz", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ok")
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/healthz", nil))
	rec := httptest.NewRecorder()
	observe.Handler(reg).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
		t.Fatalf("status %d, content type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	for _, want := range []string{
		`http_requests_total{code="200",path="/healthz"} 1`,
		`http_request_duration_seconds_count{path="/healthz"} 1`,
		"# TYPE graphql_active_subscriptions gauge",
		"go_goroutines ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// TestInstrumentHTTP counts requests by route and status code, concurrently.
func TestInstrumentHTTP(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := observe.NewMetrics(reg, observe.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ready := m.InstrumentHTTP("/readyz", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Has("down") {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			url := "/readyz"
			if i%5 == 0 {
				url += "?down"
			}
			ready.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, url, nil))
		}()
	}
	wg.Wait()
	want := `
# HELP http_requests_total HTTP requests by route and status code.
# TYPE http_requests_total counter
http_requests_total{code="200",path="/readyz"} 40
http_requests_total{code="503",path="/readyz"} 10
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), observe.MetricHTTPRequests); err != nil {
		t.Error(err)
	}
	var nilMetrics *observe.Metrics
	if h := nilMetrics.InstrumentHTTP("/x", ready); h == nil {
		t.Error("nil metrics returned no handler")
	}
}

// TestRegisterDB exports the pool's statistics with db_name="main".
func TestRegisterDB(t *testing.T) {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Ping(); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	if err := observe.RegisterDB(reg, db); err != nil {
		t.Fatal(err)
	}
	want := `
# HELP go_sql_open_connections The number of established connections both in use and idle.
# TYPE go_sql_open_connections gauge
go_sql_open_connections{db_name="main"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "go_sql_open_connections"); err != nil {
		t.Error(err)
	}
	if err := observe.RegisterDB(reg, db); err == nil || !strings.Contains(err.Error(), "database statistics") {
		t.Errorf("registering twice: %v, want an error saying what", err)
	}
}

type subscribers int

func (s subscribers) Subscribers() int { return int(s) }

func TestRegisterSubscribers(t *testing.T) {
	reg := prometheus.NewRegistry()
	if err := observe.RegisterSubscribers(reg, subscribers(3)); err != nil {
		t.Fatal(err)
	}
	want := `
# HELP events_subscribers Live subscribers of the change-event broker.
# TYPE events_subscribers gauge
events_subscribers 3
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), observe.MetricEventSubscribers); err != nil {
		t.Error(err)
	}
}

// TestNewMetricsTwice checks that a second set of metrics on one registry is an error,
// not a panic, and that separate registries do not collide.
func TestNewMetricsTwice(t *testing.T) {
	reg := prometheus.NewRegistry()
	if _, err := observe.NewMetrics(reg, observe.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := observe.NewMetrics(reg, observe.Options{}); err == nil {
		t.Error("registered the metrics twice")
	}
	if _, err := observe.NewMetrics(prometheus.NewRegistry(), observe.Options{}); err != nil {
		t.Error(err)
	}
	if _, err := observe.NewMetrics(nil, observe.Options{}); err == nil {
		t.Error("no registerer accepted")
	}
}
