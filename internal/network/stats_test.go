package network_test

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"testing"

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
				key := b.Key
				if l, ok := f.labels[pulid.ID(b.Key)]; ok {
					key = l
				}
				out = append(out, fmt.Sprintf("%s|%s|%s o%d ss%d se%d mu%d", key, b.Label, f.labels[b.ThemeID],
					b.Outcomes, b.Sessions, b.Seminars, b.Municipalities))
			}
			return out
		}
		for _, tc := range []struct {
			name   string
			by     network.Dimension
			filter network.Filter
			want   []string
		}{
			{"term", network.DimensionTerm, network.Filter{}, []string{
				"T1|USO 4 (2017–2018)|A o2 ss1 se1 mu2",
				"T1|USO 4 (2017–2018)|B o3 ss1 se1 mu2",
				"T1|USO 4 (2017–2018)|C o1 ss0 se0 mu0",
				"T2|USO 5 (2019–2020)|C o2 ss1 se1 mu2",
				"T2|USO 5 (2019–2020)|D o2 ss1 se1 mu2",
				"T2|USO 5 (2019–2020)|E o1 ss0 se0 mu1",
			}},
			{"year", network.DimensionYear, network.Filter{}, []string{
				"2017|2017|A o2 ss1 se1 mu2",
				"2017|2017|B o3 ss1 se1 mu2",
				"2017|2017|C o1 ss0 se0 mu0",
				"2019|2019|C o2 ss1 se1 mu2",
				"2019|2019|D o2 ss1 se1 mu2",
				"2019|2019|E o1 ss0 se0 mu1",
			}},
			{"region", network.DimensionRegion, network.Filter{}, []string{
				"R1|Pohjois-Pohjanmaa|A o2 ss1 se1 mu2",
				"R1|Pohjois-Pohjanmaa|B o2 ss1 se1 mu2",
				"R2|Lappi|C o2 ss1 se1 mu2",
				"R2|Lappi|D o2 ss1 se1 mu2",
				"R2|Lappi|E o1 ss0 se0 mu1",
				"|(no region)|B o1 ss0 se0 mu0",
				"|(no region)|C o1 ss0 se0 mu0",
			}},
			{"region, filtered to 2019", network.DimensionRegion, network.Filter{From: ptr(day("2019-01-01"))}, []string{
				"R2|Lappi|C o2 ss1 se1 mu2",
				"R2|Lappi|D o2 ss1 se1 mu2",
				"R2|Lappi|E o1 ss0 se0 mu1",
			}},
			{"term, filtered to region R1", network.DimensionTerm, network.Filter{RegionIDs: []pulid.ID{f.R1.ID}}, []string{
				"T1|USO 4 (2017–2018)|A o2 ss1 se1 mu2",
				"T1|USO 4 (2017–2018)|B o2 ss1 se1 mu2",
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
