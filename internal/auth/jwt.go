package auth

import (
	"bytes"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// ClockSkew is how far the clock of a token's issuer may run ahead of ours: a token
// issued (iat) or valid from (nbf) up to ClockSkew in the future is accepted. Expiry
// gets no such grace: a token is refused from its exp on.
const ClockSkew = 30 * time.Second

// latestNumericDate is the last second of the year 9999: later times, and negative ones,
// are refused rather than converted (beyond the range of int64 nanoseconds a huge nbf
// would wrap around into the past).
const latestNumericDate = 253402300799

// JWT verifies JSON Web Tokens signed with HS256 (a shared secret) or RS256 (the public
// keys of an identity provider) and maps their "role" claim (or the strongest of a
// "roles" list) to a Role.
//
// A token is accepted only if it carries an expiry (exp) that has not passed, its
// time claims (exp, iat, nbf) are JSON numbers (RFC 7519's NumericDate: a string such
// as "exp":"9999999999" is refused, not converted), it was not issued (iat) nor made
// valid (nbf) more than ClockSkew in the future, and its issuer and audience are those
// configured (when they are).
type JWT struct {
	secret   []byte
	keys     []*rsa.PublicKey
	issuer   string
	audience string
	// now is the clock (nil: time.Now); tests set it.
	now func() time.Time
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

// UnmarshalJSON refuses time claims that are not JSON numbers within 0 and the year
// 9999, before decoding the claims as usual: jwt.NumericDate itself reads a string of
// digits as a number, and wraps huge values around.
func (c *claims) UnmarshalJSON(b []byte) error {
	var times struct {
		Exp json.RawMessage `json:"exp"`
		Iat json.RawMessage `json:"iat"`
		Nbf json.RawMessage `json:"nbf"`
	}
	if err := json.Unmarshal(b, &times); err != nil {
		return err
	}
	for _, t := range []struct {
		name string
		raw  json.RawMessage
	}{{"exp", times.Exp}, {"iat", times.Iat}, {"nbf", times.Nbf}} {
		if t.raw == nil {
			continue // absent
		}
		if err := checkNumericDate(t.raw); err != nil {
			return fmt.Errorf("claim %s: %w", t.name, err)
		}
	}
	type plain claims // without this method
	return json.Unmarshal(b, (*plain)(c))
}

// checkNumericDate accepts a JSON number of seconds between 0 and the year 9999.
func checkNumericDate(raw json.RawMessage) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || (raw[0] != '-' && (raw[0] < '0' || raw[0] > '9')) {
		return fmt.Errorf("want a number of seconds, got %.20s", raw)
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || f < 0 || f > latestNumericDate {
		return fmt.Errorf("want a number of seconds between 0 and the year 9999, got %.20s", raw)
	}
	return nil
}

// Role verifies a token and returns its role.
func (j *JWT) Role(token string) (Role, bool) {
	role, _, ok := j.identify(token)
	return role, ok
}

// identify verifies a token and returns its role and "jwt:" with its subject.
func (j *JWT) identify(token string) (Role, string, bool) {
	if j == nil || strings.Count(token, ".") != 2 {
		return Anonymous, "", false
	}
	var methods []string
	if j.secret != nil {
		methods = append(methods, "HS256")
	}
	if len(j.keys) > 0 {
		methods = append(methods, "RS256")
	}
	now := time.Now
	if j.now != nil {
		now = j.now
	}
	// The leeway is for the issuer's clock running ahead (iat, nbf); exp is checked
	// again below without it.
	opts := []jwt.ParserOption{jwt.WithValidMethods(methods), jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(), jwt.WithLeeway(ClockSkew), jwt.WithTimeFunc(now)}
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
		if !c.ExpiresAt.After(now()) {
			return Anonymous, "", false // expired, within the leeway
		}
		best := Anonymous
		for _, name := range append(c.Roles, c.Role) {
			if r, err := ParseRole(name); err == nil {
				best = max(best, r)
			}
		}
		return best, "jwt:" + c.Subject, best != Anonymous
	}
	return Anonymous, "", false
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
