package graph

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// TestEncodeResponse checks that a response written without re-encoding its data reads
// back the same as json.Marshal's encoding of it.
func TestEncodeResponse(t *testing.T) {
	cases := []struct {
		name string
		body any
	}{
		{"data", &graphql.Response{Data: json.RawMessage(`{"themes":{"edges":[{"node":{"name":"<Kunta & talous>"}}]}}`)}},
		{"data and errors", &graphql.Response{Data: json.RawMessage(`{"node":null}`),
			Errors: gqlerror.List{{Message: "not found", Path: ast.Path{ast.PathName("node")}}}}},
		{"extensions", &graphql.Response{Data: json.RawMessage(`{"a":1}`), Extensions: map[string]any{"cost": 3}}},
		{"no data", &graphql.Response{Errors: gqlerror.List{{Message: "bad"}}}},
		{"other body", map[string]any{"errors": []string{"x"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := encodeResponse(tc.body)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := json.Marshal(tc.body)
			var g, w any
			if err := json.Unmarshal(got, &g); err != nil {
				t.Fatalf("invalid JSON %s: %v", got, err)
			}
			_ = json.Unmarshal(want, &w)
			if !reflect.DeepEqual(g, w) {
				t.Fatalf("got %s, want %s", got, want)
			}
		})
	}
}
