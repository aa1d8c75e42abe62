package auth

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestStaticTokens(t *testing.T) {
	tok, entry := New(Editor)
	ts, err := ParseTokens(entry + "\n# a comment\n")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		token string
		role  Role
		ok    bool
	}{{tok, Editor, true}, {tok + "x", Anonymous, false}, {"", Anonymous, false}} {
		if r, ok := ts.Role(tc.token); r != tc.role || ok != tc.ok {
			t.Errorf("Role(%q) = %v %v, want %v %v", tc.token, r, ok, tc.role, tc.ok)
		}
	}
	for _, bad := range []string{"editor", "boss:" + entry[7:], "admin:abc"} {
		if _, err := ParseTokens(bad); err == nil {
			t.Errorf("ParseTokens(%q) accepted", bad)
		}
	}
}

func TestJWT(t *testing.T) {
	secret := "a-shared-secret-of-at-least-32-bytes!"
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	keyFile := filepath.Join(t.TempDir(), "pub.pem")
	_ = os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o600)
	j, err := NewJWT(JWTConfig{HS256Secret: secret, RS256PublicKeyFiles: []string{keyFile}, Issuer: "idp", Audience: "teemaverkko"})
	if err != nil || j == nil {
		t.Fatalf("NewJWT: %v", err)
	}
	ts := &Tokens{JWT: j}
	sign := func(method jwt.SigningMethod, k any, c jwt.MapClaims) string {
		s, err := jwt.NewWithClaims(method, c).SignedString(k)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	future := time.Now().Add(time.Hour).Unix()
	base := func(extra jwt.MapClaims) jwt.MapClaims {
		c := jwt.MapClaims{"iss": "idp", "aud": "teemaverkko", "exp": future}
		for k, v := range extra {
			c[k] = v
		}
		return c
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	for _, tc := range []struct {
		name  string
		token string
		role  Role
		ok    bool
	}{
		{"HS256 editor", sign(jwt.SigningMethodHS256, []byte(secret), base(jwt.MapClaims{"role": "editor"})), Editor, true},
		{"RS256 roles list", sign(jwt.SigningMethodRS256, key, base(jwt.MapClaims{"roles": []string{"reader", "admin"}})), Admin, true},
		{"wrong secret", sign(jwt.SigningMethodHS256, []byte("another-secret-of-at-least-32-bytes"), base(jwt.MapClaims{"role": "admin"})), Anonymous, false},
		{"wrong RSA key", sign(jwt.SigningMethodRS256, other, base(jwt.MapClaims{"role": "admin"})), Anonymous, false},
		{"expired", sign(jwt.SigningMethodHS256, []byte(secret), jwt.MapClaims{"iss": "idp", "aud": "teemaverkko", "exp": time.Now().Add(-time.Hour).Unix(), "role": "admin"}), Anonymous, false},
		{"no expiry", sign(jwt.SigningMethodHS256, []byte(secret), jwt.MapClaims{"iss": "idp", "aud": "teemaverkko", "role": "admin"}), Anonymous, false},
		{"wrong audience", sign(jwt.SigningMethodHS256, []byte(secret), jwt.MapClaims{"iss": "idp", "aud": "other", "exp": future, "role": "admin"}), Anonymous, false},
		{"unknown role", sign(jwt.SigningMethodHS256, []byte(secret), base(jwt.MapClaims{"role": "root"})), Anonymous, false},
		{"alg none", sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, base(jwt.MapClaims{"role": "admin"})), Anonymous, false},
	} {
		if r, ok := ts.Role(tc.token); r != tc.role || ok != tc.ok {
			t.Errorf("%s: Role = %v %v, want %v %v", tc.name, r, ok, tc.role, tc.ok)
		}
	}
}

