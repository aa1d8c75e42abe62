package timeline_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/appearance"
	"github.com/teemaverkko/teemaverkko/ent/document"
	"github.com/teemaverkko/teemaverkko/ent/schema/calendar"
	"github.com/teemaverkko/teemaverkko/ent/session"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
	"github.com/teemaverkko/teemaverkko/internal/timeline"
)

func day(s string) time.Time {
	t, err := time.Parse(calendar.Layout, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestBackfill dates the appearances of a database written before appearances carried
// a date (here: written without the hooks), in a fixed number of statements: the reads,
// and one UPDATE per distinct date. An author of an undated document stays undated, and
// a second backfill finds nothing to write.
func TestBackfill(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		client, counter := testdb.Counting(db)
		sem := client.Seminar.Create().SetTitle("Vertaisseminaarit").SetDate(day("2016-09-01")).
			SetDatePrecision(calendar.Month).SaveX(ctx)
		ses := client.Session.Create().SetSeminar(sem).SetPosition(1).SetKind(session.KindPANEL).SetTitle("Paneeli").SaveX(ctx)
		dated := client.Document.Create().SetKey("raportti").SetTitle("Raportti").SetKind(document.KindRESEARCH_REPORT).
			SetPublishedOn(day("2015-01-01")).SetPublishedOnPrecision(calendar.Year).SaveX(ctx)
		undated := client.Document.Create().SetKey("sivu").SetTitle("Sivu").SetKind(document.KindWEB_PAGE).SaveX(ctx)
		var creates []*ent.AppearanceCreate
		for i := 0; i < 5; i++ {
			ex := client.Expert.Create().SetName(fmt.Sprintf("Henkilö %d", i)).SaveX(ctx)
			creates = append(creates,
				client.Appearance.Create().SetRole(appearance.RoleSPEAKER).SetExpert(ex).SetSession(ses),
				client.Appearance.Create().SetRole(appearance.RoleAUTHOR).SetExpert(ex).SetDocument(dated),
				client.Appearance.Create().SetRole(appearance.RoleAUTHOR).SetExpert(ex).SetDocument(undated))
		}
		client.Appearance.CreateBulk(creates...).ExecX(ctx)

		counter.Reset()
		if err := timeline.Backfill(ctx, client); err != nil {
			t.Fatal(err)
		}
		if w := counter.Writes(); w != 2 {
			t.Errorf("backfill wrote %d statements, want 2 (one per distinct date): %q", w, counter.WriteStatements())
		}
		got := map[string]int{}
		for _, a := range client.Appearance.Query().AllX(ctx) {
			k := "none"
			if a.Date != nil {
				k = a.Date.Format(calendar.Layout) + " " + string(*a.DatePrecision)
			}
			got[fmt.Sprint(a.Role, " ", k)]++
		}
		want := map[string]int{"SPEAKER 2016-09-01 MONTH": 5, "AUTHOR 2015-01-01 YEAR": 5, "AUTHOR none": 5}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("dates after backfill = %v, want %v", got, want)
		}
		counter.Reset()
		if err := timeline.Backfill(ctx, client); err != nil {
			t.Fatal(err)
		}
		if w := counter.Writes(); w != 0 {
			t.Errorf("second backfill wrote %d statements", w)
		}
	})
}
