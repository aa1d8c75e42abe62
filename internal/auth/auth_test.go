package auth

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
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
