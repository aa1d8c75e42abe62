package graph_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/graph"
	"github.com/teemaverkko/teemaverkko/internal/auth"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// counter counts the SQL statements the ent client sends.
type counter struct{ *testdb.Counter }

func (c counter) reset()       { c.Reset() }
func (c counter) value() int64 { return int64(c.Total()) }

// data counts the statements other than the reads of the knowledge base's version (which
// every query makes before and after it runs, refused or not).
func (c counter) data() int {
	n := 0
	for _, s := range c.Statements() {
		if !strings.Contains(s, "FROM knowledge_base") {
			n++
		}
	}
	return n
}

// countingClient returns an ent client over db whose statements are counted.
func countingClient(db *database.DB) (*ent.Client, counter) {
	client, c := testdb.Counting(db)
	return client, counter{c}
}

// gqlResponse is a GraphQL response with its errors decoded.
type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
	// Extensions are the response's own (cost, version).
	Extensions map[string]any `json:"extensions"`
	status     int
}

// code returns the extensions.code of the first error, or "".
func (r gqlResponse) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// The tokens of the test servers.
const (
	editorToken = "test-editor-token"
	adminToken  = "test-admin-token"
)

func tokenEntry(role, token string) string {
	h := sha256.Sum256([]byte(token))
	return role + ":" + hex.EncodeToString(h[:])
}

// apiServer serves the GraphQL handler over client, with the default limits and an
// editor and an admin token.
func apiServer(t *testing.T, client *ent.Client) *httptest.Server {
	t.Helper()
	tokens, err := auth.ParseTokens(tokenEntry("editor", editorToken) + "," + tokenEntry("admin", adminToken))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(graph.NewHandler(client, graph.Config{Dialect: dialectOf(client), Limits: graph.DefaultLimits, Tokens: tokens}))
	t.Cleanup(srv.Close)
	return srv
}

// post sends a GraphQL request over HTTP with the admin token and decodes the response;
// data is decoded into out when out is not nil.
func post(t *testing.T, srv *httptest.Server, query string, vars map[string]any, out any) gqlResponse {
	t.Helper()
	return postAs(t, srv, adminToken, query, vars, out)
}

// postAs is post with the given bearer token ("" for none).
func postAs(t *testing.T, srv *httptest.Server, token, query string, vars map[string]any, out any) gqlResponse {
	t.Helper()
	r, err := postRaw(srv, token, query, vars)
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	if out != nil && len(r.Data) > 0 && string(r.Data) != "null" {
		if err := json.Unmarshal(r.Data, out); err != nil {
			t.Fatalf("decode data: %v", err)
		}
	}
	return r
}

// postRaw posts a query with a bearer token ("" for none) and decodes the response;
// safe to call from any goroutine (it reports failures as an error, not through t).
func postRaw(srv *httptest.Server, token, query string, vars map[string]any) (gqlResponse, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		return gqlResponse{}, err
	}
	defer res.Body.Close()
	var r gqlResponse
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
		return r, fmt.Errorf("decode response: %w", err)
	}
	r.status = res.StatusCode
	return r, nil
}

// mustPost is post that fails the test on any GraphQL error.
func mustPost(t *testing.T, srv *httptest.Server, query string, vars map[string]any, out any) {
	t.Helper()
	r := post(t, srv, query, vars, out)
	if len(r.Errors) > 0 {
		t.Fatalf("unexpected errors: %+v", r.Errors)
	}
}

func mustDate(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func itoa(n int) string { return strconv.Itoa(n) }

func idStrings[T ~string](ids []T) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = string(id)
	}
	return out
}

// dialectOf tells the database of a client by asking for SQLite's version.
func dialectOf(client *ent.Client) string {
	rows, err := client.QueryContext(context.Background(), "SELECT sqlite_version()")
	if err != nil {
		return "postgres"
	}
	rows.Close()
	return "sqlite3"
}
