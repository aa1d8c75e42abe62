package graph_test

import (
	"testing"

	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// TestStatementCountVariants checks that the statement count of nested queries does not
// grow with the rows, across the shapes clients write: only totalCount, no first (the
// default page), last, where and orderBy on nested connections, aliases, fragments,
// pageInfo.
func TestStatementCountVariants(t *testing.T) {
	t.Parallel() // long, and its statements are counted on a client of its own
	qs := map[string]string{
		"nodes":     `{ themes(first: 10) { totalCount edges { node { name outcomes(first: 5) { totalCount edges { node { text municipalities(first: 3) { totalCount edges { node { name } } } } } } } } } }`,
		"countOnly": `{ themes(first: 10) { edges { node { name outcomes { totalCount } } } } }`,
		"noFirst":   `{ themes { edges { node { name outcomes { totalCount edges { node { text municipalities { totalCount } } } } } } } }`,
		"last":      `{ themes(last: 10) { edges { node { name outcomes(last: 2) { totalCount edges { node { text } } } } } } }`,
		"where":     `{ themes(first: 10) { edges { node { name outcomes(first: 2, where: {kind: INSIGHT}) { totalCount edges { node { text } } } } } } }`,
		"order":     `{ themes(first: 10) { edges { node { name outcomes(first: 2, orderBy: [{field: TEXT, direction: DESC}]) { totalCount edges { node { text } } } } } } }`,
		"alias":     `{ themes(first: 10) { edges { node { a: outcomes(first: 2) { totalCount } b: outcomes(first: 3) { totalCount edges { node { text } } } } } } }`,
		"frag":      `{ themes(first: 10) { edges { node { ...F } } } } fragment F on Theme { outcomes(first: 2) { totalCount edges { node { seminar { title } themes(first: 2) { totalCount edges { node { slug } } } } } } }`,
		"pageInfo":  `{ themes(first: 10) { pageInfo { hasNextPage } edges { node { outcomes(first: 2) { pageInfo { hasNextPage endCursor } edges { node { text } } } } } } }`,
	}
	for _, d := range testdb.Dialects {
		for name, q := range qs {
			t.Run(d+"/"+name, func(t *testing.T) { requireConstantStatements(t, d, q) })
		}
	}
}

// requireConstantStatements runs a query over a small and a larger fillNested data set of
// the dialect and fails when the second sends more SQL statements than the first.
func requireConstantStatements(t *testing.T, dialect, query string) {
	t.Helper()
	var counts []int64
	for _, size := range [][3]int{{3, 2, 2}, {12, 9, 4}} {
		client, c := countingClient(testdb.Open(t, dialect))
		fillNested(t, client, size[0], size[1], size[2])
		srv := apiServer(t, client)
		c.reset()
		mustPost(t, srv, query, nil, nil)
		counts = append(counts, c.value())
	}
	if counts[0] != counts[1] {
		t.Fatalf("statements grow with the data: %v", counts)
	}
}
