package graph_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/graph"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/httpmw"
)

// holdingStates is a driver whose rebuild query (history.AsOf's read of every object's
// state) waits until hold is closed or its context ends, and which counts the rebuilds
// that run at once.
type holdingStates struct {
	dialect.Driver
	hold                atomic.Pointer[chan struct{}]
	mu                  sync.Mutex
	active, peak, total int
}

func (d *holdingStates) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	next := d.Driver.(interface {
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	})
	if !strings.Contains(query, "SELECT node_type, node_id, state FROM revisions") {
		return next.QueryContext(ctx, query, args...)
	}
	d.mu.Lock()
	d.active++
	d.total++
	d.peak = max(d.peak, d.active)
	d.mu.Unlock()
	defer func() {
		d.mu.Lock()
		d.active--
		d.mu.Unlock()
	}()
	select {
	case <-*d.hold.Load():
		return next.QueryContext(ctx, query, args...)
	case <-ctx.Done():
		return nil, fmt.Errorf("held: %w", ctx.Err())
	}
}

func (d *holdingStates) counts() (active, peak, total int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.active, d.peak, d.total
}

// TestAsOfRebuildsAreBounded: rebuilds as of a version run one at a time; a request
// whose deadline passes while it waits for its turn or for its rebuild answers TIMEOUT,
// and a rebuild that no request waits for any more stops; requests for the version
// being rebuilt share its rebuild.
func TestAsOfRebuildsAreBounded(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, client *ent.Client) {
		live := apiServer(t, client)
		for i := range 4 {
			mustPost(t, live, fmt.Sprintf(`mutation { createTheme(input: {slug: "t%d", name: "T%d"}) { id } }`, i, i), nil, nil)
		}
		top := versionOf(t, live)
		drv := &holdingStates{Driver: db.Driver}
		held := make(chan struct{})
		drv.hold.Store(&held)
		h := graph.NewHandler(db.Client(ent.Driver(drv)), graph.Config{Dialect: dialectOf(client), Limits: graph.DefaultLimits})
		srv := httptest.NewServer(httpmw.Timeout(3*time.Second, nil, h))
		t.Cleanup(srv.Close)

		burst := func(versions ...int64) []gqlResponse {
			out := make([]gqlResponse, len(versions))
			var wg sync.WaitGroup
			for i, v := range versions {
				wg.Go(func() {
					body, _ := json.Marshal(map[string]any{"query": fmt.Sprintf(`{ themeNetwork(asOf: %d) { edgeCount } }`, v)})
					res, err := srv.Client().Post(srv.URL, "application/json", bytes.NewReader(body))
					if err != nil {
						t.Errorf("asOf %d: %v", v, err)
						return
					}
					defer res.Body.Close()
					if err := json.NewDecoder(res.Body).Decode(&out[i]); err != nil {
						t.Errorf("asOf %d: %v", v, err)
					}
				})
			}
			wg.Wait()
			return out
		}

		// Rebuilds that never end: every request runs out of time, one rebuild at a time.
		for i, r := range burst(top-1, top-2, top-3, top-4) {
			if r.code() != "TIMEOUT" {
				t.Errorf("request %d of a held burst: %s, want TIMEOUT", i, r.Errors)
			}
		}
		for start := time.Now(); ; time.Sleep(10 * time.Millisecond) {
			if active, _, _ := drv.counts(); active == 0 {
				break
			}
			if time.Since(start) > 30*time.Second {
				t.Fatal("rebuilds go on after every request that waited for them has timed out")
			}
		}
		if _, peak, total := drv.counts(); peak != 1 || total < 1 {
			t.Errorf("rebuilds at once: at most %d of %d, want 1", peak, total)
		}

		// Four requests for one version share its rebuild.
		shared := make(chan struct{})
		drv.hold.Store(&shared)
		_, _, before := drv.counts()
		go func() {
			for {
				if _, _, total := drv.counts(); total > before {
					break
				}
				time.Sleep(5 * time.Millisecond)
			}
			time.Sleep(100 * time.Millisecond)
			close(shared)
		}()
		for i, r := range burst(top, top, top, top) {
			if len(r.Errors) > 0 || !strings.Contains(string(r.Data), "edgeCount") {
				t.Errorf("request %d for one version: %s %s", i, r.Data, r.Errors)
			}
		}
		if _, _, total := drv.counts(); total != before+1 {
			t.Errorf("four requests for one version rebuilt it %d times, want once", total-before)
		}

		// What the timed-out rebuilds held is free: every other version answers.
		for i, r := range burst(top-1, top-2, top-3, top-4) {
			if len(r.Errors) > 0 {
				t.Errorf("request %d after the burst: %s", i, r.Errors)
			}
		}
		if _, peak, _ := drv.counts(); peak != 1 {
			t.Errorf("rebuilds at once: %d, want 1", peak)
		}
	})
}

