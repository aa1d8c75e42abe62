package observe_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/testserver"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	coderws "github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/teemaverkko/teemaverkko/graph/observe"
	"github.com/teemaverkko/teemaverkko/internal/auth"
	"github.com/teemaverkko/teemaverkko/internal/httpmw"
)

// logBuffer collects log output; subscriptions end on other goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// lines decodes the JSON log lines written so far.
func (b *logBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(b.buf.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", l)
		}
		out = append(out, m)
	}
	return out
}

// env is a gqlgen test server observed by the extension.
type env struct {
	ts      *testserver.TestServer // nil unless the server is one
	http    *httptest.Server
	reg     *prometheus.Registry
	metrics *observe.Metrics
	log     *logBuffer
	editor  string // a bearer token with the role editor
}

// newEnv serves gqlgen's test schema (Query.name, Query.find, Mutation.name that always
// fails, Subscription.name driven by the test) over POST, GET and WebSocket, behind the
// request ID and auth middleware, with the extension first.
func newEnv(t *testing.T, ts *testserver.TestServer, opts observe.Options) *env {
	t.Helper()
	e := newEnvOf(t, ts.Server, opts)
	e.ts = ts
	return e
}

// newEnvOf is newEnv for any gqlgen server.
func newEnvOf(t *testing.T, ts *handler.Server, opts observe.Options) *env {
	t.Helper()
	reg := prometheus.NewRegistry()
	m, err := observe.NewMetrics(reg, opts)
	if err != nil {
		t.Fatal(err)
	}
	logs := &logBuffer{}
	ts.AddTransport(transport.Websocket{KeepAlivePingInterval: time.Minute})
	ts.AddTransport(transport.GET{})
	ts.AddTransport(transport.POST{})
	ts.Use(observe.Extension{Metrics: m, Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	token, entry := auth.New(auth.Editor)
	tokens, err := auth.ParseTokens(entry)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpmw.RequestID(tokens.Middleware(ts)))
	t.Cleanup(srv.Close)
	return &env{http: srv, reg: reg, metrics: m, log: logs, editor: token}
}

// post sends a raw JSON body and returns the status.
func (e *env) post(t *testing.T, body string, header ...string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.http.URL, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := e.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var r map[string]any
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
		t.Fatalf("response is not JSON: %v", err)
	}
	return res.StatusCode
}

// value returns the value of a counter or gauge of the registry, 0 when absent.
func (e *env) value(t *testing.T, name string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := e.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	metrics:
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if want, ok := labels[lp.GetName()]; ok && want != lp.GetValue() {
					continue metrics
				}
			}
			switch {
			case m.Counter != nil:
				return m.Counter.GetValue()
			case m.Gauge != nil:
				return m.Gauge.GetValue()
			case m.Histogram != nil:
				return float64(m.Histogram.GetSampleCount())
			}
		}
	}
	return 0
}

func (e *env) requests(t *testing.T, op, typ, status string) float64 {
	return e.value(t, observe.MetricRequests, map[string]string{"operation": op, "type": typ, "status": status})
}

func (e *env) errorsOf(t *testing.T, code string) float64 {
	return e.value(t, observe.MetricErrors, map[string]string{"code": code})
}

