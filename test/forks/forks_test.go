package forks

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/graph"
	"github.com/teemaverkko/teemaverkko/internal/auth"
)

// root is the module's root, from this package's folder.
var root = filepath.Join("..", "..")

// fork names one fork and its section of docs/FORKS.md in failure messages.
type fork struct{ name, anchor string }

// The forks, as docs/FORKS.md names them.
var (
	collectionTemplate = fork{"ent/template/gql_collection.tmpl", "collection-template"}
	paginateTemplate   = fork{"ent/template/gql_pagination_paginate.tmpl", "paginate-template"}
	listsInOrder       = fork{"graph/gqlgen (lists marshaled in order)", "lists-marshaled-in-order"}
	nestedPages        = fork{"ent/nestedpage", "nested-pages"}
	sqliteConstraints  = fork{"internal/apierr SQLite constraint texts", "sqlite-constraint-errors"}
	transactionSkip    = fork{"graph/transaction.go skipTx", "transaction-skip"}
	httpTransport      = fork{"graph/httpcompliance.go", "http-transport"}
)

func (f fork) where() string { return "docs/FORKS.md#" + f.anchor }

// message names the fork, says what broke, points to the fork's section at the end of the
// first line, and gives the details (the message's further lines) after it.
func (f fork) message(format string, args ...any) string {
	first, details, _ := strings.Cut(fmt.Sprintf(format, args...), "\n")
	msg := fmt.Sprintf("fork %s: %s (%s)", f.name, first, f.where())
	if details != "" {
		msg += "\n" + details
	}
	return msg
}

// errorf fails the test with the fork's message.
func (f fork) errorf(t *testing.T, format string, args ...any) {
	t.Helper()
	t.Error(f.message(format, args...))
}

// fatalf is errorf, and the test stops.
func (f fork) fatalf(t *testing.T, format string, args ...any) {
	t.Helper()
	t.Fatal(f.message(format, args...))
}

// moduleDir is the folder of a module of go.mod's build list in the module cache.
func moduleDir(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Version}} {{.Dir}}", path).Output()
	if err != nil {
		t.Fatalf("go list -m %s: %v", path, err)
	}
	version, dir, _ := strings.Cut(strings.TrimSpace(string(out)), " ")
	if dir == "" {
		t.Fatalf("%s %s is not in the module cache: run go mod download", path, version)
	}
	t.Logf("%s %s", path, version)
	return dir
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// firstDifference describes where two texts part, with a few lines of each around it.
func firstDifference(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	i := 0
	for i < len(g) && i < len(w) && g[i] == w[i] {
		i++
	}
	from := max(0, i-2)
	excerpt := func(lines []string) string {
		to := min(len(lines), i+3)
		if from >= to {
			return "  (end of text)"
		}
		var b strings.Builder
		for n := from; n < to; n++ {
			fmt.Fprintf(&b, "  %4d %s\n", n+1, lines[n])
		}
		return strings.TrimRight(b.String(), "\n")
	}
	return fmt.Sprintf("line %d:\nthe copy, its blocks undone:\n%s\nupstream:\n%s", i+1, excerpt(g), excerpt(w))
}

// Tokens of the API servers of these checks.
const (
	editorToken = "forks-editor-token"
	adminToken  = "forks-admin-token"
)

// apiServer serves graph.NewHandler over client with an editor and an admin token.
func apiServer(t *testing.T, client *ent.Client, dialect string) *httptest.Server {
	t.Helper()
	return apiServerWith(t, client, graph.Config{Dialect: dialect})
}

// apiServerWith is apiServer with cfg's other settings.
func apiServerWith(t *testing.T, client *ent.Client, cfg graph.Config) *httptest.Server {
	t.Helper()
	entry := func(role, token string) string {
		h := sha256.Sum256([]byte(token))
		return role + ":" + hex.EncodeToString(h[:])
	}
	tokens, err := auth.ParseTokens(entry("editor", editorToken) + "," + entry("admin", adminToken))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Limits, cfg.Tokens = graph.DefaultLimits, tokens
	srv := httptest.NewServer(graph.NewHandler(client, cfg))
	t.Cleanup(srv.Close)
	return srv
}

// response is a GraphQL response.
type response struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// code is the extensions.code of the first error, or "".
func (r response) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// field is the extensions.field of the first error, or "".
func (r response) field() string {
	if len(r.Errors) == 0 {
		return ""
	}
	f, _ := r.Errors[0].Extensions["field"].(string)
	return f
}

// post sends a GraphQL request with the admin token.
func post(t *testing.T, srv *httptest.Server, query string, vars map[string]any) response {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, srv.URL, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+adminToken)
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	defer res.Body.Close()
	var r response
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
		t.Fatalf("decode response: %v", err)
	}
	return r
}
