package auth

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

// JWT verifies JSON Web Tokens signed with HS256 (a shared secret) or RS256 (the public
// keys of an identity provider) and maps their "role" claim (or the strongest of a
// "roles" list) to a Role. Tokens must carry an expiry; the issuer and audience are
// checked when configured.
type JWT struct {
	secret   []byte
	keys     []*rsa.PublicKey
	issuer   string
	audience string
}

// JWTConfig says where the keys are.
type JWTConfig struct {
	// HS256Secret is the shared secret of HS256 tokens ("" for none).
	HS256Secret string
	// RS256PublicKeyFiles are PEM files of RS256 public keys (a key set: any may sign).
	RS256PublicKeyFiles []string
	// Issuer and Audience, when set, must match the iss and aud claims.
	Issuer, Audience string
}

// NewJWT returns a verifier, or nil when no key is configured.
func NewJWT(cfg JWTConfig) (*JWT, error) {
	j := &JWT{issuer: cfg.Issuer, audience: cfg.Audience}
	if cfg.HS256Secret != "" {
		if len(cfg.HS256Secret) < 32 {
			return nil, errors.New("the HS256 secret must be at least 32 bytes")
		}
		j.secret = []byte(cfg.HS256Secret)
	}
	for _, f := range cfg.RS256PublicKeyFiles {
		pem, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("read RS256 public key: %w", err)
		}
		k, err := jwt.ParseRSAPublicKeyFromPEM(pem)
		if err != nil {
			return nil, fmt.Errorf("RS256 public key %s: %w", f, err)
		}
		j.keys = append(j.keys, k)
	}
	if j.secret == nil && len(j.keys) == 0 {
		return nil, nil
	}
	return j, nil
}

type claims struct {
	jwt.RegisteredClaims
	Role  string   `json:"role"`
	Roles []string `json:"roles"`
}

// Role verifies a token and returns its role.
func (j *JWT) Role(token string) (Role, bool) {
	if j == nil || strings.Count(token, ".") != 2 {
		return Anonymous, false
	}
	var methods []string
	if j.secret != nil {
		methods = append(methods, "HS256")
	}
	if len(j.keys) > 0 {
		methods = append(methods, "RS256")
	}
	opts := []jwt.ParserOption{jwt.WithValidMethods(methods), jwt.WithExpirationRequired()}
	if j.issuer != "" {
		opts = append(opts, jwt.WithIssuer(j.issuer))
	}
	if j.audience != "" {
		opts = append(opts, jwt.WithAudience(j.audience))
	}
	for _, key := range j.candidates() {
		var c claims
		if _, err := jwt.ParseWithClaims(token, &c, func(t *jwt.Token) (any, error) { return key, nil }, opts...); err != nil {
			continue
		}
		best := Anonymous
		for _, name := range append(c.Roles, c.Role) {
			if r, err := ParseRole(name); err == nil {
				best = max(best, r)
			}
		}
		return best, best != Anonymous
	}
	return Anonymous, false
}

// candidates lists the keys a token may be signed with.
func (j *JWT) candidates() []any {
	var out []any
	if j.secret != nil {
		out = append(out, j.secret)
	}
	for _, k := range j.keys {
		out = append(out, k)
	}
	return out
}
