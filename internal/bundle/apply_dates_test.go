package bundle_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent/appearance"
	"github.com/teemaverkko/teemaverkko/ent/expert"
	"github.com/teemaverkko/teemaverkko/ent/schema/calendar"
	"github.com/teemaverkko/teemaverkko/internal/bundle"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// TestApplyDates checks the dates a bundle import writes with their precision: an
// expert's titleAsOf keeps the precision of asOf (and exports as given), every
// appearance carries its seminar's or document's date, a later bundle that redates a
// document or a seminar's precision moves the appearances other bundles wrote, and
// applying the same bundle again writes nothing.
func TestApplyDates(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		// src2016 is dated to the month, src2017y to the year.
		e.apply(t, src2016.bundle("2016-09"), bundle.Options{})
		e.apply(t, src2017y.bundle("2017"), bundle.Options{})

		ann := e.client.Expert.Query().Where(expert.Name(person)).OnlyX(e.ctx)
		if got := fmt.Sprint(ann.TitleAsOf.Format(calendar.Layout), " ", *ann.TitleAsOfPrecision); got != "2017-01-01 YEAR" {
			t.Errorf("titleAsOf = %s, want 2017-01-01 YEAR", got)
		}
		dates := func() []string {
			t.Helper()
			aps := e.client.Appearance.Query().Where(appearance.ExpertID(ann.ID)).
				Order(appearance.ByDate(), appearance.ByRole()).WithSession().WithDocument().AllX(e.ctx)
			var out []string
			for _, a := range aps {
				where := ""
				if a.Edges.Document != nil {
					where = a.Edges.Document.Key
				} else {
					where = a.Edges.Session.Title
				}
				d := "none"
				if a.Date != nil {
					d = a.Date.Format(calendar.Layout) + " " + string(*a.DatePrecision)
				}
				out = append(out, fmt.Sprintf("%s %s %s", d, a.Role, where))
			}
			return out
		}
		want := []string{
			"2016-09-01 MONTH AUTHOR src-2016",
			"2016-09-01 MONTH SPEAKER Talk",
			"2017-01-01 YEAR AUTHOR src-2017-y",
			"2017-01-01 YEAR SPEAKER Talk",
		}
		if got := dates(); !slices.Equal(got, want) {
			t.Errorf("appearances =\n%q\nwant\n%q", got, want)
		}

		// The same bundle again: nothing to write.
		e.counter.Reset()
		e.apply(t, src2017y.bundle("2017"), bundle.Options{})
		if w := e.counter.Writes(); w != 0 {
			t.Errorf("re-applying wrote %d statements, want 0", w)
		}

		// A bundle that only redates the 2016 document, and gives the seminar's precise day.
		e.apply(t, &bundle.Bundle{
			Documents: []bundle.Document{{Key: "src-2016", Title: "src-2016", Kind: "NEWS_ARTICLE", PublishedOn: "2016-10-03"}},
			Seminars:  []bundle.Seminar{{Title: "Seminar src-2016", Date: "2016-09-01"}},
		}, bundle.Options{})
		want = []string{
			"2016-09-01 DAY SPEAKER Talk",
			"2016-10-03 DAY AUTHOR src-2016",
			"2017-01-01 YEAR AUTHOR src-2017-y",
			"2017-01-01 YEAR SPEAKER Talk",
		}
		if got := dates(); !slices.Equal(got, want) {
			t.Errorf("after redating, appearances =\n%q\nwant\n%q", got, want)
		}

		// Export gives asOf as precisely as it was imported.
		b, err := bundle.Export(e.ctx, e.client, bundle.ExportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(b.Experts, func(x bundle.Expert) bool { return x.Name == person })
		if i < 0 || b.Experts[i].AsOf != "2017" {
			t.Errorf("exported asOf = %+v, want 2017", b.Experts)
		}
	})
}
