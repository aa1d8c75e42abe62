package apierr

import (
	"encoding/json"
	"net/http"
)

// WriteHTTP answers a request that is refused outside GraphQL execution (by HTTP
// middleware, or on a route that is not /graphql) with status and a GraphQL-shaped JSON
// body, {"errors":[{"message":…,"extensions":{"code":…}}]}, so that clients read every
// refusal the same way.
func WriteHTTP(w http.ResponseWriter, status int, code, message string) {
	body, err := json.Marshal(map[string]any{"errors": []any{map[string]any{
		"message": message, "extensions": map[string]any{"code": code},
	}}})
	if err != nil { // cannot happen: the body is made of strings
		body = []byte(`{"errors":[{"message":"refused"}]}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}
