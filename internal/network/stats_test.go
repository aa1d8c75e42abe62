package network_test

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/document"
	"github.com/teemaverkko/teemaverkko/ent/schema/calendar"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/network"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// TestThemeStats checks the per-theme counts (see the table in build_test.go) and the
// region filter: in R1, A and B keep O1 and O2 (M2 was in R1 on 2017-03-14), SS1, S1,
// X (talk and statement; expertise is undated) and M1, M2; C, D, E keep nothing.
func TestThemeStats(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		client := db.Client()
		f := newFixture(t, client)
		render := func(stats []network.ThemeStat) []string {
			var out []string
			for _, s := range stats {
				out = append(out, fmt.Sprintf("%s o%d ss%d se%d ex%d mu%d dc%d", f.labels[s.ThemeID],
					s.Outcomes, s.Sessions, s.Seminars, s.Experts, s.Municipalities, s.Documents))
			}
			return out
		}
		for _, tc := range []struct {
			name   string
			filter network.Filter
			want   []string
		}{
			{"all", network.Filter{}, []string{
				"A o2 ss1 se1 ex1 mu2 dc1",
				"B o3 ss1 se1 ex1 mu2 dc0",
				"C o3 ss1 se1 ex1 mu2 dc0",
				"D o2 ss1 se1 ex1 mu2 dc1",
				"E o1 ss0 se0 ex0 mu1 dc0",
			}},
			{"region R1", network.Filter{RegionIDs: []pulid.ID{f.R1.ID}}, []string{
				"A o2 ss1 se1 ex1 mu2 dc0",
				"B o2 ss1 se1 ex1 mu2 dc0",
				"C o0 ss0 se0 ex0 mu0 dc0",
				"D o0 ss0 se0 ex0 mu0 dc0",
				"E o0 ss0 se0 ex0 mu0 dc0",
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				stats, err := network.ThemeStats(ctx, client, tc.filter)
				if err != nil {
					t.Fatal(err)
				}
				if got := render(stats); !reflect.DeepEqual(got, tc.want) {
					t.Errorf("stats =\n%v\nwant\n%v", got, tc.want)
				}
			})
		}
	})
}