// TestJWTHostileTimeClaims signs tokens whose time claims are of the wrong type, out of
// range or in the wrong place in time, with the right key, issuer, audience and role:
// each must be refused. Those marked guard were refused before the fix too; they keep
// the leeway from loosening exp and the type checks from loosening what worked.
func TestJWTHostileTimeClaims(t *testing.T) {
	secret := "a-shared-secret-of-at-least-32-bytes!"
	now := time.Now()
	j, err := NewJWT(JWTConfig{HS256Secret: secret, Issuer: "idp", Audience: "teemaverkko"})
	if err != nil {
		t.Fatal(err)
	}
	j.now = func() time.Time { return now }
	ts := &Tokens{JWT: j}
	at := func(d time.Duration) int64 { return now.Add(d).Unix() }
	token := func(c jwt.MapClaims) string {
		full := jwt.MapClaims{"iss": "idp", "aud": "teemaverkko", "role": "admin", "exp": at(time.Hour)}
		for k, v := range c {
			if v == nil {
				delete(full, k)
				continue
			}
			full[k] = v
		}
		s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, full).SignedString([]byte(secret))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	// raw signs a payload written by hand (for JSON null, which MapClaims cannot tell from
	// an absent claim here).
	raw := func(payload string) string {
		head := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{})
		h, _ := json.Marshal(head.Header)
		enc := func(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
		unsigned := enc(h) + "." + enc([]byte(payload))
		sig, err := jwt.SigningMethodHS256.Sign(unsigned, []byte(secret))
		if err != nil {
			t.Fatal(err)
		}
		return unsigned + "." + enc(sig)
	}
	for _, tc := range []struct {
		name  string
		token string
		guard bool // refused before the fix as well
	}{
		{"exp a string of digits", token(jwt.MapClaims{"exp": strconv.FormatInt(at(time.Hour), 10)}), false},
		{"exp a string of a float", token(jwt.MapClaims{"exp": strconv.FormatInt(at(time.Hour), 10) + ".5"}), false},
		{"iat a string of digits", token(jwt.MapClaims{"iat": strconv.FormatInt(at(-time.Hour), 10)}), false},
		{"nbf a string of digits", token(jwt.MapClaims{"nbf": strconv.FormatInt(at(-time.Hour), 10)}), false},
		{"iat an hour ahead", token(jwt.MapClaims{"iat": at(time.Hour)}), false},
		{"iat just beyond the clock skew", token(jwt.MapClaims{"iat": at(ClockSkew + 5*time.Second)}), false},
		{"iat in the year 9999+", token(jwt.MapClaims{"iat": 1e300}), false},
		{"nbf huge (would wrap into the past)", token(jwt.MapClaims{"nbf": 1e300}), false},
		{"nbf 2^63 s (would wrap into the past)", raw(`{"iss":"idp","aud":"teemaverkko","role":"admin","exp":` + strconv.FormatInt(at(time.Hour), 10) + `,"nbf":9223372036854775808}`), false},
		{"iat negative", token(jwt.MapClaims{"iat": -1}), false},
		{"exp just passed, within the clock skew", token(jwt.MapClaims{"exp": at(-time.Second)}), true},
		{"exp now", token(jwt.MapClaims{"exp": now.Unix()}), true},
		{"exp an hour ago", token(jwt.MapClaims{"exp": at(-time.Hour)}), true},
		{"exp a word", token(jwt.MapClaims{"exp": "tomorrow"}), true},
		{"exp true", token(jwt.MapClaims{"exp": true}), true},
		{"exp an object", token(jwt.MapClaims{"exp": map[string]any{"seconds": at(time.Hour)}}), true},
		{"exp null", raw(`{"iss":"idp","aud":"teemaverkko","role":"admin","exp":null}`), true},
		{"exp missing", token(jwt.MapClaims{"exp": nil}), true},
		{"nbf an hour ahead", token(jwt.MapClaims{"nbf": at(time.Hour)}), true},
		{"nbf a word", token(jwt.MapClaims{"nbf": "now"}), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r, ok := ts.Role(tc.token); ok || r != Anonymous {
				t.Errorf("accepted as %v", r)
			}
		})
	}
	// What the checks must still let through.
	for _, tc := range []struct {
		name  string
		token string
	}{
		{"numeric claims", token(jwt.MapClaims{"iat": at(-time.Minute), "nbf": at(-time.Minute)})},
		{"iat and nbf within the clock skew", token(jwt.MapClaims{"iat": at(ClockSkew - 5*time.Second), "nbf": at(ClockSkew - 5*time.Second)})},
		{"fractional seconds", raw(`{"iss":"idp","aud":"teemaverkko","role":"admin","exp":` + strconv.FormatInt(at(time.Hour), 10) + `.25,"iat":` + strconv.FormatInt(at(-time.Minute), 10) + `.5}`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r, ok := ts.Role(tc.token); !ok || r != Admin {
				t.Errorf("Role = %v %v, want admin", r, ok)
			}
		})
	}
}

// TestRequire checks the HTTP form of the role rule used by routes other than /graphql.
func TestRequire(t *testing.T) {
	reader, re := New(Reader)
	editor, ee := New(Editor)
	ts, err := ParseTokens(re + "," + ee)
	if err != nil {
		t.Fatal(err)
	}
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(RoleFrom(r.Context()).String()))
	})
	for _, tc := range []struct {
		need   Role
		method string
		authz  string
		status int
		code   string
	}{
		{Anonymous, "GET", "", 200, ""},
		{Anonymous, "GET", "Bearer nonsense", 200, ""}, // as /graphql serves a query
		{Reader, "GET", "", 401, CodeUnauthenticated},
		{Reader, "GET", "Bearer nonsense", 401, CodeUnauthenticated},
		{Reader, "GET", "Token " + reader, 401, CodeUnauthenticated},
		{Reader, "GET", "Bearer " + reader, 200, ""},
		{Reader, "OPTIONS", "", 200, ""}, // a CORS preflight carries no credentials
		{Editor, "GET", "Bearer " + reader, 403, CodeForbidden},
		{Editor, "GET", "bearer " + editor, 200, ""},
	} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(tc.method, "/export/network", nil)
		if tc.authz != "" {
			req.Header.Set("Authorization", tc.authz)
		}
		ts.Require(tc.need, ok).ServeHTTP(rec, req)
		var body struct {
			Errors []struct {
				Extensions map[string]any `json:"extensions"`
			} `json:"errors"`
		}
		_ = json.Unmarshal(rec.Body.Bytes(), &body)
		code := ""
		if len(body.Errors) > 0 {
			code, _ = body.Errors[0].Extensions["code"].(string)
		}
		if rec.Code != tc.status || code != tc.code || (tc.status == 401) != (rec.Header().Get("WWW-Authenticate") == "Bearer") {
			t.Errorf("need %v, %s %q: %d %q %q, want %d %q", tc.need, tc.method, tc.authz, rec.Code, code, rec.Body.String(), tc.status, tc.code)
		}
	}
}
