package graph_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	coderws "github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/graph"
	"github.com/teemaverkko/teemaverkko/graph/authz"
	"github.com/teemaverkko/teemaverkko/graph/pagelimit"
	"github.com/teemaverkko/teemaverkko/internal/auth"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/events"
	"github.com/teemaverkko/teemaverkko/internal/ratelimit"
)

// The adversary's suite: every protected field in every place a document can hide it,
// over every transport, and every input shape at its limit and one past it.

const readerToken = "test-reader-token"

// adversaryServer serves client with reader, editor and admin tokens and cfg's extras.
func adversaryServer(t *testing.T, client *ent.Client, cfg graph.Config) *httptest.Server {
	t.Helper()
	tokens, err := auth.ParseTokens(tokenEntry("reader", readerToken) + "," + tokenEntry("editor", editorToken) + "," + tokenEntry("admin", adminToken))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Dialect, cfg.Tokens = dialectOf(client), tokens
	if cfg.Limits.Max == 0 {
		cfg.Limits = graph.DefaultLimits
	}
	srv := httptest.NewServer(graph.NewHandler(client, cfg))
	t.Cleanup(srv.Close)
	return srv
}

// wsDial opens a graphql-transport-ws connection with token in its init payload ("" for
// none) and returns it acknowledged.
func wsDial(t *testing.T, srv *httptest.Server, token string) *wsClient {
	t.Helper()
	conn, m, err := wsInit(srv, token)
	if err != nil || m.Type != "connection_ack" {
		t.Fatalf("init: %v %+v", err, m)
	}
	t.Cleanup(func() { conn.CloseNow() })
	return &wsClient{t: t, conn: conn}
}

// wsInit dials and sends connection_init, returning the first answer.
func wsInit(srv *httptest.Server, token string) (*coderws.Conn, wsMessage, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, res, err := coderws.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), &coderws.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		if res != nil {
			return nil, wsMessage{Type: fmt.Sprintf("http %d", res.StatusCode)}, err
		}
		return nil, wsMessage{}, err
	}
	payload := json.RawMessage(`{}`)
	if token != "" {
		payload, _ = json.Marshal(map[string]any{"Authorization": "Bearer " + token})
	}
	if err := wsjson.Write(ctx, conn, wsMessage{Type: "connection_init", Payload: payload}); err != nil {
		return conn, wsMessage{}, err
	}
	var m wsMessage
	err = wsjson.Read(ctx, conn, &m)
	return conn, m, err
}

// wsInitPayload dials and sends connection_init with a raw payload.
func wsInitPayload(srv *httptest.Server, payload string) (*coderws.Conn, wsMessage, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, _, err := coderws.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), &coderws.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		return nil, wsMessage{}, err
	}
	if err := conn.Write(ctx, coderws.MessageText, []byte(`{"type":"connection_init","payload":`+payload+`}`)); err != nil {
		return conn, wsMessage{}, err
	}
	var m wsMessage
	err = wsjson.Read(ctx, conn, &m)
	return conn, m, err
}

// operation sends one operation over the connection and returns its first result
// (next's payload, or error's errors wrapped as a response).
func (c *wsClient) operation(id, query string, vars map[string]any) gqlResponse {
	c.t.Helper()
	payload, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	c.send(wsMessage{ID: id, Type: "subscribe", Payload: payload})
	for {
		m := c.read()
		if m.ID != id {
			continue
		}
		var r gqlResponse
		switch m.Type {
		case "next":
			if err := json.Unmarshal(m.Payload, &r); err != nil {
				c.t.Fatalf("decode next: %v", err)
			}
			return r
		case "error":
			if err := json.Unmarshal(m.Payload, &r.Errors); err != nil {
				c.t.Fatalf("decode error: %v", err)
			}
			return r
		case "complete":
			return r
		}
	}
}

