package refdata_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/municipality"
	"github.com/teemaverkko/teemaverkko/ent/schema/calendar"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/refdata"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

func TestRows(t *testing.T) {
	rows, err := refdata.Rows()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(rows), 350; got != want {
		t.Errorf("len(Rows()) = %d, want %d", got, want)
	}
	regions, err := refdata.Regions()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(regions), 19; got != want {
		t.Errorf("len(Regions()) = %d, want %d", got, want)
	}
	munis, err := refdata.Municipalities()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(munis), 320; got != want {
		t.Errorf("len(Municipalities()) = %d, want %d", got, want)
	}
}

func TestLoad(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		counter := testdb.NewCounter(db.Driver)
		client := db.Client(ent.Driver(counter))

		stats, err := refdata.Load(ctx, client)
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		want := refdata.Stats{
			Regions:        refdata.Counts{Created: 19},
			Municipalities: refdata.Counts{Created: 320},
			Periods:        refdata.Counts{Created: 350},
		}
		if stats != want {
			t.Errorf("first Load stats = %+v, want %+v", stats, want)
		}
		t.Logf("first Load: %d statements (%d writes)", counter.Total(), counter.Writes())

		for _, c := range []struct {
			name      string
			got, want int
		}{
			{"regions", client.Region.Query().CountX(ctx), 19},
			{"municipalities", client.Municipality.Query().CountX(ctx), 320},
			{"periods", client.MunicipalityPeriod.Query().CountX(ctx), 350},
		} {
			if c.got != c.want {
				t.Errorf("%s: got %d rows, want %d", c.name, c.got, c.want)
			}
		}

		t.Run("Nivala", func(t *testing.T) {
			m := client.Municipality.Query().Where(municipality.Code("535")).WithRegion().OnlyX(ctx)
			if m.Name != "Nivala" || m.Edges.Region.Code != "17" || m.Edges.Region.Name != "Pohjois-Pohjanmaa" {
				t.Errorf("535 = %s in region %s %s, want Nivala in region 17 Pohjois-Pohjanmaa",
					m.Name, m.Edges.Region.Code, m.Edges.Region.Name)
			}
			if m.ValidFrom != nil || m.ValidTo != nil {
				t.Errorf("535 validity = %v–%v, want nil–nil", m.ValidFrom, m.ValidTo)
			}
		})
		t.Run("Juankoski", func(t *testing.T) {
			m := client.Municipality.Query().Where(municipality.Code("174")).OnlyX(ctx)
			if m.Name != "Juankoski" || m.ValidTo == nil || m.ValidTo.Format(calendar.Layout) != "2016-12-31" {
				t.Errorf("174 = %s valid to %v, want Juankoski valid to 2016-12-31", m.Name, m.ValidTo)
			}
		})
		t.Run("Vaala", func(t *testing.T) {
			m := client.Municipality.Query().Where(municipality.Code("785")).WithRegion().OnlyX(ctx)
			if m.Edges.Region.Code != "17" {
				t.Errorf("785 region = %s, want 17", m.Edges.Region.Code)
			}
			periods := m.QueryPeriods().WithRegion().AllX(ctx)
			// Oldest first; a nil valid_from (before the data begins) is the oldest.
			slices.SortFunc(periods, func(a, b *ent.MunicipalityPeriod) int {
				return strings.Compare(dateString(a.ValidFrom), dateString(b.ValidFrom))
			})
			var got []string
			for _, p := range periods {
				got = append(got, fmt.Sprintf("%s %s..%s", p.Edges.Region.Code, dateString(p.ValidFrom), dateString(p.ValidTo)))
			}
			want := []string{"18 ..2015-12-31", "17 2016-01-01.."}
			if !slices.Equal(got, want) {
				t.Errorf("785 periods = %q, want %q", got, want)
			}
		})
		t.Run("Alavus", func(t *testing.T) {
			m := client.Municipality.Query().Where(municipality.Code("010")).OnlyX(ctx)
			if m.Name != "Alavus" || m.NameSv != "Alavo" {
				t.Errorf("010 = %s / %s, want Alavus / Alavo", m.Name, m.NameSv)
			}
			if n := m.QueryPeriods().CountX(ctx); n != 2 {
				t.Errorf("010 has %d periods, want 2", n)
			}
		})

		t.Run("second Load writes nothing", func(t *testing.T) {
			counter.Reset()
			stats, err := refdata.Load(ctx, client)
			if err != nil {
				t.Fatalf("second Load: %v", err)
			}
			want := refdata.Stats{
				Regions:        refdata.Counts{Unchanged: 19},
				Municipalities: refdata.Counts{Unchanged: 320},
				Periods:        refdata.Counts{Unchanged: 350},
			}
			if stats != want || stats.Changed() {
				t.Errorf("second Load stats = %+v, want %+v", stats, want)
			}
			if n := counter.Writes(); n != 0 {
				t.Errorf("second Load executed %d INSERT/UPDATE/DELETE statements, want 0: %v", n, counter.Statements())
			}
			if n := counter.Total(); n != 3 {
				t.Errorf("second Load executed %d statements, want 3 (one read per table): %v", n, counter.Statements())
			}
		})

		t.Run("Load repairs a changed row", func(t *testing.T) {
			client.Municipality.Update().Where(municipality.Code("535")).SetName("Nivala-x").ClearValidTo().ExecX(ctx)
			counter.Reset()
			stats, err := refdata.Load(ctx, client)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if w, n := counter.Writes(), counter.Total(); w != 1 || n != 4 {
				t.Errorf("repair executed %d statements (%d writes), want 4 (1 write): %q", n, w, counter.Statements())
			}
			if stats.Municipalities.Updated != 1 || stats.Municipalities.Created != 0 || stats.Periods.Created+stats.Periods.Updated != 0 {
				t.Errorf("stats = %+v, want exactly one municipality updated", stats)
			}
			if got := client.Municipality.Query().Where(municipality.Code("535")).OnlyX(ctx).Name; got != "Nivala" {
				t.Errorf("535 name = %q, want Nivala", got)
			}
		})
	})
}

// dateString formats an optional date, "" for nil.
func dateString(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(calendar.Layout)
}
