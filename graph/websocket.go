package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	coderws "github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/teemaverkko/teemaverkko/internal/auth"
	"github.com/teemaverkko/teemaverkko/internal/errcode"
	"github.com/teemaverkko/teemaverkko/internal/ratelimit"
)

// WebsocketLimits bound what WebSocket clients may hold open, so that no client can
// exhaust the server's sockets, goroutines or memory: connections per client and in
// total (refused at the upgrade with 429 or 503 and the code TOO_MANY_CONNECTIONS), and
// subscriptions per connection and in total (refused with TOO_MANY_SUBSCRIPTIONS). Zero
// fields take DefaultWebsocketLimits'.
type WebsocketLimits struct {
	// ConnectionsPerClient bounds the open connections of one client (as the rate limit
	// tells clients apart: a valid token, or else the address).
	ConnectionsPerClient int
	// Connections bounds the open connections of this server.
	Connections int
	// SubscriptionsPerConnection bounds the active subscriptions of one connection.
	SubscriptionsPerConnection int
	// Subscriptions bounds the active subscriptions of this server.
	Subscriptions int
	// InitTimeout is how long a new connection has to send connection_init.
	InitTimeout time.Duration
}

// DefaultWebsocketLimits fit a server with a few thousand live users: a browser tab holds
// one connection with a handful of subscriptions.
var DefaultWebsocketLimits = WebsocketLimits{
	ConnectionsPerClient:       20,
	Connections:                2000,
	SubscriptionsPerConnection: 20,
	Subscriptions:              10000,
	InitTimeout:                10 * time.Second,
}

// withDefaults fills the zero fields.
func (l WebsocketLimits) withDefaults() WebsocketLimits {
	d := DefaultWebsocketLimits
	if l.ConnectionsPerClient > 0 {
		d.ConnectionsPerClient = l.ConnectionsPerClient
	}
	if l.Connections > 0 {
		d.Connections = l.Connections
	}
	if l.SubscriptionsPerConnection > 0 {
		d.SubscriptionsPerConnection = l.SubscriptionsPerConnection
	}
	if l.Subscriptions > 0 {
		d.Subscriptions = l.Subscriptions
	}
	if l.InitTimeout > 0 {
		d.InitTimeout = l.InitTimeout
	}
	return d
}

// CloseForbidden is the close code of a connection whose connection_init carried a token
// that is not valid (graphql-transport-ws: 4403 Forbidden).
const CloseForbidden = 4403

// sockets counts the open WebSocket connections and subscriptions against the limits.
type sockets struct {
	limits    WebsocketLimits
	key       func(*http.Request) string
	limiter   *ratelimit.Limiter
	timeout   time.Duration // of each query or mutation sent over a connection
	mu        sync.Mutex
	perClient map[string]int
	total     int
	subs      atomic.Int64
}

// socket is one open connection, in the context of everything sent over it.
type socket struct {
	s    *sockets
	key  string
	subs atomic.Int64
	conn atomic.Pointer[transport.WebsocketConn]
}

type socketKey struct{}

func socketFrom(ctx context.Context) *socket {
	s, _ := ctx.Value(socketKey{}).(*socket)
	return s
}

// gate admits WebSocket upgrades within the connection limits and records the
// connection in the request's context, which becomes the connection's.
func (s *sockets) gate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Context().Value(websocketKey{}) == nil {
			next.ServeHTTP(w, r)
			return
		}
		key := s.key(r)
		s.mu.Lock()
		switch {
		case s.total >= s.limits.Connections:
			s.mu.Unlock()
			refuseConnection(w, http.StatusServiceUnavailable, fmt.Sprintf("the server holds %d WebSocket connections, its limit; try again later", s.limits.Connections))
			return
		case s.perClient[key] >= s.limits.ConnectionsPerClient:
			s.mu.Unlock()
			refuseConnection(w, http.StatusTooManyRequests, fmt.Sprintf("this client holds %d WebSocket connections, the limit; close one first (one connection carries many subscriptions)", s.limits.ConnectionsPerClient))
			return
		}
		s.total++
		s.perClient[key]++
		s.mu.Unlock()
		defer func() {
			s.mu.Lock()
			s.total--
			if s.perClient[key]--; s.perClient[key] <= 0 {
				delete(s.perClient, key)
			}
			s.mu.Unlock()
		}()
		sock := &socket{s: s, key: key}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), socketKey{}, sock)))
		// gqlgen returns without closing the socket on some refusals (a connection_init
		// whose payload is not an object): close it here, whatever happened, so that no
		// socket outlives its place in the limits.
		if c := sock.conn.Load(); c != nil {
			_ = (*c).WriteClose(CloseInvalidMessage, "invalid message")
			_ = (*c).Close()
		}
	})
}