// TestStatsBy groups the fixture by term, year and region.
//
// By region, each item counts in the region of the municipalities it names on its
// seminar's date: O1 (M1) and O2 (M2, in R1 on 2017-03-14) in R1; O4 (M2, in R2 by
// 2019), O5 and O6 (M3) in R2; O3 names nothing. S1 names M1 and its outcomes M1, M2:
// R1. S2: R2. SS1 (S1's M1, O1's M1): R1; SS2: R2. A's municipalities in R1 are M1 and
// M2: with today's regions M2 would count in R2.
func TestStatsBy(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		client := db.Client()
		f := newFixture(t, client)
		render := func(bs []network.Bucket) []string {
			var out []string
			for _, b := range bs {
				out = append(out, fmt.Sprintf("%s %s=%s|%s|%s o%d ss%d se%d mu%d do%d", b.Kind, b.Key, f.labels[b.GroupID], b.Label, f.labels[b.ThemeID],
					b.Outcomes, b.Sessions, b.Seminars, b.Municipalities, b.Documents))
			}
			return out
		}
		for _, tc := range []struct {
			name   string
			by     network.Dimension
			filter network.Filter
			want   []string
		}{
			// The document (2016) is older than every term: it counts in the period before
			// the first, named by its years.
			{"term", network.DimensionTerm, network.Filter{}, []string{
				"PERIOD -2016=|–2016 (before USO 4)|A o0 ss0 se0 mu0 do1",
				"PERIOD -2016=|–2016 (before USO 4)|D o0 ss0 se0 mu0 do1",
				"TERM 4=T1|USO 4 (2017–2018)|A o2 ss1 se1 mu2 do0",
				"TERM 4=T1|USO 4 (2017–2018)|B o3 ss1 se1 mu2 do0",
				"TERM 4=T1|USO 4 (2017–2018)|C o1 ss0 se0 mu0 do0",
				"TERM 5=T2|USO 5 (2019–2020)|C o2 ss1 se1 mu2 do0",
				"TERM 5=T2|USO 5 (2019–2020)|D o2 ss1 se1 mu2 do0",
				"TERM 5=T2|USO 5 (2019–2020)|E o1 ss0 se0 mu1 do0",
			}},
			{"year", network.DimensionYear, network.Filter{}, []string{
				"YEAR 2016=|2016|A o0 ss0 se0 mu0 do1",
				"YEAR 2016=|2016|D o0 ss0 se0 mu0 do1",
				"YEAR 2017=|2017|A o2 ss1 se1 mu2 do0",
				"YEAR 2017=|2017|B o3 ss1 se1 mu2 do0",
				"YEAR 2017=|2017|C o1 ss0 se0 mu0 do0",
				"YEAR 2019=|2019|C o2 ss1 se1 mu2 do0",
				"YEAR 2019=|2019|D o2 ss1 se1 mu2 do0",
				"YEAR 2019=|2019|E o1 ss0 se0 mu1 do0",
			}},
			// The key is the region's code, with its ID beside it; documents name no place.
			{"region", network.DimensionRegion, network.Filter{}, []string{
				"REGION 17=R1|Pohjois-Pohjanmaa|A o2 ss1 se1 mu2 do0",
				"REGION 17=R1|Pohjois-Pohjanmaa|B o2 ss1 se1 mu2 do0",
				"REGION 19=R2|Lappi|C o2 ss1 se1 mu2 do0",
				"REGION 19=R2|Lappi|D o2 ss1 se1 mu2 do0",
				"REGION 19=R2|Lappi|E o1 ss0 se0 mu1 do0",
				"NONE =|(no region)|B o1 ss0 se0 mu0 do0",
				"NONE =|(no region)|C o1 ss0 se0 mu0 do0",
			}},
			{"region, filtered to 2019", network.DimensionRegion, network.Filter{From: ptr(day("2019-01-01"))}, []string{
				"REGION 19=R2|Lappi|C o2 ss1 se1 mu2 do0",
				"REGION 19=R2|Lappi|D o2 ss1 se1 mu2 do0",
				"REGION 19=R2|Lappi|E o1 ss0 se0 mu1 do0",
			}},
			// A place filter leaves documents out, as it does in the theme network.
			{"term, filtered to region R1", network.DimensionTerm, network.Filter{RegionIDs: []pulid.ID{f.R1.ID}}, []string{
				"TERM 4=T1|USO 4 (2017–2018)|A o2 ss1 se1 mu2 do0",
				"TERM 4=T1|USO 4 (2017–2018)|B o2 ss1 se1 mu2 do0",
			}},
			{"year, filtered to 2016", network.DimensionYear, network.Filter{To: ptr(day("2016-12-31"))}, []string{
				"YEAR 2016=|2016|A o0 ss0 se0 mu0 do1",
				"YEAR 2016=|2016|D o0 ss0 se0 mu0 do1",
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				bs, err := network.StatsBy(ctx, client, tc.filter, tc.by)
				if err != nil {
					t.Fatal(err)
				}
				if got := render(bs); !reflect.DeepEqual(got, tc.want) {
					t.Errorf("buckets =\n%v\nwant\n%v", got, tc.want)
				}
			})
		}
		if _, err := network.StatsBy(ctx, client, network.Filter{}, "WEEKDAY"); err == nil {
			t.Error("unknown dimension accepted")
		}
	})
}