func TestOperations(t *testing.T) {
	for _, tc := range []struct {
		name, body     string
		header         []string
		status         int
		op, typ, state string
		codes          []string
		role           string
	}{
		{name: "named query", body: `{"query":"query Hello { name }"}`, status: 200, op: "Hello", typ: "query", state: "ok", role: "anonymous"},
		{name: "anonymous query", body: `{"query":"{ name }"}`, status: 200, op: "anonymous", typ: "query", state: "ok", role: "anonymous"},
		{name: "chosen among several", body: `{"query":"query A { name } query B { name }","operationName":"B"}`, status: 200, op: "B", typ: "query", state: "ok", role: "anonymous"},
		{name: "role", body: `{"query":"query Who { name }"}`, status: 200, op: "Who", typ: "query", state: "ok", role: "editor"},
		{name: "failing mutation", body: `{"query":"mutation Rename { name }"}`, status: 200, op: "Rename", typ: "mutation", state: "error", codes: []string{"INTERNAL"}, role: "anonymous"},
		{name: "parse error", body: `{"query":"query Broken { name"}`, status: 422, op: "anonymous", typ: "unknown", state: "error", codes: []string{"GRAPHQL_PARSE_FAILED"}, role: "anonymous"},
		{name: "validation error", body: `{"query":"query Nope { nope }"}`, status: 422, op: "anonymous", typ: "unknown", state: "error", codes: []string{"GRAPHQL_VALIDATION_FAILED"}, role: "anonymous"},
		{name: "unknown operation name", body: `{"query":"query A { name }","operationName":"Missing"}`, status: 422, op: "other", typ: "unknown", state: "error", codes: []string{"GRAPHQL_VALIDATION_FAILED"}, role: "anonymous"},
		{name: "variables of the wrong type", body: `{"query":"query Find($id: Int!) { find(id: $id) }","variables":{"id":"x"}}`, status: 422, op: "Find", typ: "query", state: "error", codes: []string{"GRAPHQL_VALIDATION_FAILED"}, role: "anonymous"},
		{name: "not JSON", body: `{"query": `, status: 400, op: "anonymous", typ: "unknown", state: "error", codes: []string{"INTERNAL"}, role: "anonymous"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, testserver.New(), observe.Options{})
			header := tc.header
			if tc.role == "editor" {
				header = []string{"Authorization", "Bearer " + e.editor, httpmw.RequestIDHeader, "req-123"}
			}
			if got := e.post(t, tc.body, header...); got != tc.status {
				t.Fatalf("status %d, want %d", got, tc.status)
			}
			if got := e.requests(t, tc.op, tc.typ, tc.state); got != 1 {
				t.Errorf("%s{operation=%q,type=%q,status=%q} = %v, want 1", observe.MetricRequests, tc.op, tc.typ, tc.state, got)
			}
			if n, err := testutil.GatherAndCount(e.reg, observe.MetricRequests); err != nil || n != 1 {
				t.Errorf("%d request series (%v), want 1", n, err)
			}
			if got := e.value(t, observe.MetricDuration, map[string]string{"operation": tc.op, "type": tc.typ}); got != 1 {
				t.Errorf("duration samples = %v, want 1", got)
			}
			for _, c := range tc.codes {
				if got := e.errorsOf(t, c); got != 1 {
					t.Errorf("%s{code=%q} = %v, want 1", observe.MetricErrors, c, got)
				}
			}
			lines := e.log.lines(t)
			if len(lines) != 1 {
				t.Fatalf("%d log lines, want 1: %v", len(lines), lines)
			}
			l := lines[0]
			wantLevel := "INFO"
			if tc.state == "error" {
				wantLevel = "WARN"
			}
			for k, want := range map[string]any{"type": tc.typ, "status": tc.state, "role": tc.role, "errors": float64(len(tc.codes)), "level": wantLevel} {
				if l[k] != want {
					t.Errorf("log %s = %v, want %v (%v)", k, l[k], want, l)
				}
			}
			if id, _ := l["request_id"].(string); id == "" || (tc.role == "editor" && id != "req-123") {
				t.Errorf("log request_id = %q", id)
			}
			if _, ok := l["duration"].(float64); !ok {
				t.Errorf("log duration = %v", l["duration"])
			}
			var codes []string
			for _, c := range l["codes"].([]any) {
				codes = append(codes, c.(string))
			}
			if !slices.Equal(codes, tc.codes) {
				t.Errorf("log codes = %v, want %v", codes, tc.codes)
			}
		})
	}
}

// TestErrorCodes checks that errors are counted by their extensions.code, and once each.
func TestErrorCodes(t *testing.T) {
	ts := testserver.NewError()
	ts.SetErrorPresenter(func(ctx context.Context, err error) *gqlerror.Error {
		e := graphql.DefaultErrorPresenter(ctx, err)
		if e.Extensions == nil {
			e.Extensions = map[string]any{"code": "NOT_FOUND"}
		}
		return e
	})
	e := newEnv(t, ts, observe.Options{})
	for range 3 {
		e.post(t, `{"query":"query Q { name }"}`)
	}
	if got := e.errorsOf(t, "NOT_FOUND"); got != 3 {
		t.Errorf("NOT_FOUND errors = %v, want 3", got)
	}
	if got := e.requests(t, "Q", "query", "error"); got != 3 {
		t.Errorf("failed Q = %v, want 3", got)
	}
}

