package graph_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// httpCase is one request to /graphql and what the GraphQL over HTTP spec wants back.
type httpCase struct {
	name        string
	method      string // GET when query is set and method is empty, POST otherwise
	query       url.Values
	contentType string // default application/json for POST; "-" for none
	accept      string // "" sends no Accept header
	token       string
	body        string

	status    int
	mediaType string // the response's media type; default: Accept's when it names one type, else application/json
	data      string // "present", "absent" or "null"; "" skips the check
	code      string // extensions.code of the first error; "none" when there must be no error
	header    map[string]string
	check     func(t *testing.T, raw map[string]json.RawMessage)
}

const (
	grj     = "application/graphql-response+json"
	appJSON = "application/json"
)

func get(query string, more ...string) url.Values {
	v := url.Values{"query": {query}}
	for i := 0; i+1 < len(more); i += 2 {
		v.Set(more[i], more[i+1])
	}
	return v
}

// TestHTTPCompliance checks each rule of the GraphQL over HTTP spec (and the repository's
// choices within it) through graph.NewHandler over a seeded SQLite database.
func TestHTTPCompliance(t *testing.T) {
	srv := seeded(t, "sqlite")
	const (
		ok       = `{"query":"{ themes(first: 1) { totalCount } }"}`
		parse    = `{"query":"{ themes( { }"}`
		validate = `{"query":"{ noSuchField }"}`
		coerce   = `{"query":"query($n: Int!) { themes(first: $n) { totalCount } }","variables":{"n":"ten"}}`
		mutation = `mutation { createTheme(input: {slug: "over-get", name: "Over GET"}) { id } }`
	)
	cases := []httpCase{
		// Media types, from Accept.
		{name: "no Accept: application/json", body: ok, status: 200, mediaType: appJSON, data: "present", code: "none"},
		{name: "Accept */*: application/json", accept: "*/*", body: ok, status: 200, mediaType: appJSON, data: "present"},
		{name: "Accept application/*: application/json", accept: "application/*", body: ok, status: 200, mediaType: appJSON},
		{name: "Accept application/json", accept: appJSON, body: ok, status: 200, mediaType: appJSON},
		{name: "Accept graphql-response+json", accept: grj, body: ok, status: 200, mediaType: grj, data: "present", code: "none"},
		{name: "Accept as the spec recommends", accept: grj + ", application/json;q=0.9", body: ok, status: 200, mediaType: grj},
		{name: "Accept prefers json by weight", accept: grj + ";q=0.5, application/json", body: ok, status: 200, mediaType: appJSON},
		{name: "Accept with equal weights: the first", accept: appJSON + ", " + grj, body: ok, status: 200, mediaType: appJSON},
		{name: "Accept named type beats wildcard", accept: "*/*, " + grj, body: ok, status: 200, mediaType: grj},
		{name: "Accept of a browser", accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", body: ok, status: 200, mediaType: appJSON},
		{name: "Accept json with charset", accept: "application/json; charset=utf-8", body: ok, status: 200, mediaType: appJSON},
		{name: "Accept neither: 406", accept: "text/html", body: ok, status: 406, mediaType: appJSON, data: "absent"},
		{name: "Accept excludes both with q=0: 406", accept: grj + ";q=0, application/json;q=0, text/plain", body: ok, status: 406},
		{name: "Accept */* but json excluded", accept: "*/*, application/json;q=0", body: ok, status: 200, mediaType: grj},

		// Request errors: 200 under application/json, 4xx under graphql-response+json, never data.
		{name: "parse error, json", accept: appJSON, body: parse, status: 200, data: "absent", code: "GRAPHQL_PARSE_FAILED"},
		{name: "parse error, no Accept", body: parse, status: 200, data: "absent", code: "GRAPHQL_PARSE_FAILED"},
		{name: "parse error, graphql-response", accept: grj, body: parse, status: 400, mediaType: grj, data: "absent", code: "GRAPHQL_PARSE_FAILED"},
		{name: "validation error, json", accept: appJSON, body: validate, status: 200, data: "absent", code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "validation error, graphql-response", accept: grj, body: validate, status: 400, mediaType: grj, data: "absent", code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "variable coercion, json", accept: appJSON, body: coerce, status: 200, data: "absent", code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "variable coercion, graphql-response", accept: grj, body: coerce, status: 400, mediaType: grj, data: "absent", code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "query too deep, graphql-response", accept: grj, body: jsonBody(deep(30)), status: 400, mediaType: grj, data: "absent", code: "QUERY_TOO_DEEP"},
		{name: "query too deep, json", accept: appJSON, body: jsonBody(deep(30)), status: 200, data: "absent", code: "QUERY_TOO_DEEP"},
		{name: "page too large, graphql-response", accept: grj, body: jsonBody(`{ themes(first: 1000) { totalCount } }`), status: 400, data: "absent", code: "VALIDATION"},
		{name: "mutation without a token, graphql-response", accept: grj, body: jsonBody(`mutation { deleteTheme(id: "th01ARZ3NDEKTSV4RRFFQ69G5FAV") }`), token: "-", status: 401, mediaType: grj, data: "absent", code: "UNAUTHENTICATED", header: map[string]string{"WWW-Authenticate": "Bearer"}},
		{name: "mutation without a token, json", accept: appJSON, body: jsonBody(`mutation { deleteTheme(id: "th01ARZ3NDEKTSV4RRFFQ69G5FAV") }`), token: "-", status: 200, data: "absent", code: "UNAUTHENTICATED"},
		{name: "mutation with too weak a role, graphql-response", accept: grj, body: jsonBody(`mutation { deleteTheme(id: "th01ARZ3NDEKTSV4RRFFQ69G5FAV") }`), token: editorToken, status: 403, data: "absent", code: "FORBIDDEN"},
		{name: "subscription over HTTP, graphql-response", accept: grj, body: jsonBody(`subscription { __typename }`), status: 400, data: "absent"},

		// Execution started: 200 with data, whatever the errors.
		// (A cursor that does not decode is refused before execution: a request error.)
		{name: "bad cursor, graphql-response", accept: grj, body: jsonBody(`{ themes(first: 1, after: "not-a-cursor") { totalCount } }`), status: 400, mediaType: grj, code: "BAD_USER_INPUT"},
		{name: "field error, graphql-response", accept: grj, body: jsonBody(`{ themes(first: 1, where: {not: {}}) { totalCount } }`), status: 200, mediaType: grj, data: "null", code: "BAD_USER_INPUT"},
		{name: "field error, json", accept: appJSON, body: jsonBody(`{ themes(first: 1, where: {not: {}}) { totalCount } }`), status: 200, data: "null", code: "BAD_USER_INPUT"},
		{name: "partial data, graphql-response", accept: grj, body: jsonBody(`{ t: themes(first: 1) { totalCount } n: node(id: "' OR 1=1 --") { id } }`), status: 200, mediaType: grj, data: "present", code: "BAD_USER_INPUT",
			check: func(t *testing.T, raw map[string]json.RawMessage) {
				if !bytes.Contains(raw["data"], []byte(`"totalCount"`)) {
					t.Errorf("data = %s, want the themes", raw["data"])
				}
			}},
		{name: "the cost extension stays", accept: grj, body: ok, status: 200, mediaType: grj, data: "present",
			check: func(t *testing.T, raw map[string]json.RawMessage) {
				if !bytes.Contains(raw["extensions"], []byte(`"cost"`)) {
					t.Errorf("extensions = %s, want cost", raw["extensions"])
				}
			}},

		// Malformed requests: 400 under either media type.
		{name: "body not JSON", body: `{"query": `, status: 400, data: "absent", code: "BAD_USER_INPUT"},
		{name: "body not JSON, graphql-response", accept: grj, body: `{ "not a JSON`, status: 400, mediaType: grj, data: "absent"},
		{name: "body empty", body: ``, status: 400, data: "absent"},
		{name: "body an array (no batching)", body: `[` + ok + `]`, status: 400, data: "absent"},
		{name: "body null", body: `null`, status: 400},
		{name: "body with trailing garbage", body: ok + `x`, status: 400},
		{name: "query missing", body: `{"qeury":"{ __typename }"}`, status: 400, data: "absent"},
		{name: "query null", body: `{"query":null}`, status: 400},
		{name: "query empty: a document without an operation", body: `{"query":""}`, status: 200, data: "absent", code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "query empty, graphql-response", accept: grj, body: `{"query":""}`, status: 400, data: "absent", code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "query a number", body: `{"query":42}`, status: 400},
		{name: "query an object", body: `{"query":{"a":1}}`, status: 400},
		{name: "query keys are case-sensitive", body: `{"Query":"{ __typename }"}`, status: 400},
		{name: "operationName a number", body: `{"query":"{ __typename }","operationName":1}`, status: 400},
		{name: "operationName null", accept: grj, body: `{"query":"{ __typename }","operationName":null}`, status: 200, code: "none"},
		{name: "variables a string", body: `{"query":"{ __typename }","variables":"{}"}`, status: 400},
		{name: "variables an array", body: `{"query":"{ __typename }","variables":[]}`, status: 400},
		{name: "variables null", accept: grj, body: `{"query":"{ __typename }","variables":null}`, status: 200, code: "none"},
		{name: "extensions a boolean", body: `{"query":"{ __typename }","extensions":false}`, status: 400},
		{name: "extensions a map", accept: grj, body: `{"query":"{ __typename }","extensions":{"some":"value"}}`, status: 200, code: "none"},
		{name: "unknown keys are ignored", accept: grj, body: `{"query":"{ __typename }","foo":1}`, status: 200, code: "none"},
		{name: "no Content-Type: 415", contentType: "-", body: ok, status: 415, data: "absent"},
		{name: "text/plain: 415", contentType: "text/plain;charset=UTF-8", body: ok, status: 415},
		{name: "form body: 415", contentType: "application/x-www-form-urlencoded", body: "query=%7B__typename%7D", status: 415},
		{name: "charset utf-8 accepted", contentType: "application/json; charset=utf-8", body: ok, status: 200, code: "none"},
		{name: "charset latin-1: 415", contentType: "application/json; charset=iso-8859-1", body: ok, status: 415},
		{name: "persisted query without a query is passed on", body: `{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"0000000000000000000000000000000000000000000000000000000000000000"}}}`, status: 200, data: "absent", code: "PERSISTED_QUERY_NOT_FOUND"},
		{name: "PUT: 405", method: http.MethodPut, body: ok, status: 405, header: map[string]string{"Allow": "GET, POST, OPTIONS"}},
		{name: "DELETE: 405", method: http.MethodDelete, status: 405},

		// GET: queries only.
		{name: "GET query", query: get(`{ themes(first: 1) { totalCount } }`), status: 200, data: "present", code: "none"},
		{name: "GET query, graphql-response", accept: grj, query: get(`{ themes(first: 1) { totalCount } }`), status: 200, mediaType: grj, data: "present"},
		{name: "GET with variables", accept: grj, query: get(`query($n: Int) { themes(first: $n) { totalCount } }`, "variables", `{"n":1}`), status: 200, code: "none"},
		{name: "GET with variables not an object", query: get(`{ __typename }`, "variables", `[1]`), status: 400},
		{name: "GET with variables not JSON", query: get(`{ __typename }`, "variables", `{n:1}`), status: 400},
		{name: "GET with extensions not an object", query: get(`{ __typename }`, "extensions", `"x"`), status: 400},
		{name: "GET without a query", query: url.Values{}, method: http.MethodGet, status: 400, data: "absent"},
		{name: "GET with an empty query: a request error", accept: grj, query: get(""), status: 400, data: "absent", code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "GET parse error, graphql-response", accept: grj, query: get(`{`), status: 400, data: "absent", code: "GRAPHQL_PARSE_FAILED"},
		{name: "GET parse error, json", accept: appJSON, query: get(`{`), status: 200, data: "absent", code: "GRAPHQL_PARSE_FAILED"},
		{name: "GET mutation: 405", query: get(mutation), token: adminToken, status: 405, data: "absent", header: map[string]string{"Allow": "POST"}},
		{name: "GET mutation, graphql-response: 405", accept: grj, query: get(mutation), status: 405, mediaType: grj, header: map[string]string{"Allow": "POST"}},
		{name: "GET mutation without a token: still 405", query: get(mutation), token: "-", status: 405, header: map[string]string{"Allow": "POST"}},
		{name: "GET mutation with bad variables: still 405", query: get(`mutation($id: ID!) { deleteTheme(id: $id) }`, "variables", `{"id":{"not":"an ID"}}`), status: 405},
		{name: "GET mutation chosen by operationName: 405", query: get(`query Q { __typename } mutation M { deleteTheme(id: "x") }`, "operationName", "M"), status: 405},
		{name: "GET query chosen beside a mutation", query: get(`query Q { __typename } mutation M { deleteTheme(id: "x") }`, "operationName", "Q"), status: 200, code: "none"},
		{name: "GET malformed query string", method: http.MethodGet, query: url.Values{"raw": {"query=%zz"}}, status: 400},

		// operationName.
		{name: "operationName chooses", accept: grj, body: `{"query":"query A { a: __typename } query B { b: __typename }","operationName":"B"}`, status: 200, code: "none",
			check: func(t *testing.T, raw map[string]json.RawMessage) {
				if string(raw["data"]) != `{"b":"Query"}` {
					t.Errorf("data = %s, want B's", raw["data"])
				}
			}},
		{name: "operationName of a single operation", accept: grj, body: `{"query":"query A { __typename }","operationName":"A"}`, status: 200, code: "none"},
		{name: "operationName omitted for a single operation", accept: grj, body: `{"query":"query A { __typename }"}`, status: 200, code: "none"},
		{name: "operationName empty for a single operation", accept: grj, body: `{"query":"query A { __typename }","operationName":""}`, status: 200, code: "none"},
		{name: "operationName required for several", accept: grj, body: `{"query":"query A { __typename } query B { __typename }"}`, status: 400, data: "absent", code: "GRAPHQL_VALIDATION_FAILED",
			check: wantMessage("give operationName")},
		{name: "operationName required for several, json", accept: appJSON, body: `{"query":"query A { __typename } query B { __typename }"}`, status: 200, data: "absent", code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "operationName names nothing", accept: grj, body: `{"query":"query A { __typename }","operationName":"B"}`, status: 400, data: "absent", code: "GRAPHQL_VALIDATION_FAILED",
			check: wantMessage(`operationName "B" names no operation of the document (it has "A")`)},
		{name: "operationName for an anonymous operation", accept: grj, body: `{"query":"{ __typename }","operationName":"A"}`, status: 400, data: "absent", code: "GRAPHQL_VALIDATION_FAILED"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, raw := doHTTP(t, srv.URL, tc)
			if res.StatusCode != tc.status {
				t.Errorf("status = %d, want %d (%.300s)", res.StatusCode, tc.status, raw)
			}
			wantType := tc.mediaType
			switch {
			case wantType != "":
			case tc.accept == grj:
				wantType = grj
			default:
				wantType = appJSON
			}
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, wantType+";") && ct != wantType {
				t.Errorf("Content-Type = %q, want %s", ct, wantType)
			} else if !strings.Contains(ct, "charset=utf-8") {
				t.Errorf("Content-Type = %q, want charset=utf-8", ct)
			}
			for k, v := range tc.header {
				if got := res.Header.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			var body map[string]json.RawMessage
			if err := json.Unmarshal(raw, &body); err != nil {
				t.Fatalf("the body is not a JSON object: %v: %.300s", err, raw)
			}
			data, hasData := body["data"]
			switch tc.data {
			case "present":
				if !hasData || string(data) == "null" {
					t.Errorf("data = %s, want data", data)
				}
			case "absent":
				if hasData {
					t.Errorf("the body has a data entry (%s), want none: %.300s", data, raw)
				}
			case "null":
				if string(data) != "null" {
					t.Errorf("data = %q, want null", data)
				}
			}
			var errs []struct {
				Message    string         `json:"message"`
				Extensions map[string]any `json:"extensions"`
			}
			_ = json.Unmarshal(body["errors"], &errs)
			switch {
			case tc.code == "none" && len(errs) > 0:
				t.Errorf("errors = %+v, want none", errs)
			case tc.code != "" && tc.code != "none":
				if len(errs) == 0 || errs[0].Extensions["code"] != tc.code {
					t.Errorf("errors = %+v, want code %s", errs, tc.code)
				}
			}
			if res.StatusCode >= 400 && len(errs) == 0 {
				t.Errorf("status %d without errors: %.300s", res.StatusCode, raw)
			}
			if tc.check != nil {
				tc.check(t, body)
			}
		})
	}

	t.Run("a mutation over GET does not run", func(t *testing.T) {
		count := func() int {
			var out struct{ Themes struct{ TotalCount int } }
			mustPost(t, srv, `{ themes(where: {slug: "over-get"}) { totalCount } }`, nil, &out)
			return out.Themes.TotalCount
		}
		for _, tc := range cases {
			if tc.query != nil && strings.Contains(tc.query.Get("query"), "over-get") {
				doHTTP(t, srv.URL, tc)
			}
		}
		if n := count(); n != 0 {
			t.Fatalf("%d themes over-get after mutations over GET, want 0", n)
		}
		mustPost(t, srv, mutation, nil, nil)
		if n := count(); n != 1 {
			t.Fatalf("%d themes over-get after the same mutation over POST, want 1", n)
		}
	})
}