// TestAuthorizationWhereverTheFieldSits runs every protected field in every placement
// with every role, over HTTP and WebSocket, and checks the code and that a refused
// request wrote nothing.
func TestAuthorizationWhereverTheFieldSits(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, client *ent.Client) {
		srv := adversaryServer(t, client, graph.Config{})
		themeID := client.Theme.Query().FirstIDX(t.Context())
		fields := []struct {
			name, call string
			need       auth.Role
		}{
			{"deleteTheme", fmt.Sprintf(`deleteTheme(id: %q)`, themeID), auth.Admin},
			{"importBundle", `importBundle(bundle: "{\"format\": \"teemaverkko-bundle\", \"version\": 1, \"source\": \"x\"}", dryRun: false) { created }`, auth.Admin},
			{"createTheme", `createTheme(input: {slug: "hyokkaaja", name: "Hyökkääjä"}) { id }`, auth.Editor},
		}
		placements := []struct {
			name string
			doc  func(call string) string
			vars map[string]any
		}{
			{"top level", func(c string) string { return "mutation { " + c + " }" }, nil},
			{"aliased", func(c string) string { return "mutation { innocent: " + c + " }" }, nil},
			{"inline fragment", func(c string) string { return "mutation { ... on Mutation { " + c + " } }" }, nil},
			{"untyped inline fragment", func(c string) string { return "mutation { ... { " + c + " } }" }, nil},
			{"named fragment", func(c string) string { return "mutation { ...F } fragment F on Mutation { " + c + " }" }, nil},
			{"fragment in a fragment", func(c string) string {
				return "mutation { ...A } fragment A on Mutation { ...B } fragment B on Mutation { " + c + " }"
			}, nil},
			{"@include(if: true)", func(c string) string { return "mutation { ... @include(if: true) { " + c + " } }" }, nil},
			{"@skip(if: false) on the field", func(c string) string {
				j := strings.LastIndex(c, ")") + 1 // after the arguments, before any selection set
				return "mutation { " + c[:j] + " @skip(if: false)" + c[j:] + " }"
			}, nil},
			{"@include with a variable", func(c string) string {
				return "mutation($yes: Boolean!) { ... @include(if: $yes) { " + c + " } }"
			}, map[string]any{"yes": true}},
			{"after an allowed field", func(c string) string { return `mutation { a: __typename ` + c + " }" }, nil},
		}
		roles := []struct {
			token string
			role  auth.Role
		}{{"", auth.Anonymous}, {"not-a-token", auth.Anonymous}, {readerToken, auth.Reader}, {editorToken, auth.Editor}, {adminToken, auth.Admin}}
		for _, f := range fields {
			for _, p := range placements {
				for _, r := range roles {
					if r.role >= f.need {
						continue // allowed: covered by the mutation tests
					}
					want := "FORBIDDEN"
					if r.role == auth.Anonymous {
						want = "UNAUTHENTICATED"
					}
					doc := p.doc(f.call)
					t.Run(f.name+"/"+p.name+"/"+r.role.String()+"/http", func(t *testing.T) {
						themes := client.Theme.Query().CountX(t.Context())
						res := postAs(t, srv, r.token, doc, p.vars, nil)
						if res.code() != want {
							t.Fatalf("code %q, want %q: %+v\n%s", res.code(), want, res.Errors, doc)
						}
						if res.Errors[0].Extensions["field"] != f.name {
							t.Errorf("extensions.field = %v, want %s", res.Errors[0].Extensions["field"], f.name)
						}
						if n := client.Theme.Query().CountX(t.Context()); n != themes {
							t.Errorf("a refused request changed the themes: %d → %d", themes, n)
						}
					})
					if r.token == "not-a-token" {
						continue // a bad token cannot open a WebSocket at all (TestWebsocketBadInit)
					}
					t.Run(f.name+"/"+p.name+"/"+r.role.String()+"/websocket", func(t *testing.T) {
						themes := client.Theme.Query().CountX(t.Context())
						c := wsDial(t, srv, r.token)
						res := c.operation("1", doc, p.vars)
						if res.code() != want {
							t.Fatalf("code %q, want %q: %+v", res.code(), want, res.Errors)
						}
						if n := client.Theme.Query().CountX(t.Context()); n != themes {
							t.Errorf("a refused request changed the themes: %d → %d", themes, n)
						}
					})
				}
			}
		}
	})
}

