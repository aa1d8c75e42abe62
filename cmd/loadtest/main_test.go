package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestLoopback(t *testing.T) {
	for _, u := range []string{"http://127.0.0.1:8080/graphql", "http://localhost:8080/graphql", "http://[::1]:8080/graphql", "http://127.0.0.2/graphql"} {
		if err := loopback(u); err != nil {
			t.Errorf("%s refused: %v", u, err)
		}
	}
	for _, u := range []string{"http://example.com/graphql", "http://10.0.0.1/graphql", "ftp://127.0.0.1/", "http://0.0.0.0:8080/"} {
		if err := loopback(u); err == nil {
			t.Errorf("%s accepted", u)
		}
	}
}

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	for p, want := range map[float64]time.Duration{50: 50 * time.Millisecond, 95: 95 * time.Millisecond, 99: 99 * time.Millisecond, 100: 100 * time.Millisecond} {
		if got := percentile(d, p); got != want {
			t.Errorf("p%v = %s, want %s", p, got, want)
		}
	}
	if got := percentile(d[:1], 99); got != time.Millisecond {
		t.Errorf("p99 of one = %s", got)
	}
}

// fakeServer answers the test queries: a setup, a query that needs the bound variable,
// a three-page walk. Once failAfter is above 0, node requests fail when more than that
// many were made (nodes counts them).
func fakeServer(t *testing.T, failAfter, nodes *atomic.Int64) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Query     string         `json:"query"`
			Variables map[string]any `json:"variables"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.Contains(req.Query, "setup"):
			_, _ = w.Write([]byte(`{"data":{"setup":{"items":[{"id":"x1"}]}}}`))
		case strings.Contains(req.Query, "Node"):
			n := nodes.Add(1)
			if req.Variables["id"] != "x1" || failAfter.Load() > 0 && n > failAfter.Load() {
				_, _ = w.Write([]byte(`{"errors":[{"message":"bad id","extensions":{"code":"BAD_USER_INPUT"}}],"data":null}`))
				return
			}
			_, _ = w.Write([]byte(`{"data":{"node":{"id":"x1"}}}`))
		case strings.Contains(req.Query, "Walk"):
			after, _ := req.Variables["after"].(string)
			next := map[string]string{"": "c1", "c1": "c2"}[after]
			_ = json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"items": map[string]any{
				"pageInfo": map[string]any{"hasNextPage": next != "", "endCursor": next},
			}}})
		default:
			http.Error(w, "unknown query", http.StatusBadRequest)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func writeQueries(t *testing.T) string {
	dir := t.TempDir()
	files := map[string]string{
		"node.graphql": `query Node($id: ID!) { node(id: $id) { id } }`,
		"node.json":    `{"setup": {"query": "{ setup { items { id } } }", "bind": {"id": "setup.items.0.id"}}}`,
		"walk.graphql": `query Walk($after: Cursor) { items(after: $after) { pageInfo { hasNextPage endCursor } } }`,
		"walk.json":    `{"paginate": "items"}`,
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestRun(t *testing.T) {
	var failAfter, nodes atomic.Int64
	srv := fakeServer(t, &failAfter, &nodes)
	dir := writeQueries(t)
	args := []string{"-url", srv.URL, "-clients", "2", "-duration", "150ms", "-queries", dir, "-pid", strconv.Itoa(os.Getpid())}
	var out bytes.Buffer
	ok, err := run(context.Background(), args, &out)
	if err != nil || !ok {
		t.Fatalf("run: ok %v, err %v\n%s", ok, err, out.String())
	}
	report := out.String()
	for _, want := range []string{"node", "walk", "3.0", "no errors", "server RSS"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}

	// Errors during the run make it fail, and are reported.
	failAfter.Store(nodes.Load() + 5)
	out.Reset()
	ok, err = run(context.Background(), append(args, "-only", "node"), &out)
	if err != nil || ok {
		t.Fatalf("failing node: ok %v, err %v\n%s", ok, err, out.String())
	}
	if !strings.Contains(out.String(), "bad id (BAD_USER_INPUT)") || strings.Contains(out.String(), "walk") {
		t.Errorf("report:\n%s", out.String())
	}
}