// TestMunicipalities checks engagement and similarity.
//
// Engagement in A counts A and its child E. M1: O1, S1, T1 = 3; M2: O2, T1 = 2 (S2 and
// O4 are on C and D); M3: O6 (on E) = 1. In B (no children): M1 O1, S1 = 2; M2 O2 = 1.
//
// Theme profiles (outcomes + seminars + terms per theme):
//
//	M1: A 3 (O1 S1 T1), B 2 (O1 S1)
//	M2: A 2 (O2 T1), B 1 (O2), C 2 (O4 S2), D 2 (O4 S2)
//	M3: C 2 (O5 T2), D 1 (O5), E 1 (O6)
//
// cos(M1, M2) = (3·2 + 2·1) / (√13 · √13) = 8/13; cos(M2, M3) = (2·2 + 2·1) / (√13 · √6)
// = 6/√78 ≈ 0.679; cos(M1, M3) = 0.
func TestMunicipalities(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		client := db.Client()
		f := newFixture(t, client)
		render := func(ss []network.MunicipalityScore) []string {
			var out []string
			for _, s := range ss {
				out = append(out, fmt.Sprintf("%s %s %.4f o%d se%d te%d th%d", f.labels[s.MunicipalityID], s.Name, s.Score,
					s.Outcomes, s.Seminars, s.Terms, s.Themes))
			}
			return out
		}
		engaged := []struct {
			name  string
			theme pulid.ID
			first int
			want  []string
		}{
			{"A with its child E", f.A.ID, 0, []string{
				"M1 Oulu 3.0000 o1 se1 te1 th1",
				"M2 Kemi 2.0000 o1 se0 te1 th1",
				"M3 Rovaniemi 1.0000 o1 se0 te0 th1",
			}},
			{"A, first 1", f.A.ID, 1, []string{"M1 Oulu 3.0000 o1 se1 te1 th1"}},
			{"B", f.B.ID, 0, []string{
				"M1 Oulu 2.0000 o1 se1 te0 th1",
				"M2 Kemi 1.0000 o1 se0 te0 th1",
			}},
			{"unknown", pulid.MustNew("th"), 0, nil},
		}
		for _, tc := range engaged {
			t.Run("engaged "+tc.name, func(t *testing.T) {
				got, err := network.EngagedMunicipalities(ctx, client, tc.theme, tc.first)
				if err != nil {
					t.Fatal(err)
				}
				if r := render(got); !reflect.DeepEqual(r, tc.want) {
					t.Errorf("engaged =\n%v\nwant\n%v", r, tc.want)
				}
			})
		}
		cos := func(x float64) string { return fmt.Sprintf("%.4f", x) }
		similar := []struct {
			name string
			m    pulid.ID
			want []string
		}{
			// The other municipality's items over all themes: M2 O2 O4, S2, T1; M1 O1,
			// S1, T1; M3 O5 O6, T2.
			{"M1", f.M1.ID, []string{"M2 Kemi " + cos(8.0/13) + " o2 se1 te1 th2"}},
			{"M2", f.M2.ID, []string{
				"M3 Rovaniemi " + cos(6/math.Sqrt(78)) + " o2 se0 te1 th2",
				"M1 Oulu " + cos(8.0/13) + " o1 se1 te1 th2",
			}},
			{"M3", f.M3.ID, []string{"M2 Kemi " + cos(6/math.Sqrt(78)) + " o2 se1 te1 th2"}},
			{"unknown", pulid.MustNew("mu"), nil},
		}
		for _, tc := range similar {
			t.Run("similar "+tc.name, func(t *testing.T) {
				got, err := network.SimilarMunicipalities(ctx, client, tc.m, 0)
				if err != nil {
					t.Fatal(err)
				}
				if r := render(got); !reflect.DeepEqual(r, tc.want) {
					t.Errorf("similar =\n%v\nwant\n%v", r, tc.want)
				}
			})
		}
		got, err := network.SimilarMunicipalities(ctx, client, f.M2.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got[1].Score-8.0/13) > 1e-12 {
			t.Errorf("cos(M2, M1) = %v, want 8/13", got[1].Score)
		}
	})
}

