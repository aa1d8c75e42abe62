package graph_test

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"

	"entgo.io/contrib/entgql"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/internal/database"
)

// cursorOf encodes a cursor as the server would, whatever its content.
func cursorOf(id pulid.ID, value any) string {
	var b bytes.Buffer
	entgql.Cursor[pulid.ID]{ID: id, Value: value}.MarshalGQL(&b)
	return strings.Trim(b.String(), `"`)
}

// TestHandMadeCursors: cursors a client made or altered (not base64, not msgpack, a
// value of the wrong shape, nested lists and maps, another type's ID) answer
// BAD_USER_INPUT naming the argument, in words that do not quote the decoder, and never
// INTERNAL.
func TestHandMadeCursors(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, client *ent.Client) {
		srv := apiServer(t, client)
		id := pulid.ID("th01ARZ3NDEKTSV4RRFFQ69G5FAV")
		for _, tc := range []struct {
			name, query, cursor, field string
		}{
			{"not base64", `query($c: Cursor) { themes(first: 2, after: $c) { totalCount } }`, "!!!", "after"},
			{"base64 of nothing msgpack", `query($c: Cursor) { themes(first: 2, after: $c) { totalCount } }`, base64.RawStdEncoding.EncodeToString([]byte("hello")), "after"},
			{"a map as the value, ordered", `query($c: Cursor) { themes(first: 2, after: $c, orderBy: [{field: NAME}]) { totalCount edges { cursor } } }`, cursorOf(id, []any{map[string]any{"a": 1}}), "after"},
			{"a map as the value", `query($c: Cursor) { themes(first: 2, after: $c, orderBy: {field: NAME}) { totalCount edges { cursor } } }`, cursorOf(id, map[string]any{"a": 1}), "after"},
			{"nested lists", `query($c: Cursor) { themes(first: 2, after: $c, orderBy: [{field: NAME}]) { totalCount edges { cursor } } }`, cursorOf(id, []any{[]any{1, []any{2}}}), "after"},
			{"before, a map", `query($c: Cursor) { themes(last: 2, before: $c, orderBy: [{field: NAME}]) { totalCount edges { cursor } } }`, cursorOf(id, []any{map[string]any{"x": []any{1}}}), "before"},
			{"nested, in a nested connection", `query($c: Cursor) { themes(first: 1) { edges { node { outcomes(first: 2, after: $c, orderBy: [{field: SEMINAR_DATE}]) { totalCount edges { cursor } } } } } }`, cursorOf(id, []any{map[string]any{"a": 1}}), "after"},
			{"an empty ID", `query($c: Cursor) { themes(first: 2, after: $c) { edges { cursor } } }`, "gaFpoA", "after"},
			{"another type's ID", `query($c: Cursor) { themes(first: 2, after: $c) { edges { cursor } } }`, cursorOf("se01ARZ3NDEKTSV4RRFFQ69G5FAV", nil), "after"},
			{"a malformed ID", `query($c: Cursor) { themes(first: 2, after: $c) { edges { cursor } } }`, cursorOf("th01!!!!", nil), "after"},
			{"a huge ID", `query($c: Cursor) { themes(first: 2, after: $c) { edges { cursor } } }`, cursorOf(pulid.ID("th01"+strings.Repeat("Z", 5000)), nil), "after"},
			{"a boolean value", `query($c: Cursor) { networkTerms(first: 2, after: $c, orderBy: [{field: NUMBER}]) { edges { cursor } } }`, cursorOf("nt01ARZ3NDEKTSV4RRFFQ69G5FAV", []any{true}), "after"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := post(t, srv, tc.query, map[string]any{"c": tc.cursor}, nil)
				if len(r.Errors) == 0 {
					t.Fatalf("no error")
				}
				e := r.Errors[0]
				t.Logf("%s: %v %v", tc.name, e.Message, e.Extensions)
				if r.code() != "BAD_USER_INPUT" || e.Extensions["field"] != tc.field {
					t.Errorf("error %+v, want BAD_USER_INPUT on %s", e, tc.field)
				}
				for _, leak := range []string{"msgpack", "base64", "sql", "converting", "unsupported type"} {
					if strings.Contains(strings.ToLower(e.Message), leak) {
						t.Errorf("message %q quotes %q", e.Message, leak)
					}
				}
			})
		}
	})
}
