package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/teemaverkko/teemaverkko/internal/observe"
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