// TestStatsByTimeline places seminars and documents in time: by TERM, a seminar with a
// term counts in it, one without a term and a document in the term whose years contain
// the year of their date (a term without an endYear lasting until the next one starts),
// or else in the named period between terms or after the last one; undated documents
// last. By YEAR, a date counts by its year whatever its precision.
func TestStatsByTimeline(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		client := db.Client()
		th := client.Theme.Create().SetSlug("johtaminen").SetName("Johtaminen").SaveX(ctx)
		uso := client.Network.Create().SetName("USO").SaveX(ctx)
		term := func(n, start int, end *int) *ent.NetworkTerm {
			return client.NetworkTerm.Create().SetNetwork(uso).SetNumber(n).SetStartYear(start).SetNillableEndYear(end).SaveX(ctx)
		}
		t1, t3, t6 := term(1, 2011, nil), term(3, 2015, ptr(2016)), term(6, 2021, ptr(2022))
		term(2, 2013, nil)
		// A seminar without a term, known to the year: by its year, term 6.
		client.Seminar.Create().SetTitle("Ennakointiprosessi").SetDate(day("2021-01-01")).
			SetDatePrecision(calendar.Year).AddThemes(th).SaveX(ctx)
		// A seminar of term 3 dated in term 6's years still counts in term 3.
		client.Seminar.Create().SetTitle("Myöhäinen").SetDate(day("2021-06-01")).SetTerm(t3).AddThemes(th).SaveX(ctx)
		doc := func(key string, on *time.Time, p calendar.Precision) {
			c := client.Document.Create().SetKey(key).SetTitle(key).SetKind(document.KindWEB_PAGE).AddThemes(th)
			if on != nil {
				c.SetPublishedOn(*on).SetPublishedOnPrecision(p)
			}
			c.SaveX(ctx)
		}
		doc("vuosi-2012", ptr(day("2012-01-01")), calendar.Year)     // term 1, which lasts until term 2 starts
		doc("paiva-2018", ptr(day("2018-03-04")), calendar.Day)      // between terms 3 and 6
		doc("kuukausi-2023", ptr(day("2023-05-01")), calendar.Month) // after the last term
		doc("vuosi-2024", ptr(day("2024-01-01")), calendar.Year)     // after the last term
		doc("paivaamaton", nil, "")                                  // undated
		years := func(a, b *int) string {
			s := func(p *int) string {
				if p == nil {
					return "·"
				}
				return fmt.Sprint(*p)
			}
			return s(a) + ".." + s(b)
		}
		ids := map[pulid.ID]string{t1.ID: "t1", t3.ID: "t3", t6.ID: "t6"}
		for _, tc := range []struct {
			by   network.Dimension
			want []string
		}{
			{network.DimensionTerm, []string{
				"TERM 1 t1 2011..· USO 1 (2011–) se0 do1",
				"TERM 3 t3 2015..2016 USO 3 (2015–2016) se1 do0",
				"PERIOD 2017-2020  2017..2020 2017–2020 (between USO 3 and USO 6) se0 do1",
				"TERM 6 t6 2021..2022 USO 6 (2021–2022) se1 do0",
				"PERIOD 2023-  2023..· 2023– (after USO 6) se0 do2",
				"NONE   ·..· (undated) se0 do1",
			}},
			{network.DimensionYear, []string{
				"YEAR 2012  2012..2012 2012 se0 do1",
				"YEAR 2018  2018..2018 2018 se0 do1",
				"YEAR 2021  2021..2021 2021 se2 do0",
				"YEAR 2023  2023..2023 2023 se0 do1",
				"YEAR 2024  2024..2024 2024 se0 do1",
				"NONE   ·..· (undated) se0 do1",
			}},
		} {
			t.Run(string(tc.by), func(t *testing.T) {
				bs, err := network.StatsBy(ctx, client, network.Filter{}, tc.by)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, b := range bs {
					got = append(got, fmt.Sprintf("%s %s %s %s %s se%d do%d", b.Kind, b.Key, ids[b.GroupID],
						years(b.StartYear, b.EndYear), b.Label, b.Seminars, b.Documents))
				}
				if !reflect.DeepEqual(got, tc.want) {
					t.Errorf("buckets =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
				}
			})
		}
	})
}
