package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teemaverkko/teemaverkko/docs"
	"github.com/teemaverkko/teemaverkko/graph"
	"github.com/teemaverkko/teemaverkko/internal/seed"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// fuzzMaxBody is the body limit of the fuzzed handler: small, so that the fuzzer also
// reaches the 413 path without megabyte inputs.
const fuzzMaxBody = 64 << 10

// fuzzTimeout bounds one request; a request that needs it has hung (or costs the
// server far too much).
const fuzzTimeout = 5 * time.Second

// leaks are what must never reach a client unless the client sent it.
var leaks = []string{"pq:", "sql:", "SQLSTATE", "panic", "goroutine"}

// FuzzGraphQLHTTP posts arbitrary bodies to the real GraphQL handler over a seeded
// SQLite database, and checks that every answer is a client error or a success (never
// 5xx), is JSON, and carries no database or runtime text the client did not send.
func FuzzGraphQLHTTP(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add([]byte(s))
	}
	db := testdb.Open(f, "sqlite")
	client := db.Client()
	if err := seed.Run(context.Background(), client, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		f.Fatalf("seed: %v", err)
	}
	internal := &internalLog{}
	h := graph.NewHandler(client, graph.Config{
		Limits:       graph.DefaultLimits,
		Logger:       slog.New(internal),
		MaxBodyBytes: fuzzMaxBody,
	})
	f.Fuzz(func(t *testing.T, body []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), fuzzTimeout)
		defer cancel()
		req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		internal.reset()
		h.ServeHTTP(rec, req)
		if ctx.Err() != nil {
			t.Fatalf("the request hung (%s): %.300q", fuzzTimeout, body)
		}
		raw := rec.Body.Bytes()
		if rec.Code >= 500 {
			t.Fatalf("status %d: %.500s", rec.Code, raw)
		}
		if !json.Valid(raw) && !(rec.Code == http.StatusRequestEntityTooLarge && len(raw) == 0) {
			t.Fatalf("status %d, body is not JSON: %.500q", rec.Code, raw)
		}
		sent := unescaped(body)
		for _, leak := range leaks {
			if bytes.Contains(raw, []byte(leak)) && !containsAny(sent, leak) {
				t.Fatalf("the response leaks %q: %.500s", leak, raw)
			}
		}
		if msg := internal.first(); msg != "" {
			t.Fatalf("internal error (status %d): %s\nresponse: %.300s", rec.Code, msg, raw)
		}
	})
}

// internalLog records the handler's error-level log lines: internal errors and
// recovered panics, which a client's input should never cause.
type internalLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *internalLog) Enabled(_ context.Context, level slog.Level) bool {
	return level >= slog.LevelError
}

func (l *internalLog) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool {
		if a.Key != "stack" {
			b.WriteString(" " + a.String())
		}
		return true
	})
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, b.String())
	return nil
}

func (l *internalLog) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *internalLog) WithGroup(string) slog.Handler      { return l }
func (l *internalLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = nil
}

func (l *internalLog) first() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.lines) == 0 {
		return ""
	}
	return l.lines[0]
}

// unescaped returns the forms in which the server may echo what the client sent: as
// sent, and with JSON and GraphQL string escapes (\uXXXX, \n …) undone, once and twice.
func unescaped(body []byte) []string {
	forms := []string{string(body)}
	s := string(body)
	for range 3 {
		u := unescapeOnce(s)
		if u == s {
			break
		}
		forms = append(forms, u)
		s = u
	}
	return forms
}