func wantMessage(part string) func(*testing.T, map[string]json.RawMessage) {
	return func(t *testing.T, raw map[string]json.RawMessage) {
		t.Helper()
		var errs []struct{ Message string }
		_ = json.Unmarshal(raw["errors"], &errs)
		if len(errs) == 0 || !strings.Contains(errs[0].Message, part) {
			t.Errorf("errors = %s, want a message with %q", raw["errors"], part)
		}
	}
}

// doHTTP sends the request of tc to /graphql.
func doHTTP(t *testing.T, base string, tc httpCase) (*http.Response, []byte) {
	t.Helper()
	method := tc.method
	if method == "" {
		method = http.MethodPost
		if tc.query != nil {
			method = http.MethodGet
		}
	}
	u := base + "/graphql"
	if raw := tc.query.Get("raw"); raw != "" {
		u += "?" + raw
	} else if len(tc.query) > 0 {
		u += "?" + tc.query.Encode()
	}
	var body io.Reader
	if tc.body != "" {
		body = strings.NewReader(tc.body)
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case tc.contentType == "-":
	case tc.contentType != "":
		req.Header.Set("Content-Type", tc.contentType)
	case method == http.MethodPost:
		req.Header.Set("Content-Type", appJSON)
	}
	if tc.accept != "" {
		req.Header.Set("Accept", tc.accept)
	}
	switch tc.token {
	case "-":
	case "":
		req.Header.Set("Authorization", "Bearer "+adminToken)
	default:
		req.Header.Set("Authorization", "Bearer "+tc.token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, raw
}
