package ratelimit

import (
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/teemaverkko/teemaverkko/internal/auth"
)

// KeyOptions say how KeyFunc tells clients apart.
type KeyOptions struct {
	// ProxyHops is the number of trusted reverse proxies in front of the server, each
	// appending the address it was called from to X-Forwarded-For. With 0 (the default)
	// the header is ignored: clients can write anything in it. With n, the client is
	// the n-th address from the right (the one the outermost trusted proxy saw).
	ProxyHops int
	// Tokens, when set, are the accepted bearer tokens: only a request with one of them
	// is keyed by its token; any other is keyed by its address, so that a client cannot
	// escape its limit by inventing a new token for every request. Without Tokens every
	// bearer token keys its requests (use that only when something in front of the
	// limiter has already refused invalid tokens).
	Tokens *auth.Tokens
}

// ClientKey keys a request by its bearer token's hash when it has one, otherwise by its
// remote address (r.RemoteAddr; X-Forwarded-For is not trusted). It does not check the
// token: prefer KeyFunc with KeyOptions.Tokens.
func ClientKey(r *http.Request) string { return KeyFunc(KeyOptions{})(r) }

// ClientKeyBehindProxy is ClientKey for a server behind one trusted reverse proxy
// (trusted true: the client is the last address of X-Forwarded-For); with trusted false
// it is ClientKey.
func ClientKeyBehindProxy(trusted bool) func(*http.Request) string {
	hops := 0
	if trusted {
		hops = 1
	}
	return KeyFunc(KeyOptions{ProxyHops: hops})
}

// KeyFunc returns a function that keys a request by its bearer token ("token:" and the
// token's SHA-256) or else by the client's address ("ip:" and the address; an IPv6
// client by its /64 network, which one subscriber usually holds whole).
func KeyFunc(opts KeyOptions) func(*http.Request) string {
	return func(r *http.Request) string {
		if token, ok := bearer(r); ok && (opts.Tokens == nil || valid(opts.Tokens, token)) {
			h := sha256.Sum256([]byte(token))
			return "token:" + hex.EncodeToString(h[:])
		}
		return "ip:" + clientIP(r, opts.ProxyHops)
	}
}

func valid(t *auth.Tokens, token string) bool {
	_, ok := t.Role(token)
	return ok
}

// bearer returns the request's bearer token.
func bearer(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", false
	}
	return token, true
}

// clientIP returns the client's address: from X-Forwarded-For when hops proxies are
// trusted and the header has enough entries, otherwise from the connection.
func clientIP(r *http.Request, hops int) string {
	if hops > 0 {
		var addrs []string
		for _, h := range r.Header.Values("X-Forwarded-For") {
			for _, a := range strings.Split(h, ",") {
				addrs = append(addrs, strings.TrimSpace(a))
			}
		}
		if len(addrs) >= hops {
			if ip, ok := parseIP(addrs[len(addrs)-hops]); ok {
				return ip
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if ip, ok := parseIP(host); ok {
		return ip
	}
	return host
}

// parseIP normalises an address: IPv4 (also when mapped into IPv6) as is, IPv6 as its
// /64 network.
func parseIP(s string) (string, bool) {
	ip, err := netip.ParseAddr(strings.Trim(s, "[]"))
	if err != nil {
		ap, err := netip.ParseAddrPort(s) // some proxies add the port
		if err != nil {
			return "", false
		}
		ip = ap.Addr()
	}
	ip = ip.Unmap().WithZone("")
	if ip.Is6() {
		p, err := ip.Prefix(64)
		if err != nil {
			return "", false
		}
		return p.String(), true
	}
	return ip.String(), true
}