func unescapeOnce(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		switch n := s[i+1]; n {
		case 'u':
			if i+6 <= len(s) {
				if v, err := strconv.ParseUint(s[i+2:i+6], 16, 32); err == nil {
					b.WriteRune(rune(v))
					i += 5
					continue
				}
			}
			b.WriteByte(c)
		case 'n', 't', 'r', 'b', 'f':
			b.WriteByte(map[byte]byte{'n': '\n', 't': '\t', 'r': '\r', 'b': '\b', 'f': '\f'}[n])
			i++
		case '"', '\\', '/':
			b.WriteByte(n)
			i++
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func containsAny(forms []string, s string) bool {
	for _, f := range forms {
		if strings.Contains(f, s) {
			return true
		}
	}
	return false
}

// fuzzSeeds are the seed corpus: the documented example queries, the hostile inputs of
// TestHostileInputs (scaled to the fuzzed body limit), and malformed bodies.
func fuzzSeeds() []string {
	var seeds []string
	for _, q := range docs.Queries() {
		seeds = append(seeds, jsonBody(q.Text))
	}
	aliases := "{ a0: regions(first: 1) { totalCount }"
	for i := 1; i <= 40; i++ {
		aliases += " a" + strings.Repeat("x", i) + ": regions(first: 1) { totalCount }"
	}
	aliases += " }"
	seeds = append(seeds,
		// Valid operations.
		jsonBody(`{ themes(first: 3, orderBy: [{field: NAME}]) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id slug name nameEn } } } }`),
		jsonBody(`{ regions(first: 2) { edges { node { code name municipalities(first: 2, where: {nameContainsFold: "a"}) { totalCount edges { node { code name } } } } } } }`),
		jsonBody(`query Q($n: Int, $after: Cursor) { seminars(first: $n, after: $after) { edges { node { title date venue sessions { totalCount } } } } }`),
		`{"query":"query Q($n: Int) { outcomes(first: $n) { totalCount } }","variables":{"n":5},"operationName":"Q"}`,
		jsonBody(`{ nodes(ids: ["x", "y"]) { id } node(id: "nothing") { id __typename } }`),
		jsonBody(`{ __schema { queryType { name } } __type(name: "Theme") { fields { name } } }`),
		jsonBody(`mutation { deleteTheme(id: "x") }`),
		jsonBody(`subscription { nodeChanged { id } }`),
		`{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"0000000000000000000000000000000000000000000000000000000000000000"}}}`,
		// The hostile inputs of TestHostileInputs.
		jsonBody(deep(30)),
		jsonBody(aliases),
		jsonBody(`{ regions(first: 100) { edges { node { municipalities(first: 100) { edges { node { outcomes(first: 100) { edges { node { themes(first: 100) { totalCount } } } } } } } } } } }`),
		jsonBody(`{ themes { ...A } } fragment A on ThemeConnection { ...B } fragment B on ThemeConnection { ...A }`),
		jsonBody(`{ themes(where: {nameContains: "`+strings.Repeat("ä", 10000)+`"}) { totalCount } }`),
		jsonBody(`{ themes(first: 99999999999) { totalCount } }`),
		jsonBody(`{ themes(first: 1000) { totalCount } }`),
		jsonBody(`{ themes(first: 1, after: "not-a-cursor") { totalCount } }`),
		jsonBody(`{ node(id: "' OR 1=1 --") { id } }`),
		`{"query":"query A { themes { totalCount } }","operationName":"B"}`,
		`{"query": 42}`,
		`{"query":"query($n: Int) { themes(first: $n) { totalCount } }","variables":{"n":"ten"}}`,
		`{"query": `,
		"{\"query\": \"{ themes(where: {name: \\\"\xff\xfe\\\"}) { totalCount } }\"}",
		`{"query": ""}`,
		jsonBody(`{ themes( { }`),
		jsonBody("{ themes { totalCount "+strings.Repeat("__typename ", 1000)+"} }"),
		`{"query":"{ themes { totalCount } }","pad":"`+strings.Repeat("x", fuzzMaxBody)+`"}`,
		// Malformed bodies.
		"",
		"null",
		"[]",
		`{"query":"{ themes { totalCount } }"`,
		"\xff\xfe\xfd",
		string([]byte{'{', '"', 'q', 0, '"', ':', '1', '}'}),
		strings.Repeat("[", 10000)+strings.Repeat("]", 10000),
		strings.Repeat(`{"a":`, 5000)+"1"+strings.Repeat("}", 5000),
		jsonBody(strings.Repeat("{", 5000)+strings.Repeat("}", 5000)),
		jsonBody("{ themes(where: "+strings.Repeat("{not: ", 500)+"{}"+strings.Repeat("}", 500)+") { totalCount } }"),
		jsonBody(`{ themes(where: {not: {nameContains: "a"}, or: [{slug: "x"}, {hasParentWith: [{nameContainsFold: "b"}]}]}) { totalCount } }`),
		`{"query":"{ themes(where: {and: [{or: [{not: {nameContains: \"\\u0000\"}}]}]}) { totalCount } }"}`,
		`{"query":"{ __typename }","variables":[1,2,3]}`,
		`{"query":"{ __typename }","variables":{"x":`+strings.Repeat("[", 3000)+strings.Repeat("]", 3000)+`}}`,
		`{"query":"query($d: Date) { seminars(where: {date: $d}) { totalCount } }","variables":{"d":"2017-02-30"}}`,
		`{"query":"query($d: Date) { seminars(where: {date: $d}) { totalCount } }","variables":{"d":99999999999999999999}}`,
	)
	return seeds
}
