package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/teemaverkko/teemaverkko/graph/observe"
	"github.com/teemaverkko/teemaverkko/internal/database"
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
	// A citing export asks for the network and for its full evidence: two builds, then
	// two hits.
	if st := b.networks.Stats(); st.Builds != 2 || st.Hits != 2 {
		t.Fatalf("two downloads: %+v, want two builds and two cache hits", st)
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/graphql",
		bytes.NewBufferString(`{"query":"{ themeNetwork(signals: [SESSION, OUTCOME]) { edgeCount } }"}`))
	req.Header.Set("Content-Type", "application/json")
	b.api.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"edgeCount"`) {
		t.Fatalf("themeNetwork: %d %s", rec.Code, rec.Body)
	}
	if st := b.networks.Stats(); st.Builds != 2 || st.Hits != 3 {
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

// TestNetworkExportFormats downloads the citing, dynamic and mixed exports of the seed
// knowledge through /export/network, on both databases, and parses them.
func TestNetworkExportFormats(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
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
		h := networkExportHandler(&ready)
		get := func(query string) *httptest.ResponseRecorder {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/export/network?"+query, nil))
			return rec
		}
		for _, tc := range []struct {
			query, ctype, file string
			check              func(t *testing.T, body []byte)
		}{
			{"format=dynamic-gexf&by=term", "application/gexf+xml", "teemaverkko-themes-dynamic.gexf", func(t *testing.T, body []byte) {
				var d struct {
					Graph struct {
						Mode  string `xml:"mode,attr"`
						Nodes []struct {
							Spells []struct {
								Start string `xml:"start,attr"`
							} `xml:"spells>spell"`
						} `xml:"nodes>node"`
					} `xml:"graph"`
				}
				if err := xml.Unmarshal(body, &d); err != nil || d.Graph.Mode != "dynamic" || len(d.Graph.Nodes) == 0 || len(d.Graph.Nodes[0].Spells) == 0 {
					t.Errorf("dynamic GEXF: %v %+v", err, d.Graph.Mode)
				}
			}},
			{"format=evidence-csv&signals=outcome,session", "text/csv", "teemaverkko-themes-evidence.csv", func(t *testing.T, body []byte) {
				rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
				if err != nil || len(rows) < 2 || rows[0][10] != "document_id" || rows[1][7] == "" {
					t.Errorf("evidence CSV: %v %q", err, rows[:min(2, len(rows))])
				}
			}},
			{"format=edges-csv", "text/csv", "teemaverkko-themes-edges.csv", func(t *testing.T, body []byte) {
				rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
				if err != nil || !slices.Contains(rows[0], "source_document_urls") || !slices.Contains(rows[0], "source_label_en") {
					t.Errorf("edges CSV: %v %q", err, rows[0])
				}
			}},
			{"format=mixed-graphml", "application/graphml+xml", "teemaverkko-mixed.graphml", func(t *testing.T, body []byte) {
				if !bytes.Contains(body, []byte(`Seminar.themes`)) || !bytes.Contains(body, []byte(`>Municipality<`)) {
					t.Errorf("mixed GraphML: %.300s", body)
				}
			}},
		} {
			t.Run(tc.query, func(t *testing.T) {
				rec := get(tc.query)
				if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), tc.ctype) ||
					!strings.Contains(rec.Header().Get("Content-Disposition"), tc.file) {
					t.Fatalf("%d %v %.200s", rec.Code, rec.Header(), rec.Body)
				}
				tc.check(t, rec.Body.Bytes())
			})
		}
		// The series is built once and kept, like a network: a download right after
		// another is served from the cache. (On PostgreSQL the seed's change events
		// arrive through LISTEN/NOTIFY and may still empty the cache: try again then.)
		cached := false
		for range 50 {
			before := b.networks.Stats().Builds
			if rec := get("format=dynamic-gexf&by=term"); rec.Code != http.StatusOK {
				t.Fatalf("dynamic download: %d", rec.Code)
			}
			if b.networks.Stats().Builds == before {
				cached = true
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if !cached {
			t.Error("every dynamic download built the series again")
		}
		// A second network whose term runs beside USO's: by term the slices overlap.
		ctx := context.Background()
		kv := b.client.Network.Create().SetName("Toinen verkosto").SaveX(ctx)
		term := b.client.NetworkTerm.Create().SetNetwork(kv).SetNumber(1).SetStartYear(2017).SetEndYear(2018).SaveX(ctx)
		themes := b.client.Theme.Query().Limit(2).AllX(ctx)
		b.client.Seminar.Create().SetTitle("Rinnakkainen").SetDate(time.Date(2017, 6, 1, 0, 0, 0, 0, time.UTC)).SetTerm(term).AddThemes(themes...).SaveX(ctx)
		if rec := get("format=dynamic-gexf&by=year"); rec.Code != http.StatusOK {
			t.Errorf("by year with two networks: %d %.200s", rec.Code, rec.Body)
		}
		for _, bad := range []string{"format=dynamic-gexf&by=term", "format=dynamic-gexf&by=region", "format=dynamic-gexf&matchThreshold=2"} {
			if rec := get(bad); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "BAD_USER_INPUT") {
				t.Errorf("%s: %d %s", bad, rec.Code, rec.Body)
			}
		}
	})
}
