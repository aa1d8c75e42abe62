// Package ratelimit limits how often each client may call the API: a token bucket per
// client (golang.org/x/time/rate), as net/http middleware. A refused request gets 429 Too
// Many Requests, a Retry-After header and a GraphQL-shaped body with the code
// RATE_LIMITED, so that GraphQL clients show it like any other error.
//
// Memory is bounded: at most MaxClients buckets are kept, the least recently seen client
// being forgotten first. A forgotten client starts again with a full bucket, so the bound
// should be well above the number of clients active within Burst/Rate seconds.
//
// Clients are told apart by a key (see KeyFunc): a valid bearer token's hash, so that an
// authenticated client is limited as itself wherever it calls from, or else the remote
// address.
package ratelimit

import (
	"container/list"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/teemaverkko/teemaverkko/internal/errcode"
)

// Code is the extensions.code of a refusal.
const Code = errcode.RateLimited

// DefaultMaxClients is the number of clients remembered when Config.MaxClients is 0.
const DefaultMaxClients = 10000

// Config is the limit every client gets.
type Config struct {
	// Rate is the sustained number of requests per second a client may send; 0 (or
	// less) disables limiting.
	Rate float64
	// Burst is the number of requests a client may send at once (0: the rate rounded
	// up, at least 1).
	Burst int
	// MaxClients bounds the clients remembered (0: DefaultMaxClients).
	MaxClients int
	// Now is the clock (nil: time.Now); tests pass a fake one.
	Now func() time.Time
}

// Limiter keeps a token bucket per client. It is safe for concurrent use.
type Limiter struct {
	limit rate.Limit
	burst int
	max   int
	now   func() time.Time

	mu      sync.Mutex
	clients map[string]*list.Element // of *client
	lru     list.List                // most recently seen first
}

type client struct {
	key     string
	limiter *rate.Limiter
}

// New returns a limiter for cfg, or nil when cfg.Rate disables limiting (a nil
// *Limiter allows everything).
func New(cfg Config) *Limiter {
	if cfg.Rate <= 0 || math.IsNaN(cfg.Rate) {
		return nil
	}
	l := &Limiter{
		limit:   rate.Limit(cfg.Rate),
		burst:   cfg.Burst,
		max:     cfg.MaxClients,
		now:     cfg.Now,
		clients: map[string]*list.Element{},
	}
	if l.burst <= 0 {
		l.burst = int(max(1, math.Ceil(min(cfg.Rate, math.MaxInt32))))
	}
	if l.max <= 0 {
		l.max = DefaultMaxClients
	}
	if l.now == nil {
		l.now = time.Now
	}
	return l
}

// Allow takes a token from the client's bucket. When there is none it returns false
// and how long until there will be one.
func (l *Limiter) Allow(key string) (ok bool, retryAfter time.Duration) {
	if l == nil {
		return true, 0
	}
	now := l.now()
	lim := l.bucket(key)
	r := lim.ReserveN(now, 1)
	if !r.OK() { // cannot happen with a burst of at least 1
		return false, time.Second
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// bucket returns the client's bucket, creating it (and forgetting the least recently
// seen client when the limiter is full).
func (l *Limiter) bucket(key string) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e, ok := l.clients[key]; ok {
		l.lru.MoveToFront(e)
		return e.Value.(*client).limiter
	}
	for l.lru.Len() >= l.max {
		oldest := l.lru.Back()
		l.lru.Remove(oldest)
		delete(l.clients, oldest.Value.(*client).key)
	}
	c := &client{key: key, limiter: rate.NewLimiter(l.limit, l.burst)}
	l.clients[key] = l.lru.PushFront(c)
	return c.limiter
}

// Len is the number of clients remembered.
func (l *Limiter) Len() int {
	if l == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lru.Len()
}

// Middleware refuses the requests of clients over their limit; key tells clients apart
// (nil: ClientKey; see KeyFunc). A nil *Limiter returns next unchanged.
func (l *Limiter) Middleware(key func(*http.Request) string, next http.Handler) http.Handler {
	if l == nil {
		return next
	}
	if key == nil {
		key = ClientKey
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ok, wait := l.Allow(key(r))
		if !ok {
			Refuse(w, wait)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Middleware limits next with a new Limiter for cfg (see Limiter.Middleware); with
// cfg.Rate 0 it returns next unchanged.
func Middleware(cfg Config, key func(*http.Request) string, next http.Handler) http.Handler {
	return New(cfg).Middleware(key, next)
}

// RetryAfter is a wait in whole seconds, at least 1, as Retry-After and
// extensions.retryAfter give it.
func RetryAfter(wait time.Duration) int64 { return max(int64(math.Ceil(wait.Seconds())), 1) }

// Message says how long to wait, in a refusal's words.
func Message(secs int64) string { return fmt.Sprintf("too many requests: try again in %d s", secs) }

// Refuse answers 429 with Retry-After (whole seconds, at least 1) and a GraphQL-shaped
// body whose extensions.code is RATE_LIMITED.
func Refuse(w http.ResponseWriter, wait time.Duration) {
	secs := RetryAfter(wait)
	w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
	errcode.WriteHTTP(w, http.StatusTooManyRequests, Code, Message(secs), "retryAfter", secs)
}