// CloseInvalidMessage is the close code of a connection the server ends for a message it
// cannot use (graphql-transport-ws: 4400).
const CloseInvalidMessage = 4400

// recordingImplementation accepts WebSockets as inner does, and records each accepted
// connection on its socket, so that the gate can close what gqlgen leaves open.
type recordingImplementation struct {
	inner transport.WebsocketImplementation
}

func (i recordingImplementation) Accept(w http.ResponseWriter, r *http.Request, opts transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	c, err := i.inner.Accept(w, r, opts)
	if err == nil {
		if c.Subprotocol() == graphqlTransportWS {
			c = &uniqueIDs{WebsocketConn: c, active: map[string]struct{}{}}
		}
		if sock := socketFrom(r.Context()); sock != nil {
			sock.conn.Store(&c)
		}
	}
	return c, err
}

// graphqlTransportWS is the subprotocol of graphql-transport-ws (the legacy graphql-ws
// protocol says nothing of reused IDs).
const graphqlTransportWS = "graphql-transport-ws"

// CloseSubscriberExists is the close code of a connection that sent subscribe with the
// ID of one of its operations still running (graphql-transport-ws: 4409 Subscriber for
// <id> already exists).
const CloseSubscriberExists = 4409

// uniqueIDs holds a graphql-transport-ws connection to the protocol's rule that an
// operation's ID is unique while it runs: gqlgen would start the second operation and
// lose its handle on the first, which would run on until the connection closes. It
// reads each message's type and ID on the way in and out: an ID is taken by the client's
// subscribe, and given back by the client's complete or the server's complete or error.
type uniqueIDs struct {
	transport.WebsocketConn
	mu     sync.Mutex
	active map[string]struct{}
	// ending counts, per ID, the operations the client completed whose own complete (or
	// error) the server has yet to send: that late message ends the old operation, not
	// a new one the client may have started under the same ID meanwhile.
	ending map[string]int
}

// envelope is what uniqueIDs reads of a message.
type envelope struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// SetReadLimit passes the read limit on, so that wrapping the connection keeps it.
func (u *uniqueIDs) SetReadLimit(limit int64) {
	if l, ok := u.WebsocketConn.(transport.WebsocketReadLimiter); ok {
		l.SetReadLimit(limit)
	}
}

// NextReader implements transport.WebsocketConn.
func (u *uniqueIDs) NextReader() (int, io.Reader, error) {
	typ, r, err := u.WebsocketConn.NextReader()
	if err != nil {
		return typ, r, err
	}
	data, err := io.ReadAll(r) // bounded by the read limit
	if err != nil {
		return typ, nil, err
	}
	var m envelope
	if json.Unmarshal(data, &m) == nil && m.ID != "" {
		u.mu.Lock()
		_, taken := u.active[m.ID]
		switch {
		case m.Type == "subscribe" && taken:
			u.mu.Unlock()
			reason := "Subscriber for " + m.ID + " already exists"
			if len(reason) > 123 { // a close frame's reason is at most 123 bytes
				reason = "Subscriber already exists"
			}
			_ = u.WebsocketConn.WriteClose(CloseSubscriberExists, reason)
			_ = u.WebsocketConn.Close()
			return typ, nil, errors.New(reason)
		case m.Type == "subscribe":
			u.active[m.ID] = struct{}{}
		case m.Type == "complete" && taken:
			delete(u.active, m.ID)
			if u.ending == nil {
				u.ending = map[string]int{}
			}
			u.ending[m.ID]++
		}
		u.mu.Unlock()
	}
	return typ, bytes.NewReader(data), nil
}

// WriteJSON implements transport.WebsocketConn.
func (u *uniqueIDs) WriteJSON(v any) error {
	if b, err := json.Marshal(v); err == nil {
		var m envelope
		if json.Unmarshal(b, &m) == nil && m.ID != "" && (m.Type == "complete" || m.Type == "error") {
			u.mu.Lock()
			if u.ending[m.ID] > 0 {
				u.ending[m.ID]--
				if u.ending[m.ID] == 0 {
					delete(u.ending, m.ID)
				}
			} else {
				delete(u.active, m.ID)
			}
			u.mu.Unlock()
		}
	}
	return u.WebsocketConn.WriteJSON(v)
}

func refuseConnection(w http.ResponseWriter, status int, message string) {
	w.Header().Set("Retry-After", "5")
	errcode.WriteHTTP(w, status, errcode.TooManyConnections, message)
}

