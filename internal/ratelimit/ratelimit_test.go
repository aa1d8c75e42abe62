package ratelimit_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/teemaverkko/teemaverkko/internal/auth"
	"github.com/teemaverkko/teemaverkko/internal/ratelimit"
)

// clock is a fake clock: time moves only when the test says so.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2017, 3, 14, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

var ok = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{"data":{}}`)) })

// call sends one request from the client at addr.
func call(h http.Handler, addr string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
	req.RemoteAddr = addr
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// step is a request (after advancing the clock) and what it must get.
type step struct {
	advance    time.Duration
	client     string
	status     int
	retryAfter string
}

func TestMiddleware(t *testing.T) {
	const a, b = "192.0.2.1:1234", "198.51.100.7:999"
	for _, tc := range []struct {
		name  string
		cfg   ratelimit.Config
		steps []step
	}{
		{"burst then refusal", ratelimit.Config{Rate: 1, Burst: 3}, []step{
			{0, a, 200, ""}, {0, a, 200, ""}, {0, a, 200, ""},
			{0, a, 429, "1"},
			{500 * time.Millisecond, a, 429, "1"}, // half a token: still refused, retry rounds up
			{500 * time.Millisecond, a, 200, ""},  // one token back
			{0, a, 429, "1"},
			{10 * time.Second, a, 200, ""}, // refilled, but never beyond the burst
			{0, a, 200, ""}, {0, a, 200, ""},
			{0, a, 429, "1"},
		}},
		{"clients are independent", ratelimit.Config{Rate: 1, Burst: 1}, []step{
			{0, a, 200, ""},
			{0, a, 429, "1"},
			{0, b, 200, ""},
			{0, b, 429, "1"},
			{0, "192.0.2.1:5555", 429, "1"}, // same host, other port: same client
		}},
		{"slow rate: retry after whole seconds", ratelimit.Config{Rate: 0.1, Burst: 1}, []step{
			{0, a, 200, ""},
			{0, a, 429, "10"},
			{7 * time.Second, a, 429, "3"},
			{3 * time.Second, a, 200, ""},
		}},
		{"default burst is the rate rounded up", ratelimit.Config{Rate: 2.5}, []step{
			{0, a, 200, ""}, {0, a, 200, ""}, {0, a, 200, ""},
			{0, a, 429, "1"},
		}},
		{"rate 0 disables limiting", ratelimit.Config{Rate: 0, Burst: 1}, []step{
			{0, a, 200, ""}, {0, a, 200, ""}, {0, a, 200, ""}, {0, a, 200, ""},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := newClock()
			tc.cfg.Now = clk.Now
			h := ratelimit.Middleware(tc.cfg, ratelimit.ClientKey, ok)
			for i, s := range tc.steps {
				clk.advance(s.advance)
				rec := call(h, s.client)
				if rec.Code != s.status {
					t.Fatalf("step %d: status %d, want %d", i, rec.Code, s.status)
				}
				if got := rec.Header().Get("Retry-After"); got != s.retryAfter {
					t.Errorf("step %d: Retry-After %q, want %q", i, got, s.retryAfter)
				}
				if s.status == http.StatusTooManyRequests {
					checkRefusal(t, rec)
				}
			}
		})
	}
}

// checkRefusal checks the GraphQL shape of a refusal.
func checkRefusal(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	var body struct {
		Errors []struct {
			Message    string
			Extensions map[string]any
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("body is not JSON: %s", rec.Body)
	}
	if len(body.Errors) != 1 || body.Errors[0].Extensions["code"] != ratelimit.Code || body.Errors[0].Message == "" {
		t.Errorf("body %s", rec.Body)
	}
}

// TestMaxClients checks that memory stays bounded under many distinct clients, and that
// the least recently seen client is the one forgotten.
func TestMaxClients(t *testing.T) {
	for _, tc := range []struct{ max, clients, want int }{
		{max: 1, clients: 10, want: 1},
		{max: 100, clients: 50, want: 50},
		{max: 100, clients: 100000, want: 100},
		{max: 0, clients: 2 * ratelimit.DefaultMaxClients, want: ratelimit.DefaultMaxClients},
	} {
		t.Run(fmt.Sprintf("max %d, %d clients", tc.max, tc.clients), func(t *testing.T) {
			l := ratelimit.New(ratelimit.Config{Rate: 1, Burst: 1, MaxClients: tc.max, Now: newClock().Now})
			for i := range tc.clients {
				l.Allow(fmt.Sprint("client-", i))
				if n := l.Len(); n > max(tc.max, 1) && tc.max > 0 {
					t.Fatalf("%d clients remembered after %d, bound %d", n, i+1, tc.max)
				}
			}
			if n := l.Len(); n != tc.want {
				t.Errorf("%d clients remembered, want %d", n, tc.want)
			}
		})
	}
	t.Run("least recently seen is forgotten", func(t *testing.T) {
		l := ratelimit.New(ratelimit.Config{Rate: 1, Burst: 1, MaxClients: 2, Now: newClock().Now})
		l.Allow("a")
		l.Allow("b")
		if ok, _ := l.Allow("a"); ok { // a is now the most recently seen, and empty
			t.Fatal("a allowed twice")
		}
		l.Allow("c") // forgets b
		if ok, _ := l.Allow("a"); ok {
			t.Error("a was forgotten instead of b")
		}
		if ok, _ := l.Allow("b"); !ok {
			t.Error("b was remembered")
		}
	})
}

// TestConcurrent hammers one limiter from many goroutines (go test -race): with the
// clock stopped, every client gets exactly its burst.
func TestConcurrent(t *testing.T) {
	const clients, burst, perClient = 8, 5, 50
	clk := newClock()
	h := ratelimit.Middleware(ratelimit.Config{Rate: 1, Burst: burst, MaxClients: 100, Now: clk.Now}, ratelimit.ClientKey, ok)
	var allowed [clients]atomic.Int64
	var wg sync.WaitGroup
	for c := range clients {
		for range perClient {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if call(h, fmt.Sprintf("10.0.0.%d:1", c)).Code == http.StatusOK {
					allowed[c].Add(1)
				}
			}()
		}
	}
	wg.Wait()
	for c := range clients {
		if n := allowed[c].Load(); n != burst {
			t.Errorf("client %d: %d allowed, want %d", c, n, burst)
		}
	}
}

// TestConcurrentEviction churns through more clients than the bound from many
// goroutines (go test -race).
func TestConcurrentEviction(t *testing.T) {
	l := ratelimit.New(ratelimit.Config{Rate: 100, Burst: 1, MaxClients: 16})
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				l.Allow(fmt.Sprint(g, "-", i%40))
				_ = l.Len()
			}
		}()
	}
	wg.Wait()
	if n := l.Len(); n > 16 {
		t.Errorf("%d clients remembered, bound 16", n)
	}
}

func TestNilLimiter(t *testing.T) {
	var l *ratelimit.Limiter = ratelimit.New(ratelimit.Config{})
	if l != nil {
		t.Fatal("rate 0 made a limiter")
	}
	if ok, _ := l.Allow("x"); !ok || l.Len() != 0 {
		t.Error("a nil limiter refused")
	}
}

func TestClientKey(t *testing.T) {
	token, entry := auth.New(auth.Editor)
	tokens, err := auth.ParseTokens(entry)
	if err != nil {
		t.Fatal(err)
	}
	tokenKey := ratelimit.ClientKey(request("192.0.2.1:1", "Bearer "+token))
	if !strings.HasPrefix(tokenKey, "token:") || strings.Contains(tokenKey, token) {
		t.Fatalf("token key %q: want the token's hash, never the token", tokenKey)
	}
	for _, tc := range []struct {
		name string
		key  func(*http.Request) string
		req  *http.Request
		want string
	}{
		{"address", ratelimit.ClientKey, request("192.0.2.1:1234", ""), "ip:192.0.2.1"},
		{"bearer token", ratelimit.ClientKey, request("192.0.2.1:1", "Bearer "+token), tokenKey},
		{"the token wherever it comes from", ratelimit.ClientKey, request("198.51.100.2:9", "bearer  "+token), tokenKey},
		{"not a bearer token", ratelimit.ClientKey, request("192.0.2.1:1", "Basic "+token), "ip:192.0.2.1"},
		{"empty bearer", ratelimit.ClientKey, request("192.0.2.1:1", "Bearer "), "ip:192.0.2.1"},
		{"forwarded-for ignored", ratelimit.ClientKey, request("192.0.2.1:1", "", "203.0.113.9"), "ip:192.0.2.1"},
		{"untrusted proxy", ratelimit.ClientKeyBehindProxy(false), request("192.0.2.1:1", "", "203.0.113.9"), "ip:192.0.2.1"},
		{"trusted proxy", ratelimit.ClientKeyBehindProxy(true), request("10.0.0.1:1", "", "203.0.113.9"), "ip:203.0.113.9"},
		{"trusted proxy: forged entries before its own", ratelimit.ClientKeyBehindProxy(true), request("10.0.0.1:1", "", "1.1.1.1, 203.0.113.9"), "ip:203.0.113.9"},
		{"trusted proxy: several headers", ratelimit.ClientKeyBehindProxy(true), request("10.0.0.1:1", "", "1.1.1.1", "203.0.113.9"), "ip:203.0.113.9"},
		{"trusted proxy: no header", ratelimit.ClientKeyBehindProxy(true), request("10.0.0.1:1", ""), "ip:10.0.0.1"},
		{"trusted proxy: garbage", ratelimit.ClientKeyBehindProxy(true), request("10.0.0.1:1", "", "not-an-ip"), "ip:10.0.0.1"},
		{"trusted proxy: port", ratelimit.ClientKeyBehindProxy(true), request("10.0.0.1:1", "", "203.0.113.9:4711"), "ip:203.0.113.9"},
		{"two proxies", ratelimit.KeyFunc(ratelimit.KeyOptions{ProxyHops: 2}), request("10.0.0.1:1", "", "1.1.1.1, 203.0.113.9, 10.0.0.2"), "ip:203.0.113.9"},
		{"two proxies, one entry", ratelimit.KeyFunc(ratelimit.KeyOptions{ProxyHops: 2}), request("10.0.0.1:1", "", "203.0.113.9"), "ip:10.0.0.1"},
		{"IPv6 by /64", ratelimit.ClientKey, request("[2001:db8:1:2:3:4:5:6]:443", ""), "ip:2001:db8:1:2::/64"},
		{"IPv6 same /64", ratelimit.ClientKey, request("[2001:db8:1:2:ffff::1]:443", ""), "ip:2001:db8:1:2::/64"},
		{"IPv4 mapped", ratelimit.ClientKey, request("[::ffff:192.0.2.1]:443", ""), "ip:192.0.2.1"},
		{"checked token", ratelimit.KeyFunc(ratelimit.KeyOptions{Tokens: tokens}), request("192.0.2.1:1", "Bearer "+token), tokenKey},
		{"invented token", ratelimit.KeyFunc(ratelimit.KeyOptions{Tokens: tokens}), request("192.0.2.1:1", "Bearer made-up"), "ip:192.0.2.1"},
		{"no tokens configured", ratelimit.KeyFunc(ratelimit.KeyOptions{Tokens: &auth.Tokens{}}), request("192.0.2.1:1", "Bearer "+token), "ip:192.0.2.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.key(tc.req); got != tc.want {
				t.Errorf("key = %q, want %q", got, tc.want)
			}
		})
	}
}

func request(remote, authorization string, forwardedFor ...string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/graphql", nil)
	r.RemoteAddr = remote
	if authorization != "" {
		r.Header.Set("Authorization", authorization)
	}
	for _, f := range forwardedFor {
		r.Header.Add("X-Forwarded-For", f)
	}
	return r
}