// TestOperationCardinality checks that operation labels stay bounded.
func TestOperationCardinality(t *testing.T) {
	e := newEnv(t, testserver.New(), observe.Options{MaxOperations: 2})
	long := "Q" + strings.Repeat("x", 64) // 65 characters: not a label
	for _, name := range []string{"A", "B", "C", "D", long, "A"} {
		e.post(t, `{"query":"query `+name+` { name }"}`)
	}
	for op, want := range map[string]float64{"A": 2, "B": 1, "other": 3, "C": 0} {
		if got := e.requests(t, op, "query", "ok"); got != want {
			t.Errorf("requests of %s = %v, want %v", op, got, want)
		}
	}
	if n, _ := testutil.GatherAndCount(e.reg, observe.MetricRequests); n != 3 {
		t.Errorf("%d series, want 3 (A, B, other)", n)
	}
	// The log names the operation as the client did.
	lines := e.log.lines(t)
	if lines[2]["operation"] != "C" {
		t.Errorf("log operation = %v, want C", lines[2]["operation"])
	}
}

// wsConn is a graphql-transport-ws client.
type wsConn struct {
	t    *testing.T
	conn *coderws.Conn
}

func dial(t *testing.T, e *env) *wsConn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, _, err := coderws.Dial(ctx, "ws"+strings.TrimPrefix(e.http.URL, "http"), &coderws.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.CloseNow() })
	c := &wsConn{t: t, conn: conn}
	c.send(`{"type":"connection_init"}`)
	if m := c.read(); m["type"] != "connection_ack" {
		t.Fatalf("got %v, want connection_ack", m)
	}
	return c
}

func (c *wsConn) send(msg string) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.conn.Write(ctx, coderws.MessageText, []byte(msg)); err != nil {
		c.t.Fatal(err)
	}
}

func (c *wsConn) read() map[string]any {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, b, err := c.conn.Read(ctx)
	if err != nil {
		c.t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		c.t.Fatal(err)
	}
	return m
}

// eventually waits (generously: machines are shared) until cond holds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestSubscriptions checks that a subscription counts as active from its start to its
// end, however it ends: the server ends the stream (the response handler returns nil),
// the client completes it, or the client goes away.
func TestSubscriptions(t *testing.T) {
	for _, tc := range []struct {
		name string
		end  func(e *env, c *wsConn)
	}{
		{"server ends the stream", func(e *env, c *wsConn) {
			e.ts.SendCompleteSubscriptionMessage()
			if m := c.read(); m["type"] != "complete" {
				t.Errorf("got %v, want complete", m)
			}
		}},
		{"client completes", func(_ *env, c *wsConn) { c.send(`{"id":"1","type":"complete"}`) }},
		{"client goes away", func(_ *env, c *wsConn) { _ = c.conn.CloseNow() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, testserver.New(), observe.Options{})
			active := func() float64 { return e.value(t, observe.MetricActiveSubscriptions, nil) }
			c := dial(t, e)
			c.send(`{"id":"1","type":"subscribe","payload":{"query":"subscription Watch { name }"}}`)
			eventually(t, "the subscription to count as active", func() bool { return active() == 1 })
			for range 2 {
				e.ts.SendNextSubscriptionMessage()
				if m := c.read(); m["type"] != "next" {
					t.Fatalf("got %v, want next", m)
				}
			}
			if got := e.requests(t, "Watch", "subscription", "ok"); got != 0 {
				t.Errorf("a running subscription is counted as done: %v", got)
			}
			tc.end(e, c)
			eventually(t, "the subscription to end", func() bool { return active() == 0 })
			eventually(t, "the subscription to be counted", func() bool { return e.requests(t, "Watch", "subscription", "ok") == 1 })
			// Neither a second end nor anything else moves the gauge below zero.
			time.Sleep(20 * time.Millisecond)
			if got := active(); got != 0 {
				t.Errorf("active = %v after the end, want 0", got)
			}
			lines := e.log.lines(t)
			if len(lines) != 1 {
				t.Fatalf("%d log lines, want 1: %v", len(lines), lines)
			}
			if l := lines[0]; l["operation"] != "Watch" || l["type"] != "subscription" || l["events"] != float64(2) || l["status"] != "ok" {
				t.Errorf("log line %v", l)
			}
		})
	}
}

