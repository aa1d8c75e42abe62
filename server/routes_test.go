package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/teemaverkko/teemaverkko/graph/observe"
	"github.com/teemaverkko/teemaverkko/internal/auth"
	"github.com/teemaverkko/teemaverkko/internal/explorer"
	"github.com/teemaverkko/teemaverkko/internal/playground"
	"github.com/teemaverkko/teemaverkko/internal/ratelimit"
)

// request sends a request with the headers given as name, value pairs and returns the
// status, the response headers and the body.
func request(t *testing.T, method, url string, headers ...string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

// errorCode is extensions.code of the first error of a GraphQL-shaped body.
func errorCode(body string) string {
	var r struct {
		Errors []struct {
			Extensions struct {
				Code string `json:"code"`
			} `json:"extensions"`
		} `json:"errors"`
	}
	if json.Unmarshal([]byte(body), &r) != nil || len(r.Errors) == 0 {
		return ""
	}
	return r.Errors[0].Extensions.Code
}

// readRoutes lists a URL for every read route (every route that is not open) of the
// server configured by args, and for every open one, from the route table itself: a
// route added later is checked without changing these tests.
func readRoutes(t *testing.T, base string, args ...string) (reads, open []string) {
	t.Helper()
	cfg, err := parseConfig(args, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	var ready atomic.Pointer[backend]
	for _, rt := range routeTable(&ready, cfg, slog.New(slog.DiscardHandler), observe.NewRegistry()) {
		u := base + strings.TrimSuffix(rt.path, "{$}")
		switch rt.path {
		case "/graphql":
			u += "?query=%7B__typename%7D"
		case "/export/network":
			u += "?format=edges-csv"
		case "/export/search":
			u += "?q=strategia"
		case playground.AssetPrefix, explorer.AssetPrefix:
			u += "index.js"
		}
		if rt.open {
			open = append(open, u)
		} else {
			reads = append(reads, u)
		}
	}
	has := func(list []string, path string) bool {
		return slices.ContainsFunc(list, func(u string) bool { return strings.HasPrefix(u, base+path) })
	}
	for _, p := range []string{"/graphql", "/export/network", "/export/search", "/metrics"} {
		if !has(reads, p) {
			t.Errorf("%s is not a read route", p)
		}
	}
	if has(open, "/schema.graphql") || (cfg.schemaEndpoint && !has(reads, "/schema.graphql")) {
		t.Errorf("/schema.graphql is not a read route")
	}
	for _, p := range []string{"/healthz", "/readyz", playground.AssetPrefix, explorer.Path, explorer.AssetPrefix} {
		if !has(open, p) {
			t.Errorf("%s is not open", p)
		}
	}
	return reads, open
}

// TestReadRoutesNeedToken runs the server with -reads-need-token: every read route
// refuses a request without a token, with a token that matches nothing, or with another
// scheme, with 401, WWW-Authenticate and a GraphQL-shaped body with the code
// UNAUTHENTICATED, and serves a reader's token; the playground, its assets, /healthz and
// /readyz stay open, and CORS preflights pass without a token.
func TestReadRoutesNeedToken(t *testing.T) {
	reader, entry := auth.New(auth.Reader)
	args := []string{"-reads-need-token", "-tokens", entry}
	base, _ := startServer(t, args...)
	reads, open := readRoutes(t, base, args...)
	accept := "application/graphql-response+json" // for /graphql: 401 rather than 200 with errors
	for _, u := range reads {
		for _, authz := range []string{"", "Bearer not-a-token", "Bearer " + reader + "x", "Basic " + reader} {
			code, h, body := request(t, http.MethodGet, u, "Authorization", authz, "Accept", accept)
			if code != http.StatusUnauthorized || errorCode(body) != auth.CodeUnauthenticated ||
				!strings.HasPrefix(h.Get("Content-Type"), "application/") || h.Get("WWW-Authenticate") != "Bearer" {
				t.Errorf("%s with %q: %d %q %q %.100s; want 401 UNAUTHENTICATED", u, authz, code, h.Get("Content-Type"), h.Get("WWW-Authenticate"), body)
			}
		}
		if code, _, body := request(t, http.MethodGet, u, "Authorization", "Bearer "+reader, "Accept", accept); code != http.StatusOK {
			t.Errorf("%s with a reader's token: %d %.100s", u, code, body)
		}
		code, h, _ := request(t, http.MethodOptions, u, "Origin", "https://app.example", "Access-Control-Request-Method", "GET",
			"Access-Control-Request-Headers", "authorization")
		if code >= 300 || h.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(h.Get("Access-Control-Allow-Headers"), "Authorization") {
			t.Errorf("preflight of %s: %d %v", u, code, h)
		}
	}
	for _, u := range open {
		code, _, _ := request(t, http.MethodGet, u)
		isAsset := strings.Contains(u, playground.AssetPrefix) || strings.Contains(u, explorer.AssetPrefix)
		if code == http.StatusUnauthorized || (code != http.StatusOK && !isAsset) {
			t.Errorf("open route %s: %d without a token", u, code)
		}
	}
}

// TestReadRoutesShareRateLimit spends a client's burst with one request on each read
// route: after it, every read route refuses that client with 429, Retry-After and
// RATE_LIMITED, readable by a browser (CORS), while the open routes still answer and a
// client with a token of its own has its own bucket.
func TestReadRoutesShareRateLimit(t *testing.T) {
	reader, entry := auth.New(auth.Reader)
	reads, _ := readRoutes(t, "", "-tokens", entry)
	args := []string{"-rate-limit", "0.001", "-rate-burst", strconv.Itoa(len(reads)), "-tokens", entry}
	base, _ := startServer(t, args...)
	reads, open := readRoutes(t, base, args...)
	for _, u := range reads {
		if code, _, body := request(t, http.MethodGet, u); code != http.StatusOK {
			t.Fatalf("%s within the burst: %d %.100s", u, code, body)
		}
	}
	for _, u := range reads {
		code, h, body := request(t, http.MethodGet, u, "Origin", "https://app.example")
		if code != http.StatusTooManyRequests || errorCode(body) != ratelimit.Code || h.Get("Retry-After") == "" ||
			h.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("%s after the burst: %d %v %.100s; want 429 RATE_LIMITED with Retry-After and CORS", u, code, h, body)
		}
	}
	for _, u := range open {
		if code, _, _ := request(t, http.MethodGet, u); code == http.StatusTooManyRequests {
			t.Errorf("open route %s was rate-limited", u)
		}
	}
	if code, _, body := request(t, http.MethodGet, reads[1], "Authorization", "Bearer "+reader); code != http.StatusOK {
		t.Errorf("%s with a token of its own: %d %.100s", reads[1], code, body)
	}
}

// TestSchemaEndpoint checks when /schema.graphql is served: by default, not in
// production, unless -schema-endpoint (or SCHEMA_ENDPOINT) says so either way.
func TestSchemaEndpoint(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		env    map[string]string
		served bool
	}{
		{nil, nil, true},
		{[]string{"-production"}, nil, false},
		{[]string{"-production", "-schema-endpoint"}, nil, true},
		{[]string{"-schema-endpoint", "-production"}, nil, true},
		{[]string{"-production"}, map[string]string{"SCHEMA_ENDPOINT": "true"}, true},
		{nil, map[string]string{"PRODUCTION": "true"}, false},
		{nil, map[string]string{"PRODUCTION": "true", "SCHEMA_ENDPOINT": "1"}, true},
		{[]string{"-schema-endpoint=false"}, nil, false},
		{nil, map[string]string{"SCHEMA_ENDPOINT": "false"}, false},
		{[]string{"-schema-endpoint=true"}, map[string]string{"SCHEMA_ENDPOINT": "false"}, true},
	} {
		cfg, err := parseConfig(tc.args, func(k string) string { return tc.env[k] })
		if err != nil {
			t.Fatalf("%v %v: %v", tc.args, tc.env, err)
		}
		var ready atomic.Pointer[backend]
		srv := httptest.NewServer(routes(&ready, cfg, slog.New(slog.DiscardHandler), observe.NewRegistry(), nil))
		code, _, body := request(t, http.MethodGet, srv.URL+"/schema.graphql")
		srv.Close()
		if served := code == http.StatusOK && strings.Contains(body, "type Query"); served != tc.served {
			t.Errorf("%v %v: /schema.graphql %d, want served %v", tc.args, tc.env, code, tc.served)
		}
	}
	if _, err := parseConfig(nil, func(k string) string { return map[string]string{"SCHEMA_ENDPOINT": "maybe"}[k] }); err == nil {
		t.Error("SCHEMA_ENDPOINT=maybe accepted")
	}
}
