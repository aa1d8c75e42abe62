package search_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/search"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// TestBoundedSearch checks the bounds of a search with more hits than it ranks and
// counts: the count stops at CountCap and says so exactly when there are more hits, and
// a node named by the query ranks first although it was written after CountCap nodes
// that only mention the word (it is not among the first matches the index returns).
func TestBoundedSearch(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		if err := search.Migrate(ctx, db); err != nil {
			t.Fatalf("Migrate: %v", err)
		}
		c := db.Client()
		// CountCap themes that mention both words, then one named by one of them.
		bulk := make([]*ent.ThemeCreate, search.CountCap)
		for i := range bulk {
			bulk[i] = c.Theme.Create().SetSlug(fmt.Sprintf("aihe-%d", i)).SetName(fmt.Sprintf("Aihe %d", i)).
				SetDescription("Tavoitteena on kestävä elinvoima ja uusi tulevaisuus.")
		}
		if err := c.Theme.CreateBulk(bulk...).Exec(ctx); err != nil {
			t.Fatalf("create themes: %v", err)
		}
		named, err := c.Theme.Create().SetSlug("elinvoima").SetName("Elinvoima").SetDescription("Kunnan voimavarat.").Save(ctx)
		if err != nil {
			t.Fatalf("create theme: %v", err)
		}
		for _, tc := range []struct {
			text       string
			total      int
			lowerBound bool
			first      string
		}{
			{"elinvoima", search.CountCap, true, string(named.ID)}, // CountCap+1 hits
			{"tulevaisuus", search.CountCap, false, ""},            // exactly CountCap
			{"kestävä elinvoima", search.CountCap, false, ""},      // both words: exactly CountCap
			{"elinvoima -tulevaisuus", 1, false, string(named.ID)}, // the exclusion leaves one
			{"elinvoima OR voimavarat", search.CountCap, true, string(named.ID)},
		} {
			rs, err := search.Search(ctx, db, search.Query{Text: tc.text, First: 10})
			if err != nil {
				t.Fatalf("%q: %v", tc.text, err)
			}
			if rs.TotalCount != tc.total || rs.TotalCountIsLowerBound != tc.lowerBound {
				t.Errorf("%q: totalCount %d, lower bound %v; want %d, %v", tc.text, rs.TotalCount, rs.TotalCountIsLowerBound, tc.total, tc.lowerBound)
			}
			if tc.first != "" && (len(rs.Hits) == 0 || rs.Hits[0].ID != tc.first) {
				t.Errorf("%q: first hit %v, want the theme named Elinvoima", tc.text, rs.Hits)
			}
			if want := min(10, tc.total); len(rs.Hits) != want || rs.HasNextPage != (tc.total > 10) {
				t.Errorf("%q: %d hits, next page %v; want %d, %v", tc.text, len(rs.Hits), rs.HasNextPage, want, tc.total > 10)
			}
		}
	})
}
