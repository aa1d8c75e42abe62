package httpmw

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"regexp"
)

// RequestIDHeader is the HTTP header that carries the request ID.
const RequestIDHeader = "X-Request-ID"

type key struct{}

var sane = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// New returns a new random request ID.
func NewRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// FromContext returns the request ID in ctx, or "".
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(key{}).(string)
	return id
}

// With returns a context carrying the request ID.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, key{}, id)
}

// RequestID gives every HTTP request an ID: the client's X-Request-ID when it sends a
// sane one, otherwise a new random one. The ID is echoed in the response header,
// carried in the context, and attached to server-side logs and internal errors, so that a
// client's error report can be matched with the server's log line.
func RequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(RequestIDHeader)
		if !sane.MatchString(id) {
			id = NewRequestID()
		}
		w.Header().Set(RequestIDHeader, id)
		next.ServeHTTP(w, r.WithContext(WithRequestID(r.Context(), id)))
	})
}