// TestAsOfOneVersionPerOperation: an operation may read one version; two different ones
// (by aliases, fields, fragments or variables) are refused before anything runs.
func TestAsOfOneVersionPerOperation(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, client *ent.Client) {
		srv := apiServer(t, client)
		for _, tc := range []struct {
			name, query string
			vars        map[string]any
			refused     bool
		}{
			{"aliases", `{ a: themeNetwork(asOf: 1) { edgeCount } b: themeNetwork(asOf: 2) { edgeCount } }`, nil, true},
			{"two fields", `{ themeNetwork(asOf: 1) { edgeCount } themeStatistics(asOf: 2) { outcomes } }`, nil, true},
			{"variables", `query($a: Int, $b: Int) { a: themeNetwork(asOf: $a) { edgeCount } b: themeNetwork(asOf: $b) { edgeCount } }`, map[string]any{"a": 1, "b": 2}, true},
			{"fragment", `{ a: themeNetwork(asOf: 1) { edgeCount } ...F } fragment F on Query { b: themeStatistics(asOf: 2) { outcomes } }`, nil, true},
			{"one version twice", `{ a: themeNetwork(asOf: 1) { edgeCount } b: themeStatistics(asOf: 1) { outcomes } }`, nil, false},
			{"a version and the live data", `{ a: themeNetwork(asOf: 1) { edgeCount } b: themeNetwork { edgeCount } }`, nil, false},
			{"one variable, two fields", `query($a: Int) { a: themeNetwork(asOf: $a) { edgeCount } b: themeNetwork(asOf: $a) { edgeCount } }`, map[string]any{"a": 1}, false},
			{"the second left out by @include(if: false)", `{ a: themeNetwork(asOf: 1) { edgeCount } b: themeNetwork(asOf: 2) @include(if: false) { edgeCount } }`, nil, false},
			{"the second left out by @skip(if: $s)", `query($s: Boolean!) { a: themeNetwork(asOf: 1) { edgeCount } b: themeNetwork(asOf: 2) @skip(if: $s) { edgeCount } }`, map[string]any{"s": true}, false},
			{"the second kept by @skip(if: $s)", `query($s: Boolean!) { a: themeNetwork(asOf: 1) { edgeCount } b: themeNetwork(asOf: 2) @skip(if: $s) { edgeCount } }`, map[string]any{"s": false}, true},
			{"a fragment left out once, spread again", `{ a: themeNetwork(asOf: 1) { edgeCount } ...F @include(if: false) ...F } fragment F on Query { b: themeStatistics(asOf: 2) { outcomes } }`, nil, true},
			{"an inline fragment left out", `{ a: themeNetwork(asOf: 1) { edgeCount } ... @skip(if: true) { b: themeStatistics(asOf: 2) { outcomes } } }`, nil, false},
		} {
			r := postAs(t, srv, "", tc.query, tc.vars, nil)
			switch {
			case tc.refused && (r.code() != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != "asOf" || string(r.Data) != "" && string(r.Data) != "null"):
				t.Errorf("%s: %s %+v, want BAD_USER_INPUT on asOf and no data", tc.name, r.Data, r.Errors)
			case !tc.refused && len(r.Errors) > 0:
				t.Errorf("%s: %+v", tc.name, r.Errors)
			}
		}
	})
}

// TestRevisionStatesCost: a revision's before and after count as the objects they name
// (querylimit.StateCost), so that pages of whole states cannot add up to a response of
// hundreds of megabytes under the cost limit.
func TestRevisionStatesCost(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, client *ent.Client) {
		srv := apiServer(t, client)
		for _, tc := range []struct {
			name, query string
			refused     bool
		}{
			{"forty themes' hundred revisions", `{ themes(first: 40) { edges { node { revisions(first: 100) { edges { node { before after } } } } } } }`, true},
			{"a hundred revisions with their states", `{ themes(first: 1) { edges { node { revisions(first: 100) { edges { node { before after } } } } } } }`, false},
			{"a feed page with states", `{ changes(after: 0, first: 100) { edges { node { seq nodeID before after } } } }`, false},
			{"forty themes' hundred revisions without states", `{ themes(first: 40) { edges { node { revisions(first: 100) { edges { node { seq version operation } } } } } } }`, false},
		} {
			r := postAs(t, srv, "", tc.query, nil, nil)
			switch {
			case tc.refused && r.code() != "QUERY_TOO_COSTLY":
				t.Errorf("%s: %+v, want QUERY_TOO_COSTLY", tc.name, r.Errors)
			case !tc.refused && len(r.Errors) > 0:
				t.Errorf("%s: %+v", tc.name, r.Errors)
			}
		}
	})
}