// TestEveryRootFieldDeclaresItsRole: the schema declares who may call every field of
// Query, Mutation and Subscription, and deletions, imports and restores need admin.
func TestEveryRootFieldDeclaresItsRole(t *testing.T) {
	schema := graph.NewSchema(nil, "sqlite3", nil).Schema()
	rules, err := authz.RulesFrom(schema)
	if err != nil {
		t.Fatal(err)
	}
	list := rules.List(schema)
	if len(list) < 60 {
		t.Fatalf("only %d root fields", len(list))
	}
	for _, r := range list {
		if !r.Declared {
			t.Errorf("%s.%s declares no role (it needs admin by default)", r.Type, r.Field)
		}
		wantAdmin := r.Type == "Mutation" && (strings.HasPrefix(r.Field, "delete") || r.Field == "importBundle" || r.Field == "restore")
		if wantAdmin != (r.Role == auth.Admin) {
			t.Errorf("%s.%s needs %s", r.Type, r.Field, r.Role)
		}
		if r.Type != "Mutation" && r.Role != auth.Reader {
			t.Errorf("%s.%s needs %s, want reader", r.Type, r.Field, r.Role)
		}
	}
}

// TestUndeclaredFieldNeedsAdmin: a root field without a declaration is closed to all but
// admin, and @auth outside the root types is refused at start-up.
func TestUndeclaredFieldNeedsAdmin(t *testing.T) {
	schema := graph.NewSchema(nil, "sqlite3", nil).Schema()
	rules, err := authz.RulesFrom(schema)
	if err != nil {
		t.Fatal(err)
	}
	if got := rules.Need("Mutation", "someFutureMutation"); got != auth.Admin {
		t.Errorf("an undeclared mutation needs %s", got)
	}
	if got := rules.Need("Query", "themes"); got != auth.Reader {
		t.Errorf("themes needs %s", got)
	}
}

