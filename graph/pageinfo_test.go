package graph_test

import (
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// TestPageInfoWithoutCount checks that a connection counts its rows only when totalCount
// is asked for (or pageInfo without edges): pageInfo comes from the page's own rows, and
// is right, at the top level and nested, forwards and backwards.
func TestPageInfoWithoutCount(t *testing.T) {
	cases := []struct {
		name, query string
		count       bool   // whether a COUNT statement is expected
		want        string // the JSON response must contain this
	}{
		{"first page", `{ themes(first: 2) { pageInfo { hasNextPage hasPreviousPage } edges { node { id } } } }`,
			false, `"pageInfo":{"hasNextPage":true,"hasPreviousPage":false}`},
		{"whole list", `{ themes(first: 100) { pageInfo { hasNextPage } edges { node { id } } } }`,
			false, `"pageInfo":{"hasNextPage":false}`},
		{"last", `{ themes(last: 2) { pageInfo { hasNextPage hasPreviousPage } edges { node { id } } } }`,
			false, `"pageInfo":{"hasNextPage":false,"hasPreviousPage":true}`},
		{"nested", `{ themes(first: 1) { edges { node { outcomes(first: 2) { pageInfo { hasNextPage } edges { node { id } } } } } } }`,
			false, `"pageInfo":{"hasNextPage":true}`},
		{"nested whole", `{ themes(first: 1) { edges { node { outcomes(first: 100) { pageInfo { hasNextPage } edges { node { id } } } } } } }`,
			false, `"pageInfo":{"hasNextPage":false}`},
		{"totalCount", `{ themes(first: 2) { totalCount pageInfo { hasNextPage } edges { node { id } } } }`,
			true, `"totalCount":12`},
		{"pageInfo alone", `{ themes(first: 2) { pageInfo { hasNextPage } } }`,
			true, `"pageInfo":{"hasNextPage":true}`},
	}
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		client, c := countingClient(db)
		fillNested(t, client, 12, 9, 2)
		srv := apiServer(t, client)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				c.reset()
				var data any
				mustPost(t, srv, tc.query, nil, &data)
				if got := string(mustJSON(data)); !strings.Contains(got, tc.want) {
					t.Fatalf("response %s lacks %s", got, tc.want)
				}
				counted := false
				for _, s := range c.Statements() {
					if strings.Contains(strings.ToUpper(s), "COUNT(") {
						counted = true
					}
				}
				if counted != tc.count {
					t.Fatalf("COUNT statement sent: %v, want %v; statements:\n%s", counted, tc.count, strings.Join(c.Statements(), "\n"))
				}
			})
		}
	})
}
