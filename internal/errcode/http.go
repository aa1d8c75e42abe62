package errcode

import (
	"encoding/json"
	"net/http"
)

// WriteHTTP answers a request that is refused outside GraphQL execution (by HTTP
// middleware, or on a route that is not /graphql) with status and a GraphQL-shaped JSON
// body, {"errors":[{"message":…,"extensions":{"code":…}}]}, so that clients read every
// refusal the same way. extra adds extensions (for example retryAfter).
func WriteHTTP(w http.ResponseWriter, status int, code, message string, extra ...any) {
	ext := map[string]any{"code": code}
	for i := 0; i+1 < len(extra); i += 2 {
		if k, ok := extra[i].(string); ok {
			ext[k] = extra[i+1]
		}
	}
	body, err := json.Marshal(map[string]any{"errors": []any{map[string]any{"message": message, "extensions": ext}}})
	if err != nil { // cannot happen: the body is made of strings and numbers
		body = []byte(`{"errors":[{"message":"refused"}]}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}