// TestWebsocketBadInit: a connection_init with a bad token is closed at once with 4403
// and frees its place: many of them in a row leave room for a good connection.
func TestWebsocketBadInit(t *testing.T) {
	_, client := seededDB(t, "sqlite")
	srv := adversaryServer(t, client, graph.Config{Websocket: graph.WebsocketLimits{ConnectionsPerClient: 2}})
	for i := range 10 {
		token := "wrong-token"
		conn, m, err := wsInit(srv, token)
		if i%2 == 1 { // a token that is not a string is no better than a wrong one
			conn.CloseNow()
			conn, m, err = wsInitPayload(srv, fmt.Sprintf(`{"Authorization": %d}`, i))
		}
		if conn == nil {
			t.Fatalf("attempt %d: dial refused: %v %s", i, err, m.Type)
		}
		// The server sends connection_error-less close; read until the close frame.
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		for err == nil {
			_, _, err = conn.Read(ctx)
		}
		cancel()
		if got := coderws.CloseStatus(err); got != graph.CloseForbidden {
			t.Fatalf("attempt %d: close status %d (%v), want %d", i, got, err, graph.CloseForbidden)
		}
		conn.CloseNow()
	}
	// The refused connections were freed: a good one fits within the limit of 2.
	deadline := time.Now().Add(3 * time.Second)
	for {
		conn, m, err := wsInit(srv, readerToken)
		if err == nil && m.Type == "connection_ack" {
			conn.CloseNow()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a good connection after refused ones: %v %+v", err, m)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestWebsocketLimits: connections per client and subscriptions per connection are
// bounded with clear refusals, and places are given back.
func TestWebsocketLimits(t *testing.T) {
	_, client := seededDB(t, "sqlite")
	srv := adversaryServer(t, client, graph.Config{Websocket: graph.WebsocketLimits{ConnectionsPerClient: 2, SubscriptionsPerConnection: 3}})
	a := wsDial(t, srv, "")
	_ = wsDial(t, srv, "")
	if _, m, err := wsInit(srv, ""); err == nil || m.Type != "http 429" {
		t.Errorf("a third connection: %v %+v, want HTTP 429", err, m)
	}
	const sub = `subscription { nodeChanged(types: ["Theme"]) { id } }`
	for i := range 3 {
		a.send(wsMessage{ID: fmt.Sprint(i), Type: "subscribe", Payload: json.RawMessage(fmt.Sprintf(`{"query": %q}`, sub))})
	}
	time.Sleep(300 * time.Millisecond) // the server starts each subscription in its own goroutine
	res := a.operation("3", sub, nil)
	if res.code() != "TOO_MANY_SUBSCRIPTIONS" {
		t.Fatalf("a fourth subscription: %+v", res)
	}
	a.send(wsMessage{ID: "0", Type: "complete"})
	time.Sleep(300 * time.Millisecond) // the server releases the place as the stream ends
	payload, _ := json.Marshal(map[string]any{"query": sub})
	a.send(wsMessage{ID: "4", Type: "subscribe", Payload: payload})
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	for {
		var m wsMessage
		err := wsjson.Read(ctx, a.conn, &m)
		if errors.Is(err, context.DeadlineExceeded) {
			break // no refusal within a second: the subscription is live
		}
		if err != nil {
			t.Fatal(err)
		}
		if m.ID == "4" && m.Type != "next" {
			t.Fatalf("after completing one, a new subscription got %s %s", m.Type, m.Payload)
		}
	}
}

// TestWebsocketRateLimit: operations over a WebSocket spend the client's rate limit
// like HTTP requests do.
func TestWebsocketRateLimit(t *testing.T) {
	_, client := seededDB(t, "sqlite")
	limiter := ratelimit.New(ratelimit.Config{Rate: 0.001, Burst: 5})
	srv := adversaryServer(t, client, graph.Config{RateLimit: limiter})
	c := wsDial(t, srv, "")
	codes := []string{}
	for i := range 8 {
		codes = append(codes, c.operation(fmt.Sprint(i), `{ themes(first: 1) { totalCount } }`, nil).code())
	}
	// The upgrade request itself is not limited here (the server's routes limit it).
	want := []string{"", "", "", "", "", "RATE_LIMITED", "RATE_LIMITED", "RATE_LIMITED"}
	if fmt.Sprint(codes) != fmt.Sprint(want) {
		t.Errorf("codes %v, want %v", codes, want)
	}
}

// TestMutationOverWebsocket: a mutation over a WebSocket runs in its transaction and
// commits; no panic text reaches the client.
func TestMutationOverWebsocket(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, client *ent.Client) {
		srv := adversaryServer(t, client, graph.Config{})
		c := wsDial(t, srv, editorToken)
		res := c.operation("1", `mutation { createTheme(input: {slug: "ws-teema", name: "WebSocket-teema"}) { slug } }`, nil)
		if len(res.Errors) > 0 || !strings.Contains(string(res.Data), "ws-teema") {
			t.Fatalf("mutation over WebSocket: %s %+v", res.Data, res.Errors)
		}
		if n := client.Theme.Query().Where().CountX(t.Context()); n == 0 {
			t.Fatal("nothing written")
		}
		// The connection still works after the mutation's stream ended.
		res = c.operation("2", `{ themes(first: 1) { totalCount } }`, nil)
		if len(res.Errors) > 0 {
			t.Fatalf("a query after the mutation: %+v", res.Errors)
		}
		for _, e := range res.Errors {
			if strings.Contains(e.Message, "panic") || strings.Contains(e.Message, "runtime error") {
				t.Errorf("panic text reached the client: %s", e.Message)
			}
		}
	})
}

// nest returns a where filter of n nested conditions built by wrap.
func nest(n int, wrap func(inner string) string, leaf string) string {
	s := leaf
	for range n {
		s = wrap(s)
	}
	return s
}

// TestInputLimits: argument nesting and size, and lists of IDs, are refused before any
// SQL at one past their limits, with a stable code, over literals and variables alike.
func TestInputLimits(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, _ *ent.Client) {
		client, count := countingClient(db)
		srv := adversaryServer(t, client, graph.Config{})
		parents := func(n int) string {
			return `{ themes(where: ` + nest(n, func(s string) string { return "{hasParentWith: [" + s + "]}" }, `{slug: "x"}`) + `) { totalCount } }`
		}
		nots := func(n int) string {
			return `{ themes(where: ` + nest(n, func(s string) string { return "{not: " + s + "}" }, `{slug: "x"}`) + `) { totalCount } }`
		}
		deepVar := func(n int) map[string]any {
			var w any = map[string]any{"slug": "x"}
			for range n {
				w = map[string]any{"not": w}
			}
			return map[string]any{"w": w}
		}
		codes := func(n int) []any {
			out := make([]any, n)
			for i := range out {
				out[i] = fmt.Sprintf("%03d", i)
			}
			return out
		}
		ids := func(n int) []any {
			out := make([]any, n)
			for i := range out {
				out[i] = "th01ARZ3NDEKTSV4RRFFQ69G5FAV"
			}
			return out
		}
		const varQuery = `query($w: ThemeWhereInput) { themes(where: $w) { totalCount } }`
		for _, tc := range []struct {
			name  string
			query string
			vars  map[string]any
			code  string
		}{
			// where{hasParentWith:[…]}: each level is an object and a list.
			{"7 parents (depth 15)", parents(7), nil, ""},
			{"8 parents (depth 17)", parents(8), nil, "INPUT_TOO_DEEP"},
			{"15 nots (depth 16)", nots(15), nil, ""},
			{"16 nots (depth 17)", nots(16), nil, "INPUT_TOO_DEEP"},
			{"9,000 nots in a variable", varQuery, deepVar(9000), "INPUT_TOO_DEEP"},
			{"16 nots in a variable", varQuery, deepVar(16), "INPUT_TOO_DEEP"},
			{"990 codes", `query($c: [String!]) { municipalities(where: {codeIn: $c}) { totalCount } }`, map[string]any{"c": codes(990)}, ""},
			{"1,000 codes", `query($c: [String!]) { municipalities(where: {codeIn: $c}) { totalCount } }`, map[string]any{"c": codes(1000)}, "INPUT_TOO_LARGE"},
			{"filter string of 1,000 characters", `query($s: String) { themes(where: {nameContainsFold: $s}) { totalCount } }`, map[string]any{"s": strings.Repeat("ä", 1000)}, ""},
			{"filter string of 1,001 characters", `query($s: String) { themes(where: {nameContainsFold: $s}) { totalCount } }`, map[string]any{"s": strings.Repeat("ä", 1001)}, "INPUT_TOO_LARGE"},
			{"filter string of 1,001 characters, literal", `{ themes(where: {or: [{nameContains: "` + strings.Repeat("a", 1001) + `"}]}) { totalCount } }`, nil, "INPUT_TOO_LARGE"},
			{"7 MB filter string", `query($s: String) { themes(where: {nameContainsFold: $s}) { totalCount } }`, map[string]any{"s": strings.Repeat("a", 7<<20)}, "INPUT_TOO_LARGE"},
			{"100 node IDs", `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": ids(100)}, "NOT_FOUND"},
			{"101 node IDs", `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": ids(101)}, "INPUT_TOO_LARGE"},
			{"200,000 node IDs", `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": ids(200000)}, "INPUT_TOO_LARGE"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				count.reset()
				res := post(t, srv, tc.query, tc.vars, nil)
				if res.code() != tc.code {
					t.Fatalf("code %q, want %q: %+v", res.code(), tc.code, res.Errors)
				}
				if strings.HasPrefix(tc.code, "INPUT_") && count.data() != 0 {
					t.Errorf("a refused operation ran %d statements: %q", count.data(), count.Statements())
				}
			})
		}
	})
}

// TestNodesCostByLength: nodes(ids:) costs what it returns, one object per ID.
func TestNodesCostByLength(t *testing.T) {
	_, client := seededDB(t, "sqlite")
	srv := adversaryServer(t, client, graph.Config{})
	cost := func(n int) float64 {
		ids := make([]any, n)
		for i := range ids {
			ids[i] = "th01ARZ3NDEKTSV4RRFFQ69G5FAV"
		}
		body, _ := json.Marshal(map[string]any{"query": `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Theme { outcomes(first: 50) { edges { node { id } } } } } }`, "variables": map[string]any{"ids": ids}})
		req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out struct {
			Extensions struct {
				Cost struct{ Requested float64 }
			}
		}
		_ = json.NewDecoder(res.Body).Decode(&out)
		return out.Extensions.Cost.Requested
	}
	one, hundred := cost(1), cost(100)
	if one < 100 || hundred < 100*one-100 {
		t.Errorf("cost of 1 ID %v, of 100 IDs %v: not proportional", one, hundred)
	}
}

// TestProductionMode: no suggestions for misspelt arguments, enum values, input fields or
// fields, and introspection refused with its own code.
func TestProductionMode(t *testing.T) {
	_, client := seededDB(t, "sqlite")
	srv := adversaryServer(t, client, graph.Config{Production: true})
	for _, tc := range []struct{ name, query, code string }{
		{"misspelt argument", `{ themes(frist: 1) { totalCount } }`, "GRAPHQL_VALIDATION_FAILED"},
		{"misspelt field", `{ themes(first: 1) { totalCont } }`, "GRAPHQL_VALIDATION_FAILED"},
		{"misspelt enum value", `{ themes(first: 1, orderBy: {field: NAM}) { totalCount } }`, "GRAPHQL_VALIDATION_FAILED"},
		{"misspelt input field", `{ themes(first: 1, where: {slugg: "x"}) { totalCount } }`, "GRAPHQL_VALIDATION_FAILED"},
		{"misspelt type", `query($w: ThemeWhereInpt) { themes(where: $w) { totalCount } }`, "GRAPHQL_VALIDATION_FAILED"},
		{"__schema", `{ __schema { types { name } } }`, "INTROSPECTION_DISABLED"},
		{"__type", `{ __type(name: "Theme") { name } }`, "INTROSPECTION_DISABLED"},
		{"__schema in a fragment", `{ ...F } fragment F on Query { __schema { queryType { name } } }`, "INTROSPECTION_DISABLED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := post(t, srv, tc.query, nil, nil)
			if res.code() != tc.code {
				t.Fatalf("code %q, want %q: %+v", res.code(), tc.code, res.Errors)
			}
			for _, e := range res.Errors {
				if strings.Contains(e.Message, "Did you mean") {
					t.Errorf("a suggestion in production: %s", e.Message)
				}
			}
		})
	}
	// __typename stays: clients rely on it.
	if res := post(t, srv, `{ __typename }`, nil, nil); len(res.Errors) > 0 {
		t.Errorf("__typename: %+v", res.Errors)
	}
}

// TestOnePageSizeForEveryConnection: the configured page limits govern search exactly
// as every other connection, with one code.
func TestOnePageSizeForEveryConnection(t *testing.T) {
	_, client := seededDB(t, "sqlite")
	for _, tc := range []struct {
		max, first int
		code       string
	}{
		{200, 150, ""},
		{200, 201, "VALIDATION"},
		{50, 50, ""},
		{50, 80, "VALIDATION"},
	} {
		srv := adversaryServer(t, client, graph.Config{Limits: pagelimit.Limits{Default: 20, Max: tc.max}})
		for _, q := range []string{
			`query($n: Int) { search(query: "kunta", first: $n) { totalCount } }`,
			`query($n: Int) { themes(first: $n) { totalCount } }`,
		} {
			if got := post(t, srv, q, map[string]any{"n": tc.first}, nil).code(); got != tc.code {
				t.Errorf("max %d, first %d: %s answered %q, want %q", tc.max, tc.first, q, got, tc.code)
			}
		}
	}
}

// TestFanOutCostsTheSame: one write costs the same statements with one subscriber as
// with a hundred: the changed object is loaded once per event and shared, so that many
// subscribers cannot make a write's fan-out grow with them.
func TestFanOutCostsTheSame(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, _ *ent.Client) {
		client, count := countingClient(db)
		broker := events.NewLocal()
		client.Use(events.Hook(broker, slog.New(slog.NewTextHandler(io.Discard, nil))))
		srv := adversaryServer(t, client, graph.Config{Events: broker})
		const sub = `subscription { nodeChanged(types: ["Theme"]) { id node { ... on Theme { slug name } } } }`
		var conns []*wsClient
		subscribe := func(n int) {
			for i := range n {
				if i%20 == 0 {
					conns = append(conns, wsDial(t, srv, ""))
				}
				c := conns[len(conns)-1]
				payload, _ := json.Marshal(map[string]any{"query": sub})
				c.send(wsMessage{ID: fmt.Sprint("s", len(conns), "-", i), Type: "subscribe", Payload: payload})
			}
			time.Sleep(500 * time.Millisecond)
		}
		write := func(slug string) int {
			count.reset()
			res := postAs(t, srv, editorToken, fmt.Sprintf(`mutation { createTheme(input: {slug: %q, name: "Teema"}) { id } }`, slug), nil, nil)
			if len(res.Errors) > 0 {
				t.Fatal(res.Errors)
			}
			for _, c := range conns {
				for range 20 {
					if m := c.read(); m.Type != "next" || !strings.Contains(string(m.Payload), slug) {
						t.Fatalf("got %s %s", m.Type, m.Payload)
					}
				}
			}
			return int(count.value())
		}
		subscribe(20)
		one := write("yksi")
		subscribe(80)
		hundred := write("sata")
		if hundred != one {
			t.Errorf("a write with 20 subscribers ran %d statements, with 100: %d", one, hundred)
		}
	})
}

// TestCraftedCursor: a cursor made by hand whose value is not a list, sent with orderBy,
// is the client's mistake (BAD_USER_INPUT), not an internal error.
func TestCraftedCursor(t *testing.T) {
	_, client := seededDB(t, "sqlite")
	srv := adversaryServer(t, client, graph.Config{})
	var b strings.Builder
	ent.Cursor{ID: "th01ARZ3NDEKTSV4RRFFQ69G5FAV", Value: "not a list"}.MarshalGQL(&b)
	cursor := strings.Trim(b.String(), `"`)
	res := post(t, srv, `query($c: Cursor) { themes(first: 2, after: $c, orderBy: [{field: NAME}, {field: SLUG}]) { edges { node { id } } } }`, map[string]any{"c": cursor}, nil)
	if res.code() != "BAD_USER_INPUT" {
		t.Errorf("code %q: %+v", res.code(), res.Errors)
	}
}

// TestNullCondition: a nullable variable with a default stands where Boolean! is
// expected, and the client sends it as null: the client's mistake, not a panic.
func TestNullCondition(t *testing.T) {
	_, client := seededDB(t, "sqlite")
	for _, production := range []bool{false, true} {
		srv := adversaryServer(t, client, graph.Config{Production: production})
		for _, q := range []string{
			`mutation($v: Boolean = true) { ... @include(if: $v) { deleteTheme(id: "th01ARZ3NDEKTSV4RRFFQ69G5FAV") } }`,
			`query($v: Boolean = true) { themes(first: 1) @skip(if: $v) { totalCount } }`,
			`query($v: Boolean = false) { ...F } fragment F on Query { themes(first: 1) @include(if: $v) { totalCount } }`,
			`query($v: ThemeOrderField = NAME) { themes(first: 1, orderBy: [{field: $v}]) { edges { node { id } } } }`,
			`mutation($v: String = "x") { createTheme(input: {slug: $v, name: "Nimi"}) { id } }`,
		} {
			res := postAs(t, srv, editorToken, q, map[string]any{"v": nil}, nil)
			if res.code() != "BAD_USER_INPUT" {
				t.Errorf("production %v: %s: %+v", production, q, res.Errors)
			}
		}
	}
}

// TestWebsocketBadInitPayload: a connection_init whose payload is not an object is
// closed, and its place is given back (gqlgen returned without closing the socket).
func TestWebsocketBadInitPayload(t *testing.T) {
	_, client := seededDB(t, "sqlite")
	srv := adversaryServer(t, client, graph.Config{Websocket: graph.WebsocketLimits{ConnectionsPerClient: 2}})
	for i, payload := range []string{`"x"`, `1`, `[1]`, `true`, `"x"`, `[]`} {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		conn, _, err := coderws.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), &coderws.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
		if err != nil {
			cancel()
			t.Fatalf("attempt %d (%s): %v (the earlier sockets were not freed?)", i, payload, err)
		}
		_ = conn.Write(ctx, coderws.MessageText, []byte(`{"type":"connection_init","payload":`+payload+`}`))
		for err == nil {
			_, _, err = conn.Read(ctx)
		}
		cancel()
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("payload %s: the server kept the connection open", payload)
		}
		conn.CloseNow()
	}
}

