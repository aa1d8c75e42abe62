package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/teemaverkko/teemaverkko/graph/observe"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// TestNetworkExportSharesTheCache sets a backend up as the server does and checks that
// /export/network goes through the network service the API uses: a second download is
// served from the cache, and so is the same network asked for through GraphQL.
func TestNetworkExportSharesTheCache(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	cfg, err := parseConfig(nil, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	reg := observe.NewRegistry()
	metrics, err := observe.NewMetrics(reg, observe.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := setUp(context.Background(), db, cfg, logger, reg, metrics)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.close)
	var ready atomic.Pointer[backend]
	ready.Store(b)
	export := networkExportHandler(&ready)
	download := func() string {
		t.Helper()
		rec := httptest.NewRecorder()
		export.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/export/network?format=edges-csv&signals=OUTCOME,SESSION&minWeight=1", nil))
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Body.String(), "source,target,weight") {
			t.Fatalf("export: %d %.100s", rec.Code, rec.Body)
		}
		return rec.Body.String()
	}
	first := download()
	if second := download(); second != first {
		t.Fatal("the second download differs from the first")
	}
	if st := b.networks.Stats(); st.Builds != 1 || st.Hits != 1 {
		t.Fatalf("two downloads: %+v, want one build and one cache hit", st)
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/graphql",
		bytes.NewBufferString(`{"query":"{ themeNetwork(signals: [SESSION, OUTCOME]) { edgeCount } }"}`))
	req.Header.Set("Content-Type", "application/json")
	b.api.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"edgeCount"`) {
		t.Fatalf("themeNetwork: %d %s", rec.Code, rec.Body)
	}
	if st := b.networks.Stats(); st.Builds != 1 || st.Hits != 2 {
		t.Errorf("the API after the export: %+v, want the export's network from the cache", st)
	}
}

// TestShutdownStopsNetworkService checks that a graceful shutdown ends the network
// service's goroutine.
func TestShutdownStopsNetworkService(t *testing.T) {
	before := testdb.Goroutines("internal/network.(*Service)")
	base, stop := startServer(t)
	if code, _ := get(t, base+"/export/network?format=nodes-csv"); code != http.StatusOK {
		t.Fatalf("export: %d", code)
	}
	if got := testdb.Goroutines("internal/network.(*Service)"); got <= before {
		t.Fatalf("%d network service goroutines while serving, want more than the %d before", got, before)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if got := testdb.Goroutines("internal/network.(*Service)"); got != before {
		t.Errorf("%d network service goroutines after shutdown, want %d", got, before)
	}
}
