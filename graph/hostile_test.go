package graph_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// deep returns a query nesting themes → parent n times.
func deep(n int) string {
	return "{ themes(first: 1) { edges { node { " + strings.Repeat("parent { ", n) + "slug" + strings.Repeat(" }", n) + " } } } }"
}

// TestHostileInputs sends what abusive or broken clients send, and checks that each gets
// a clear error with a stable code, never a 500, and never database text.
func TestHostileInputs(t *testing.T) {
	srv := seeded(t, "sqlite")
	aliases := "{" + strings.Repeat(" a0: regions(first: 1) { totalCount }", 1)
	for i := 1; i <= 40; i++ {
		aliases += " a" + strings.Repeat("x", i) + ": regions(first: 1) { totalCount }"
	}
	aliases += " }"
	for _, tc := range []struct {
		name, body, code string
		status           int
	}{
		{"deep nesting", jsonBody(deep(30)), "QUERY_TOO_DEEP", 200},
		{"alias flood", jsonBody(aliases), "TOO_MANY_ALIASES", 200},
		{"costly nesting", jsonBody(`{ regions(first: 100) { edges { node { municipalities(first: 100) { edges { node { outcomes(first: 100) { edges { node { themes(first: 100) { totalCount } } } } } } } } } } }`), "QUERY_TOO_COSTLY", 200},
		{"fragment cycle", jsonBody(`{ themes { ...A } } fragment A on ThemeConnection { ...B } fragment B on ThemeConnection { ...A }`), "GRAPHQL_VALIDATION_FAILED", 200},
		{"huge string", jsonBody(`{ themes(where: {nameContains: "` + strings.Repeat("ä", 100000) + `"}) { totalCount } }`), "", 200},
		{"enormous first", jsonBody(`{ themes(first: 99999999999) { totalCount } }`), "VALIDATION", 200},
		{"too large first", jsonBody(`{ themes(first: 1000) { totalCount } }`), "VALIDATION", 200},
		{"bad cursor", jsonBody(`{ themes(first: 1, after: "not-a-cursor") { totalCount } }`), "BAD_USER_INPUT", 200},
		{"bad id", jsonBody(`{ node(id: "' OR 1=1 --") { id } }`), "BAD_USER_INPUT", 200},
		{"unknown operation name", `{"query":"query A { themes { totalCount } }","operationName":"B"}`, "GRAPHQL_VALIDATION_FAILED", 200},
		{"wrong JSON types", `{"query": 42}`, "", 400},
		{"variables of the wrong type", `{"query":"query($n: Int) { themes(first: $n) { totalCount } }","variables":{"n":"ten"}}`, "GRAPHQL_VALIDATION_FAILED", 200},
		{"not JSON", `{"query": `, "", 400},
		{"invalid UTF-8", "{\"query\": \"{ themes(where: {name: \\\"\xff\xfe\\\"}) { totalCount } }\"}", "", 200},
		{"empty query", `{"query": ""}`, "", 200},
		{"syntax error", jsonBody(`{ themes( { }`), "GRAPHQL_PARSE_FAILED", 200},
		{"token flood", jsonBody("{ themes { totalCount " + strings.Repeat("__typename ", 30000) + "} }"), "QUERY_TOO_LARGE", 200},
		{"token flood under the size limit", jsonBody("{ themes { totalCount " + strings.Repeat("a:__typename ", 1200) + "} }"), "", 200},
		{"oversized body", `{"query":"{ themes { totalCount } }","pad":"` + strings.Repeat("x", 9<<20) + `"}`, "", 413},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader([]byte(tc.body)))
			req.Header.Set("Content-Type", "application/json")
			res, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			raw, _ := io.ReadAll(res.Body)
			if res.StatusCode >= 500 {
				t.Fatalf("status %d: %s", res.StatusCode, raw)
			}
			if tc.status != 0 && res.StatusCode != tc.status {
				t.Errorf("status = %d, want %d (%.300s)", res.StatusCode, tc.status, raw)
			}
			for _, leak := range []string{"sql:", "pq:", "SQLSTATE", "goroutine", "panic", "ent:"} {
				if bytes.Contains(raw, []byte(leak)) {
					t.Errorf("response leaks %q: %.300s", leak, raw)
				}
			}
			if tc.code == "" {
				return
			}
			var r gqlResponse
			if err := json.Unmarshal(raw, &r); err != nil {
				t.Fatalf("not JSON: %.300s", raw)
			}
			if r.code() != tc.code {
				t.Errorf("code = %q, want %q (%.300s)", r.code(), tc.code, raw)
			}
		})
	}
}

// TestCostIsReported checks that every response says what the operation cost.
func TestCostIsReported(t *testing.T) {
	srv := seeded(t, "sqlite")
	res, err := http.Post(srv.URL, "application/json", strings.NewReader(jsonBody(`{ regions(first: 5) { edges { node { municipalities(first: 10) { totalCount } } } } }`)))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var r struct {
		Extensions struct {
			Cost struct{ Requested, Limit int }
		}
	}
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	// regions 1 + 5 × (edges 1 + node 1 + municipalities (1 + 10 × totalCount 1)) = 1 + 5 × 13 = 66
	if r.Extensions.Cost.Requested != 66 || r.Extensions.Cost.Limit == 0 {
		t.Errorf("cost = %+v, want 66 requested and a limit", r.Extensions.Cost)
	}
}

func jsonBody(query string) string {
	b, _ := json.Marshal(map[string]string{"query": query})
	return string(b)
}

// TestCursorOfAnotherOrdering checks that a cursor taken under one ordering and sent
// with another is the client's error, not an internal one.
func TestCursorOfAnotherOrdering(t *testing.T) {
	srv := seeded(t, "sqlite")
	var p struct{ Themes page }
	mustPost(t, srv, `{ themes(first: 1, orderBy: [{field: NAME}]) { pageInfo { endCursor } } }`, nil, &p)
	if p.Themes.PageInfo.EndCursor == "" {
		t.Fatal("no cursor to send")
	}
	// The page's rows are asked for, so the cursor is applied (totalCount alone ignores it).
	r := post(t, srv, `query($c: Cursor) { themes(first: 1, after: $c, orderBy: [{field: SLUG}, {field: NAME}]) { totalCount edges { cursor } } }`,
		map[string]any{"c": p.Themes.PageInfo.EndCursor}, nil)
	if r.code() != "BAD_USER_INPUT" {
		t.Errorf("a cursor of another ordering: %+v, want BAD_USER_INPUT", r.Errors)
	}
}