// TestValidationErrorsBounded: a small document that breaks a pairwise rule many times
// answers at most MaxValidationErrors errors, not one per pair of fields.
func TestValidationErrorsBounded(t *testing.T) {
	_, client := seededDB(t, "sqlite")
	var b strings.Builder
	b.WriteString("{")
	for i := range 540 {
		fmt.Fprintf(&b, ` node(id: "%d") { id }`, i)
	}
	b.WriteString(" }")
	for _, production := range []bool{false, true} {
		srv := adversaryServer(t, client, graph.Config{Production: production})
		res := post(t, srv, b.String(), nil, nil)
		if res.code() != "GRAPHQL_VALIDATION_FAILED" || len(res.Errors) > graph.MaxValidationErrors {
			t.Errorf("production %v: %d errors, code %q", production, len(res.Errors), res.code())
		}
	}
}

// TestFilterValueThatDoesNotFit: a filter value PostgreSQL cannot compare (text with
// NUL) is the client's mistake, not an internal error; SQLite simply matches nothing.
func TestFilterValueThatDoesNotFit(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, client *ent.Client) {
		srv := adversaryServer(t, client, graph.Config{})
		for _, q := range []string{
			`{ themes(where: {name: "a\u0000b"}) { totalCount } }`,
			`{ themes(where: {nameContains: "\u0000"}) { totalCount } }`,
		} {
			res := post(t, srv, q, nil, nil)
			if c := res.code(); c != "" && c != "BAD_USER_INPUT" {
				t.Errorf("%s: %+v", q, res.Errors)
			}
		}
	})
}

