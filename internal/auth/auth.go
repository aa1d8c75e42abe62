// Package auth knows the callers: bearer tokens and JWTs, and the role each carries
// (graph/authz decides from the schema's declarations what each role may call). Tokens are configured as
// SHA-256 hashes only ("role:hex" entries), compared in constant time, so that neither
// the configuration nor memory holds a usable token.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"

	"github.com/teemaverkko/teemaverkko/internal/errcode"
)

// Role is what a token allows.
type Role int

// The roles, weakest first.
const (
	Anonymous Role = iota
	Reader
	Editor
	Admin
)

func (r Role) String() string {
	switch r {
	case Reader:
		return "reader"
	case Editor:
		return "editor"
	case Admin:
		return "admin"
	}
	return "anonymous"
}

// ParseRole reads a role name.
func ParseRole(s string) (Role, error) {
	switch s {
	case "reader":
		return Reader, nil
	case "editor":
		return Editor, nil
	case "admin":
		return Admin, nil
	}
	return Anonymous, fmt.Errorf("role must be reader, editor or admin, got %q", s)
}

// Codes of refusals.
const (
	CodeUnauthenticated = errcode.Unauthenticated
	CodeForbidden       = errcode.Forbidden
)

type entry struct {
	hash [sha256.Size]byte
	role Role
}

// Tokens is the set of accepted token hashes, and optionally a JWT verifier.
type Tokens struct {
	entries []entry
	// JWT, when set, also accepts signed JSON Web Tokens.
	JWT *JWT
}

// ParseTokens reads entries of the form "role:sha256hex", separated by commas, spaces or
// new lines; lines starting with # are comments.
func ParseTokens(spec string) (*Tokens, error) {
	t := &Tokens{}
	for _, line := range strings.Split(spec, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		for _, f := range strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\r' }) {
			role, hexHash, ok := strings.Cut(f, ":")
			if !ok {
				return nil, fmt.Errorf("token entry %q: want role:sha256hex", f)
			}
			r, err := ParseRole(role)
			if err != nil {
				return nil, fmt.Errorf("token entry: %w", err)
			}
			raw, err := hex.DecodeString(hexHash)
			if err != nil || len(raw) != sha256.Size {
				return nil, fmt.Errorf("token entry for %s: the hash must be 64 hex digits (SHA-256 of the token)", role)
			}
			var e entry
			copy(e.hash[:], raw)
			e.role = r
			t.entries = append(t.entries, e)
		}
	}
	return t, nil
}

// Len is the number of configured tokens (a JWT verifier counts as one).
func (t *Tokens) Len() int {
	if t == nil {
		return 0
	}
	n := len(t.entries)
	if t.JWT != nil {
		n++
	}
	return n
}

// Role returns the role of a token, comparing its hash with every entry in constant time.
func (t *Tokens) Role(token string) (Role, bool) {
	role, _, ok := t.identify(token)
	return role, ok
}

// identify returns a token's role and the stable ID of who holds it: "token:" and the
// first 12 hex digits of its SHA-256 (the configured entry, never the token), or "jwt:"
// and a JWT's subject.
func (t *Tokens) identify(token string) (Role, string, bool) {
	if t == nil || token == "" {
		return Anonymous, "", false
	}
	h := sha256.Sum256([]byte(token))
	found, role := 0, Anonymous
	for _, e := range t.entries {
		if subtle.ConstantTimeCompare(h[:], e.hash[:]) == 1 {
			found, role = 1, max(role, e.role)
		}
	}
	if found == 0 && t.JWT != nil {
		return t.JWT.identify(token)
	}
	if found == 0 {
		return Anonymous, "", false
	}
	return role, "token:" + hex.EncodeToString(h[:6]), true
}

// New returns a new random token and its configuration entry.
func New(role Role) (token, entry string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	h := sha256.Sum256([]byte(token))
	return token, role.String() + ":" + hex.EncodeToString(h[:])
}

type caller struct {
	role    Role
	subject string
	invalid bool
}

type ctxKey struct{}

// Middleware reads the bearer token of each request and records its role in the context.
// A token that matches nothing is remembered as invalid, so that an operation that needs
// a role is refused as UNAUTHENTICATED.
func (t *Tokens) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(t.WithAuthorization(r.Context(), r.Header.Get("Authorization"))))
	})
}

// WithAuthorization records in ctx the role of an Authorization value ("Bearer <token>"):
// from an HTTP header, or from the connection-init payload of a WebSocket. An empty value
// leaves the context as it is.
func (t *Tokens) WithAuthorization(ctx context.Context, value string) context.Context {
	if value == "" {
		return ctx
	}
	scheme, token, _ := strings.Cut(value, " ")
	role, subject, ok := t.identify(strings.TrimSpace(token))
	return context.WithValue(ctx, ctxKey{}, caller{role: role, subject: subject, invalid: !ok || !strings.EqualFold(scheme, "Bearer")})
}

// Require refuses, before next runs, the requests whose Authorization header does not
// give the role need: 401 UNAUTHENTICATED (with WWW-Authenticate: Bearer) without a
// token or with one that matches nothing, 403 FORBIDDEN with a weaker one, each with a
// GraphQL-shaped JSON body. It is how routes other than /graphql follow the rule that
// Required states for GraphQL operations: with need Anonymous (reads that need no
// token) it returns next, which then serves anyone, as /graphql serves a query whatever
// token it carries. It lets CORS preflights (OPTIONS) through: browsers send them
// without credentials.
func (t *Tokens) Require(need Role, next http.Handler) http.Handler {
	if need == Anonymous {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		ctx := t.WithAuthorization(r.Context(), r.Header.Get("Authorization"))
		c, _ := ctx.Value(ctxKey{}).(caller)
		switch {
		case c.invalid || c.role == Anonymous:
			w.Header().Set("WWW-Authenticate", "Bearer")
			errcode.WriteHTTP(w, http.StatusUnauthorized, CodeUnauthenticated,
				fmt.Sprintf("this request needs a bearer token with the role %s", need))
		case c.role < need:
			errcode.WriteHTTP(w, http.StatusForbidden, CodeForbidden,
				fmt.Sprintf("this request needs the role %s; the token has %s", need, c.role))
		default:
			next.ServeHTTP(w, r.WithContext(ctx))
		}
	})
}

// Valid reports whether ctx carries no token, or a token that matched.
func Valid(ctx context.Context) bool {
	c, _ := ctx.Value(ctxKey{}).(caller)
	return !c.invalid
}

// Caller returns the role of the token in ctx, and whether ctx carries no token or one
// that matched (false: a token that matches nothing).
func Caller(ctx context.Context) (role Role, valid bool) {
	c, _ := ctx.Value(ctxKey{}).(caller)
	return c.role, !c.invalid
}

// RoleFrom returns the caller's role.
func RoleFrom(ctx context.Context) Role {
	c, _ := ctx.Value(ctxKey{}).(caller)
	return c.role
}

// Subject returns the stable ID of the caller's token in ctx ("token:" and the first 12
// hex digits of its SHA-256, or "jwt:" and the JWT's subject), "" without a valid one.
// It names who wrote what in the revision history; the token itself is never kept.
func Subject(ctx context.Context) string {
	c, _ := ctx.Value(ctxKey{}).(caller)
	if c.invalid {
		return ""
	}
	return c.subject
}
