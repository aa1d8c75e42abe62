package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/bench/queryset"
	"github.com/teemaverkko/teemaverkko/internal/search"
	"github.com/teemaverkko/teemaverkko/internal/synth"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// queryStatements are the SQL statements of one query of the set: per request, or per
// page of a paginated walk.
type queryStatements struct {
	perPage []int64
}

// TestQuerySetStatementCount runs every query of bench/queries (the load tool's query
// set) through the real handler over two synthetic knowledge bases of different sizes,
// on both databases, and requires each query to send the same number of SQL statements
// at both sizes: the number depends on the query's shape, never on the rows. A
// paginated walk is counted page by page, with pages of 2 so that it has several.
func TestQuerySetStatementCount(t *testing.T) {
	t.Parallel() // long, and its statements are counted on a client of its own
	queries, err := queryset.Load("../bench/queries")
	if err != nil {
		t.Fatal(err)
	}
	scales := []float64{0.02, 0.05}
	for _, dialect := range testdb.Dialects {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			counts := make([]map[string]queryStatements, len(scales))
			for i, scale := range scales {
				db := testdb.Open(t, dialect)
				if err := search.Migrate(ctx, db); err != nil {
					t.Fatal(err)
				}
				if _, err := synth.Generate(ctx, db.Client(), synth.Options{Scale: scale, Seed: 1}); err != nil {
					t.Fatal(err)
				}
				client, c := countingClient(db)
				srv := apiServer(t, client)
				post := queryset.HTTPPoster(srv.Client(), srv.URL)
				counts[i] = map[string]queryStatements{}
				for _, orig := range queries {
					// A copy: Prepare binds variables into it.
					q := *orig
					q.Variables = maps.Clone(orig.Variables)
					if err := q.Prepare(ctx, post); err != nil {
						t.Fatalf("scale %v: %v", scale, err)
					}
					if q.Paginate != "" {
						q.Variables["first"] = 2
					}
					checkNonEmpty(t, ctx, &q, post)
					var st queryStatements
					c.reset()
					pages, err := q.Run(ctx, post, func(int) {
						st.perPage = append(st.perPage, c.value())
						c.reset()
					})
					if err != nil {
						t.Fatalf("scale %v: %s: %v", scale, q.Name, err)
					}
					if q.Paginate != "" && pages < 2 {
						t.Fatalf("scale %v: %s: a walk of %d pages", scale, q.Name, pages)
					}
					counts[i][q.Name] = st
					t.Logf("scale %v: %-8s %v statements per page", scale, q.Name, st.perPage)
				}
			}
			for _, q := range queries {
				small, large := counts[0][q.Name].perPage, counts[1][q.Name].perPage
				// A search over every type loads the nodes of its page with one
				// statement per type there: up to len(search.Types())-1 more or fewer.
				slack := int64(0)
				if strings.Contains(q.Text, "search(") && !strings.Contains(q.Text, "types:") {
					slack = int64(len(search.Types()) - 1)
				}
				for _, n := range append(small[1:], large...) {
					if n > small[0]+slack || n < small[0]-slack {
						t.Errorf("%s: statements per page %v at scale %v, %v at scale %v; want all equal",
							q.Name, small, scales[0], large, scales[1])
						break
					}
				}
			}
		})
	}
}

// checkNonEmpty fails the test when the query's first page has no data to speak of:
// a statement count over empty results proves nothing.
func checkNonEmpty(t *testing.T, ctx context.Context, q *queryset.Query, post queryset.Poster) {
	t.Helper()
	r, _, _, err := q.Page(ctx, post, "")
	if err != nil {
		t.Fatalf("%s: %v", q.Name, err)
	}
	var data map[string]any
	if err := json.Unmarshal(r.Data, &data); err != nil {
		t.Fatal(err)
	}
	if n := countObjects(data); n < 3 {
		t.Fatalf("%s: only %d objects in %s", q.Name, n, r.Data)
	}
	if q.Name == "nested" {
		// Every level has rows: the third level is reached.
		var nested struct {
			Themes struct {
				Edges []struct {
					Node struct {
						Outcomes struct {
							Edges []struct {
								Node struct {
									Municipalities struct{ TotalCount int }
								}
							}
						}
					}
				}
			}
		}
		if err := json.Unmarshal(r.Data, &nested); err != nil {
			t.Fatal(err)
		}
		found := false
		for _, th := range nested.Themes.Edges {
			for _, o := range th.Node.Outcomes.Edges {
				found = found || o.Node.Municipalities.TotalCount > 0
			}
		}
		if !found {
			t.Fatalf("nested: no outcome with municipalities in %s", fmt.Sprintf("%.300s", r.Data))
		}
	}
}

// countObjects counts the JSON objects in v.
func countObjects(v any) int {
	switch x := v.(type) {
	case map[string]any:
		n := 1
		for _, y := range x {
			n += countObjects(y)
		}
		return n
	case []any:
		n := 0
		for _, y := range x {
			n += countObjects(y)
		}
		return n
	}
	return 0
}