// acquireSubscription counts a new subscription of the connection in ctx against the
// limits; release, called when it ends, gives its place back. Outside a WebSocket
// connection there is nothing to count.
func acquireSubscription(ctx context.Context) (release func(), err *gqlerror.Error) {
	c := socketFrom(ctx)
	if c == nil {
		return func() {}, nil
	}
	l := c.s.limits
	if n := c.subs.Add(1); n > int64(l.SubscriptionsPerConnection) {
		c.subs.Add(-1)
		return nil, tooManySubscriptions("this connection has %d subscriptions open, the limit; complete one first", l.SubscriptionsPerConnection)
	}
	if n := c.s.subs.Add(1); n > int64(l.Subscriptions) {
		c.s.subs.Add(-1)
		c.subs.Add(-1)
		return nil, tooManySubscriptions("the server has %d subscriptions open, its limit; try again later", l.Subscriptions)
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			c.subs.Add(-1)
			c.s.subs.Add(-1)
		})
	}, nil
}

func tooManySubscriptions(format string, limit int) *gqlerror.Error {
	err := gqlerror.Errorf(format, limit)
	err.Extensions = map[string]any{"code": errcode.TooManySubscriptions}
	return err
}

// websocketOperations holds every operation sent over a WebSocket to the rules of
// HTTP requests: each passes the client's rate limit (the same bucket as its HTTP
// requests), and queries and mutations are bounded by the request timeout.
type websocketOperations struct{ s *sockets }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
	graphql.ResponseInterceptor
} = websocketOperations{}

func (websocketOperations) ExtensionName() string                   { return "WebsocketOperations" }
func (websocketOperations) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext refuses an operation of a client over its rate.
func (e websocketOperations) MutateOperationContext(ctx context.Context, _ *graphql.OperationContext) *gqlerror.Error {
	c := socketFrom(ctx)
	if c == nil {
		return nil
	}
	if ok, wait := e.s.limiter.Allow(c.key); !ok {
		secs := ratelimit.RetryAfter(wait)
		return &gqlerror.Error{Message: ratelimit.Message(secs), Extensions: map[string]any{"code": ratelimit.Code, "retryAfter": secs}}
	}
	return nil
}

// InterceptResponse bounds queries and mutations over a WebSocket by the request
// timeout, as over HTTP; subscriptions last as long as the client wants.
func (e websocketOperations) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if socketFrom(ctx) == nil || !graphql.HasOperationContext(ctx) {
		return next(ctx)
	}
	if op := graphql.GetOperationContext(ctx).Operation; op == nil || op.Operation == ast.Subscription {
		return next(ctx)
	}
	ctx, cancel := context.WithTimeout(ctx, e.s.timeout)
	defer cancel()
	return next(ctx)
}

// websocketTransport speaks graphql-transport-ws and the legacy graphql-ws protocol,
// with keep-alive pings, to browsers of the allowed origins. A token may come in the
// connection-init payload ({"Authorization": "Bearer …"}), since browsers cannot set
// headers on a WebSocket; a token that is not valid closes the connection at once with
// 4403 Forbidden.
func websocketTransport(origins []string, tokens *auth.Tokens, limits WebsocketLimits) transport.Websocket {
	opts := coderws.AcceptOptions{}
	if len(origins) == 0 || slices.Contains(origins, "*") {
		opts.InsecureSkipVerify = true
	} else {
		for _, o := range origins {
			u, err := url.Parse(o)
			if err == nil && u.Host != "" {
				o = u.Host
			}
			opts.OriginPatterns = append(opts.OriginPatterns, o)
		}
	}
	return transport.Websocket{
		Implementation:        recordingImplementation{transport.CoderWebsocketImplementation{AcceptOptions: opts}},
		KeepAlivePingInterval: 10 * time.Second,
		InitTimeout:           limits.InitTimeout,
		InitFunc: func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			ctx = tokens.WithAuthorization(ctx, p.Authorization())
			if !auth.Valid(ctx) || !stringOrAbsent(p, "Authorization") || !stringOrAbsent(p, "authorization") {
				// gqlgen reads the close code and reason from the returned context, which
				// must not be nil.
				ctx = transport.WithWebsocketCloseCode(transport.AppendCloseReason(ctx, "Forbidden"), CloseForbidden)
				return ctx, nil, errors.New("the token in the connection-init payload is not valid")
			}
			return ctx, nil, nil
		},
	}
}

// stringOrAbsent reports whether the init payload's key is missing or a string: a token
// sent as a number or an object is not valid, rather than no token at all.
func stringOrAbsent(p transport.InitPayload, key string) bool {
	v, ok := p[key]
	if !ok {
		return true
	}
	_, isString := v.(string)
	return isString
}
