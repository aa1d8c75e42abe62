package search_test

import (
	"context"
	"slices"
	"testing"

	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/search"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// idsOf returns the IDs of the rows of table whose col equals value.
func idsOf(t *testing.T, db *database.DB, table, col, value string) []string {
	t.Helper()
	rows, err := db.SQL.QueryContext(context.Background(), "SELECT id FROM "+table+" WHERE "+col+" = "+placeholder(db), value)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	if len(out) == 0 {
		t.Fatalf("no %s with %s = %q", table, col, value)
	}
	return out
}

// TestSyntaxAndDates checks phrases, OR, exclusion and the date filter on the seed
// knowledge, on both databases.
func TestSyntaxAndDates(t *testing.T) {
	for _, dia := range testdb.Dialects {
		t.Run(dia, func(t *testing.T) {
			db := seeded(t, dia, false)
			ctx := context.Background()
			hits := func(q search.Query) []search.Hit {
				t.Helper()
				q.First = 100
				rs, err := search.Search(ctx, db, q)
				if err != nil {
					t.Fatalf("%q: %v", q.Text, err)
				}
				return rs.Hits
			}
			has := func(hs []search.Hit, ids []string) bool {
				return slices.ContainsFunc(hs, func(h search.Hit) bool { return slices.Contains(ids, h.ID) })
			}
			theme := func(name string) []string { return idsOf(t, db, "themes", "name", name) }
			expert := func(name string) []string { return idsOf(t, db, "experts", "name", name) }
			seminar := func(title string) []string { return idsOf(t, db, "seminars", "title", title) }

			cases := []struct {
				name      string
				q         search.Query
				want, not [][]string
				first     []string
			}{
				{"phrase", search.Query{Text: `"tulevaisuuden kunta"`},
					[][]string{theme("Tulevaisuuden kunta")}, [][]string{theme("Tulevaisuuden kuntakuvat")}, theme("Tulevaisuuden kunta")},
				{"words without quotes", search.Query{Text: `tulevaisuuden kunta`},
					[][]string{theme("Tulevaisuuden kunta"), theme("Tulevaisuuden kuntakuvat")}, nil, theme("Tulevaisuuden kunta")},
				{"OR", search.Query{Text: `Majoinen OR Stenvall`},
					[][]string{expert("Kaija Majoinen"), expert("Jari Stenvall")}, nil, nil},
				{"OR of inflected forms", search.Query{Text: `Majoisen OR Stenvallin`},
					[][]string{expert("Kaija Majoinen"), expert("Jari Stenvall")}, nil, nil},
				{"exclusion", search.Query{Text: `johtaminen -muutosten`},
					[][]string{theme("Strateginen johtaminen")}, [][]string{theme("Muutosten johtaminen"), theme("Muutosten johtaminen välitilassa")}, nil},
				{"excluded phrase", search.Query{Text: `johtaminen -"muutosten johtaminen"`},
					[][]string{theme("Strateginen johtaminen")}, [][]string{theme("Muutosten johtaminen")}, nil},
				{"from", search.Query{Text: "seminaari", From: "2017-01-01"},
					[][]string{seminar("USO-verkoston käynnistysseminaari")}, [][]string{seminar("USO-verkostoprojektin vuoden kolmas teemaseminaari")}, nil},
				{"to", search.Query{Text: "seminaari", To: "2016-12-31"},
					[][]string{seminar("USO-verkostoprojektin vuoden kolmas teemaseminaari")}, [][]string{seminar("USO-verkoston käynnistysseminaari")}, nil},
				{"range", search.Query{Text: "seminaari", From: "2016-05-11", To: "2016-05-11"},
					[][]string{seminar("USO-verkostoprojektin vuoden kolmas teemaseminaari")}, [][]string{seminar("USO-verkoston käynnistysseminaari")}, nil},
			}
			for _, c := range cases {
				hs := hits(c.q)
				for _, w := range c.want {
					if !has(hs, w) {
						t.Errorf("%s (%q): %v not found", c.name, c.q.Text, w)
					}
				}
				for _, n := range c.not {
					if has(hs, n) {
						t.Errorf("%s (%q): %v found", c.name, c.q.Text, n)
					}
				}
				if c.first != nil && (len(hs) == 0 || !slices.Contains(c.first, hs[0].ID)) {
					t.Errorf("%s (%q): first hit is not %v", c.name, c.q.Text, c.first)
				}
				if c.q.From != "" || c.q.To != "" {
					for _, h := range hs {
						if !slices.Contains([]search.Type{search.Seminar, search.Session, search.Outcome, search.Document}, h.Type) {
							t.Errorf("%s: a %s has no date but was found", c.name, h.Type)
						}
					}
				}
			}
			// Only negative words find nothing; bad dates are refused.
			if hs := hits(search.Query{Text: "-kunta"}); len(hs) != 0 {
				t.Errorf("-kunta found %d hits", len(hs))
			}
			_, err := search.Search(ctx, db, search.Query{Text: "kunta", From: "2017-13-01"})
			assertInputError(t, err, "from")
		})
	}
}