// failingSubscriptions is a schema whose subscriptions fail as generated code fails:
// fail's resolver refuses at once (the error is added to the context and Exec's handler
// ends the stream; gqlgen's executor then answers without running ResponseInterceptors),
// broken sends one event carrying an error and ends.
func failingSubscriptions() *handler.Server {
	schema := gqlparser.MustLoadSchema(&ast.Source{Input: `
		type Query { name: String! }
		type Subscription { fail: String! broken: String! }
	`})
	coded := func(code string) *gqlerror.Error {
		return &gqlerror.Error{Message: "no", Extensions: map[string]any{"code": code}}
	}
	return handler.New(&graphql.ExecutableSchemaMock{
		SchemaFunc: func() *ast.Schema { return schema },
		ComplexityFunc: func(context.Context, string, string, int, map[string]any) (int, bool) {
			return 0, false
		},
		ExecFunc: func(ctx context.Context) graphql.ResponseHandler {
			oc := graphql.GetOperationContext(ctx)
			if oc.Operation.Operation != ast.Subscription {
				return graphql.OneShot(&graphql.Response{Data: []byte(`{"name":"x"}`)})
			}
			if oc.Operation.SelectionSet[0].(*ast.Field).Name == "fail" {
				graphql.AddError(ctx, coded("FORBIDDEN"))
				return func(context.Context) *graphql.Response { return nil }
			}
			sent := false
			return func(ctx context.Context) *graphql.Response {
				if sent {
					return nil
				}
				sent = true
				graphql.AddError(ctx, coded("NOT_FOUND"))
				return &graphql.Response{Data: []byte(`{"broken":null}`)}
			}
		},
	})
}

// TestSubscriptionErrors checks subscriptions that fail: at once, in an event, and
// before they run.
func TestSubscriptionErrors(t *testing.T) {
	e := newEnvOf(t, failingSubscriptions(), observe.Options{})
	c := dial(t, e)
	drain := func(id string) {
		t.Helper()
		for {
			if m := c.read(); m["id"] == id && (m["type"] == "complete" || m["type"] == "error") {
				return
			}
		}
	}
	for i, tc := range []struct{ query, op, code string }{
		{"subscription Fail { fail }", "Fail", "FORBIDDEN"},
		{"subscription Broken { broken }", "Broken", "NOT_FOUND"},
		{"subscription Refused { nope }", "anonymous", "GRAPHQL_VALIDATION_FAILED"},
	} {
		id := strconv.Itoa(i)
		c.send(`{"id":"` + id + `","type":"subscribe","payload":{"query":"` + tc.query + `"}}`)
		drain(id)
		typ := "subscription"
		if tc.op == "anonymous" {
			typ = "unknown"
		}
		eventually(t, tc.op+" to be counted", func() bool { return e.requests(t, tc.op, typ, "error") == 1 })
		if got := e.errorsOf(t, tc.code); got != 1 {
			t.Errorf("%s errors = %v, want 1", tc.code, got)
		}
	}
	if got := e.value(t, observe.MetricActiveSubscriptions, nil); got != 0 {
		t.Errorf("active = %v, want 0", got)
	}
	lines := e.log.lines(t)
	if len(lines) != 3 {
		t.Fatalf("%d log lines, want 3", len(lines))
	}
	if l := lines[1]; l["operation"] != "Broken" || l["events"] != float64(1) || l["errors"] != float64(1) {
		t.Errorf("log line %v", l)
	}
}