// TestMessagesDoNotEchoLongInput: an error that quotes what the client sent quotes at
// most MaxMessageLength bytes of it.
func TestMessagesDoNotEchoLongInput(t *testing.T) {
	_, client := seededDB(t, "sqlite")
	srv := adversaryServer(t, client, graph.Config{})
	long := strings.Repeat("ö", 50000)
	for _, body := range []map[string]any{
		{"query": `query($id: ID!) { node(id: $id) { id } }`, "variables": map[string]any{"id": "th" + long}},
		{"query": `query A { __typename }`, "operationName": long},
	} {
		r := rawPost(t, srv.URL, "", body)
		if len(r.Errors) == 0 {
			t.Fatalf("no error for %.60v", body)
		}
		for _, e := range r.Errors {
			if len(e.Message) > graph.MaxMessageLength+len("…") || !utf8.ValidString(e.Message) {
				t.Errorf("a message of %d bytes (valid UTF-8: %v)", len(e.Message), utf8.ValidString(e.Message))
			}
		}
	}
}

// TestWebsocketReusedID: graphql-transport-ws closes a connection that subscribes with
// the ID of an operation still running (4409), and lets an ID be used again once its
// operation is complete, ended by the client or by the server.
func TestWebsocketReusedID(t *testing.T) {
	_, client := seededDB(t, "sqlite")
	srv := adversaryServer(t, client, graph.Config{})
	const sub = `subscription { nodeChanged(types: ["Theme"]) { id } }`
	payload, _ := json.Marshal(map[string]any{"query": sub})

	c := wsDial(t, srv, "")
	// A query completes on its own: once its complete has come, its ID is free again.
	query, _ := json.Marshal(map[string]any{"query": `{ themes(first: 1) { totalCount } }`})
	for range 2 {
		c.send(wsMessage{ID: "q", Type: "subscribe", Payload: query})
		for m := c.read(); m.ID != "q" || m.Type != "complete"; m = c.read() {
			if m.Type == "error" {
				t.Fatalf("query: %s", m.Payload)
			}
		}
	}
	// A subscription the client completes frees its ID too.
	c.send(wsMessage{ID: "s", Type: "subscribe", Payload: payload})
	c.send(wsMessage{ID: "s", Type: "complete"})
	c.send(wsMessage{ID: "s", Type: "subscribe", Payload: payload})
	// A second subscribe with a running ID ends the connection.
	c.send(wsMessage{ID: "s", Type: "subscribe", Payload: payload})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		var m wsMessage
		err := wsjson.Read(ctx, c.conn, &m)
		if err == nil {
			continue
		}
		if got := coderws.CloseStatus(err); got != graph.CloseSubscriberExists {
			t.Fatalf("close status %d (%v), want %d", got, err, graph.CloseSubscriberExists)
		}
		break
	}
}
