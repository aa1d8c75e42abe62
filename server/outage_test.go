package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/teemaverkko/teemaverkko/ent/theme"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

type outcomeOf struct {
	status int
	codes  []string
}

func postJSON(t *testing.T, base, token, query string) outcomeOf {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	client := &http.Client{Timeout: 20 * time.Second}
	res, err := client.Do(req)
	if err != nil {
		return outcomeOf{status: -1}
	}
	defer res.Body.Close()
	var r struct {
		Errors []struct {
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	_ = json.NewDecoder(res.Body).Decode(&r)
	out := outcomeOf{status: res.StatusCode}
	for _, e := range r.Errors {
		c, _ := e.Extensions["code"].(string)
		out.codes = append(out.codes, c)
	}
	return out
}

// TestDatabaseOutage runs the server on PostgreSQL behind a proxy: it starts while the
// database is out of reach (live, not ready, the API answering UNAVAILABLE), becomes
// ready when it comes back, then serves writes while the connection is cut and restored.
// Every write the server acknowledged must be in the database afterwards, and no
// request may get a 5xx other than 503 or crash the server.
func TestDatabaseOutage(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t, "postgres")
	direct, err := url.Parse(db.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := testdb.NewProxy(t, direct.Host)
	viaProxy := *direct
	viaProxy.Host = proxy.Addr()
	q := viaProxy.Query()
	q.Set("connect_timeout", "2")
	viaProxy.RawQuery = q.Encode()

	proxy.Down()
	const token = "outage-editor-token"
	h := sha256.Sum256([]byte(token))
	port := freePort(t)
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	logs, _ := os.CreateTemp(t.TempDir(), "log")
	go func() {
		done <- run(runCtx, []string{"-port", strconv.Itoa(port), "-database-url", viaProxy.String(), "-rate-limit", "0",
			"-tokens", "editor:" + hex.EncodeToString(h[:])}, func(string) string { return "" }, logs)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}()

	// Down at start: alive, not ready, the API says UNAVAILABLE.
	var live bool
	for i := 0; i < 100 && !live; i++ {
		if res, err := http.Get(base + "/healthz"); err == nil {
			res.Body.Close()
			live = res.StatusCode == http.StatusOK
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !live {
		t.Fatal("/healthz did not answer while the database was down")
	}
	if res, err := http.Get(base + "/readyz"); err != nil || res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/readyz while the database is down: %v %v, want 503", res.StatusCode, err)
	}
	if r := postJSON(t, base, "", `{ themes { totalCount } }`); r.status != http.StatusServiceUnavailable || len(r.codes) != 1 || r.codes[0] != "UNAVAILABLE" {
		t.Errorf("query while starting = %+v, want 503 UNAVAILABLE", r)
	}

	proxy.Up()
	waitReady(t, base)

	// Live traffic across an outage.
	var acknowledged []string
	sawUnavailable := false
	for i := 0; i < 60; i++ {
		if i == 20 {
			proxy.Down()
		}
		if i == 35 {
			proxy.Up()
		}
		slug := fmt.Sprintf("outage-%02d", i)
		r := postJSON(t, base, token, `mutation { createTheme(input: {slug: "`+slug+`", name: "Katko"}) { id } }`)
		switch {
		case r.status >= 500 && r.status != http.StatusServiceUnavailable:
			t.Fatalf("write %d: status %d", i, r.status)
		case r.status == http.StatusOK && len(r.codes) == 0:
			acknowledged = append(acknowledged, slug)
		default:
			for _, c := range r.codes {
				if c == "UNAVAILABLE" {
					sawUnavailable = true
				} else if c != "INTERNAL" {
					t.Errorf("write %d during the outage: code %q", i, c)
				}
			}
		}
		if i >= 20 && i < 35 {
			time.Sleep(50 * time.Millisecond)
		}
	}
	if !sawUnavailable {
		t.Errorf("no write failed with UNAVAILABLE while the database was cut off")
	}
	if len(acknowledged) < 40 {
		t.Errorf("only %d writes acknowledged: the server did not recover", len(acknowledged))
	}
	got := db.Client().Theme.Query().Where(theme.SlugHasPrefix("outage-")).Select(theme.FieldSlug).StringsX(ctx)
	have := map[string]bool{}
	for _, s := range got {
		have[s] = true
	}
	for _, s := range acknowledged {
		if !have[s] {
			t.Errorf("acknowledged write %s is missing", s)
		}
	}
	t.Logf("%d writes acknowledged, %d in the database", len(acknowledged), len(got))
}