// TestConcurrentSubscriptions runs many subscriptions at once (go test -race).
func TestConcurrentSubscriptions(t *testing.T) {
	e := newEnv(t, testserver.New(), observe.Options{})
	const n = 20
	conns := make([]*wsConn, n)
	for i := range conns {
		conns[i] = dial(t, e)
		conns[i].send(`{"id":"1","type":"subscribe","payload":{"query":"subscription Many { name }"}}`)
	}
	active := func() float64 { return e.value(t, observe.MetricActiveSubscriptions, nil) }
	eventually(t, "all subscriptions to be active", func() bool { return active() == n })
	var wg sync.WaitGroup
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				_ = c.conn.CloseNow()
			} else {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				_ = c.conn.Write(ctx, coderws.MessageText, []byte(`{"id":"1","type":"complete"}`))
			}
		}()
	}
	wg.Wait()
	eventually(t, "all subscriptions to end", func() bool { return active() == 0 })
	eventually(t, "all subscriptions to be counted", func() bool { return e.requests(t, "Many", "subscription", "ok") == n })
}

// TestNilMetricsAndLogger checks that the extension works with neither.
func TestNilMetricsAndLogger(t *testing.T) {
	ts := testserver.New()
	ts.AddTransport(transport.POST{})
	ts.Use(observe.Extension{})
	srv := httptest.NewServer(ts)
	defer srv.Close()
	res, err := http.Post(srv.URL, "application/json", strings.NewReader(`{"query":"{ name }"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("status %d", res.StatusCode)
	}
}

// TestSubscriptionOverPOST checks the other end of a subscription: a transport that stops
// calling the response handler without waiting for its end (POST answers with the first
// event) ends it when the request's context is cancelled.
func TestSubscriptionOverPOST(t *testing.T) {
	e := newEnv(t, testserver.New(), observe.Options{})
	active := func() float64 { return e.value(t, observe.MetricActiveSubscriptions, nil) }
	done := make(chan int)
	go func() {
		res, err := http.Post(e.http.URL, "application/json", strings.NewReader(`{"query":"subscription Once { name }"}`))
		if err != nil {
			done <- 0
			return
		}
		res.Body.Close()
		done <- res.StatusCode
	}()
	eventually(t, "the subscription to count as active", func() bool { return active() == 1 })
	e.ts.SendNextSubscriptionMessage()
	if status := <-done; status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	eventually(t, "the subscription to end", func() bool { return active() == 0 })
	eventually(t, "the subscription to be counted", func() bool { return e.requests(t, "Once", "subscription", "ok") == 1 })
}

// TestPanic checks that an operation whose response handler panics is counted as failed
// and logged, and that the panic still reaches gqlgen's recovery.
func TestPanic(t *testing.T) {
	schema := gqlparser.MustLoadSchema(&ast.Source{Input: `type Query { name: String! }`})
	srv := handler.New(&graphql.ExecutableSchemaMock{
		SchemaFunc: func() *ast.Schema { return schema },
		ComplexityFunc: func(context.Context, string, string, int, map[string]any) (int, bool) {
			return 0, false
		},
		ExecFunc: func(context.Context) graphql.ResponseHandler {
			return func(context.Context) *graphql.Response { panic("boom") }
		},
	})
	srv.SetRecoverFunc(func(context.Context, any) error { return errors.New("internal system error") })
	e := newEnvOf(t, srv, observe.Options{})
	if got := e.post(t, `{"query":"query Boom { name }"}`); got != http.StatusInternalServerError {
		t.Errorf("status %d, want gqlgen's 500 for a recovered panic", got)
	}
	if got := e.requests(t, "Boom", "query", "error"); got != 1 {
		t.Errorf("failed Boom = %v, want 1", got)
	}
	if got := e.errorsOf(t, "INTERNAL"); got != 1 {
		t.Errorf("INTERNAL errors = %v, want 1", got)
	}
	lines := e.log.lines(t)
	if len(lines) != 1 || lines[0]["panicked"] != true || lines[0]["status"] != "error" {
		t.Errorf("log %v", lines)
	}
}
