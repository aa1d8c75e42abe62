package network_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/network"
	"github.com/teemaverkko/teemaverkko/internal/seed"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// TestMatchCommunities classifies hand-made communities of two consecutive slices.
func TestMatchCommunities(t *testing.T) {
	ids := func(s string) []pulid.ID {
		var out []pulid.ID
		for _, r := range s {
			out = append(out, pulid.ID(string(r)))
		}
		return out
	}
	tests := []struct {
		name       string
		prev, next []string
		events     []network.CommunityEvent
		lineage    []int // prev lineages are 100, 101, …; new ones 0, 1, …
		vanished   []int
	}{
		{"persist", []string{"abc", "de"}, []string{"abcx", "de"},
			[]network.CommunityEvent{network.EventPersist, network.EventPersist}, []int{100, 101}, nil},
		{"split: the larger part keeps the lineage", []string{"abcdef"}, []string{"ab", "cdef"},
			[]network.CommunityEvent{network.EventSplit, network.EventSplit}, []int{0, 100}, nil},
		{"merge: keeps the lineage of the larger part", []string{"ab", "cdef"}, []string{"abcdef"},
			[]network.CommunityEvent{network.EventMerge}, []int{101}, nil},
		{"appear and vanish", []string{"ab", "cd"}, []string{"ab", "xyz"},
			[]network.CommunityEvent{network.EventPersist, network.EventAppear}, []int{100, 0}, []int{1}},
		{"below the threshold", []string{"abcd"}, []string{"dxyz"},
			[]network.CommunityEvent{network.EventAppear}, []int{0}, []int{0}},
		{"first slice", nil, []string{"ab", "c"},
			[]network.CommunityEvent{network.EventAppear, network.EventAppear}, []int{0, 1}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var prev, next [][]pulid.ID
			var prevLineage []int
			for i, s := range tc.prev {
				prev = append(prev, ids(s))
				prevLineage = append(prevLineage, 100+i)
			}
			for _, s := range tc.next {
				next = append(next, ids(s))
			}
			n := 0
			events, preds, lineage, vanished := network.MatchCommunities(prev, next, prevLineage, 0.3, func() int { n++; return n - 1 })
			if !reflect.DeepEqual(events, tc.events) {
				t.Errorf("events = %v, want %v", events, tc.events)
			}
			if !reflect.DeepEqual(lineage, tc.lineage) {
				t.Errorf("lineage = %v, want %v", lineage, tc.lineage)
			}
			if !reflect.DeepEqual(vanished, tc.vanished) {
				t.Errorf("vanished = %v, want %v", vanished, tc.vanished)
			}
			for i, ps := range preds {
				for _, p := range ps {
					if p.Overlap < 0.3 || p.Lineage != prevLineage[p.Community] {
						t.Errorf("community %d: predecessor %+v", i, p)
					}
				}
			}
		})
	}
}

// sliceEdges keys a slice's edges by the fixture labels.
func sliceEdges(f *fixture, s network.Slice) map[string]wantEdge {
	return edgeMap(f, s.Graph)
}

// TestSeriesFixture slices the fixture by term and by year (worked out by hand: see
// TestBuildFilters for the term and date filters) and matches its communities.
//
//	T1 (S1): A–B 7 (O1 O2, SS1, S1, X, M1 M2), B–C 1 (O3)   one community {A B C}
//	T2 (S2): C–D 7, C–E 1, D–E 1                            one community {C D E}
//	2016: A–D 1 (Doc); 2017 = T1; 2019 = T2 (no evidence in 2018: no slice)
//
// {A B C} and {C D E} overlap 1/5; {A D} and {A B C} 1/4.
func TestSeriesFixture(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		client := db.Client()
		f := newFixture(t, client)
		t1 := map[string]wantEdge{"A-B": {7, 7.0 / 8}, "B-C": {1, 1.0 / 8}}
		t2 := map[string]wantEdge{"C-D": {7, 1}, "C-E": {1, 1.0 / 8}, "D-E": {1, 1.0 / 8}}
		tests := []struct {
			name      string
			req       network.SeriesRequest
			keys      []string
			edges     []map[string]wantEdge
			events    []network.CommunityEvent // of each slice's community 0
			lineages  []int
			vanished  []int // number of vanished communities per slice
			termSlice bool
		}{
			{"by term", network.SeriesRequest{By: network.DimensionTerm}, []string{"4", "5"},
				[]map[string]wantEdge{t1, t2},
				[]network.CommunityEvent{network.EventAppear, network.EventAppear}, []int{0, 1}, []int{0, 1}, true},
			{"by term, threshold 0.2", network.SeriesRequest{By: network.DimensionTerm, MatchThreshold: 0.2}, []string{"4", "5"},
				[]map[string]wantEdge{t1, t2},
				[]network.CommunityEvent{network.EventAppear, network.EventPersist}, []int{0, 0}, []int{0, 0}, true},
			{"by term, T2 only", network.SeriesRequest{By: network.DimensionTerm, Request: network.Request{Filter: network.Filter{TermIDs: []pulid.ID{f.T2.ID}}}},
				[]string{"5"}, []map[string]wantEdge{t2},
				[]network.CommunityEvent{network.EventAppear}, []int{0}, []int{0}, true},
			{"by year", network.SeriesRequest{By: network.DimensionYear}, []string{"2016", "2017", "2019"},
				[]map[string]wantEdge{{"A-D": {1, 1}}, {"A-B": {7, 7.0 / 8}, "B-C": {1, 1.0 / 8}}, t2},
				[]network.CommunityEvent{network.EventAppear, network.EventAppear, network.EventAppear}, []int{0, 1, 2}, []int{0, 1, 1}, false},
			{"by year, threshold 0.2", network.SeriesRequest{By: network.DimensionYear, MatchThreshold: 0.2}, []string{"2016", "2017", "2019"},
				[]map[string]wantEdge{{"A-D": {1, 1}}, {"A-B": {7, 7.0 / 8}, "B-C": {1, 1.0 / 8}}, t2},
				[]network.CommunityEvent{network.EventAppear, network.EventPersist, network.EventPersist}, []int{0, 0, 0}, []int{0, 0, 0}, false},
			{"by year from 2017-06-01, without documents", network.SeriesRequest{By: network.DimensionYear, Request: network.Request{
				Filter: network.Filter{From: ptr(day("2017-06-01"))}, Signals: []network.Signal{network.SignalOutcome}}},
				[]string{"2019"}, []map[string]wantEdge{{"C-D": {2, 1}}},
				[]network.CommunityEvent{network.EventAppear}, []int{0}, []int{0}, false},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				req := tc.req
				if req.Signals == nil {
					req.Signals = network.AllSignals // the figures above count every signal
				}
				s, err := network.BuildSeries(ctx, client, req)
				if err != nil {
					t.Fatal(err)
				}
				var keys []string
				for _, sl := range s.Slices {
					keys = append(keys, sl.Key)
				}
				if !reflect.DeepEqual(keys, tc.keys) {
					t.Fatalf("slices = %v, want %v", keys, tc.keys)
				}
				for i, sl := range s.Slices {
					got := sliceEdges(f, sl)
					if !reflect.DeepEqual(got, tc.edges[i]) {
						for k, w := range tc.edges[i] {
							if g := got[k]; g.weight != w.weight || !near(g.strength, w.strength) {
								t.Errorf("slice %s: edges = %v, want %v", sl.Key, got, tc.edges[i])
							}
						}
						if len(got) != len(tc.edges[i]) {
							t.Errorf("slice %s: edges = %v, want %v", sl.Key, got, tc.edges[i])
						}
					}
					// E, on O6 alone, is a community of its own when only outcomes count.
					if len(sl.Communities) != 1 && len(tc.req.Signals) == 0 {
						t.Errorf("slice %s: %d communities, want 1", sl.Key, len(sl.Communities))
						continue
					}
					if c := sl.Communities[0]; c.Event != tc.events[i] || c.Lineage != tc.lineages[i] {
						t.Errorf("slice %s: community %s lineage %d, want %s %d", sl.Key, c.Event, c.Lineage, tc.events[i], tc.lineages[i])
					}
					if len(sl.Vanished) != tc.vanished[i] {
						t.Errorf("slice %s: %d vanished, want %d", sl.Key, len(sl.Vanished), tc.vanished[i])
					}
					if tc.termSlice != (sl.TermID != "") {
						t.Errorf("slice %s: term %q", sl.Key, sl.TermID)
					}
				}
				// C is a node of every slice by term, with its measures per slice.
				for _, ts := range s.Themes {
					if ts.ThemeID != f.C.ID || !tc.termSlice || len(s.Slices) != 2 {
						continue
					}
					want := []network.ThemePoint{
						{Present: true, Items: 1, Degree: 1, WeightedDegree: 1, Lineage: tc.lineages[0]},
						{Present: true, Items: 7, Degree: 2, WeightedDegree: 8, Lineage: tc.lineages[1]},
					}
					if !reflect.DeepEqual(ts.Points, want) {
						t.Errorf("C's points = %+v, want %+v", ts.Points, want)
					}
				}
			})
		}
		if _, err := network.BuildSeries(ctx, client, network.SeriesRequest{By: network.DimensionRegion}); err == nil {
			t.Error("a series by REGION was accepted")
		}
	})
}

// TestSeriesOnSeed checks every slice of the seed knowledge, by term and by year, two
// ways: against Build with the slice's filter (the same network, measures included),
// and against an independent recomputation from the entities (ent's eager loading, not
// the link table reads) of the outcome, session, seminar and document weights.
func TestSeriesOnSeed(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		client := db.Client()
		if err := seed.Run(ctx, client, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
			t.Fatal(err)
		}
		indep := independentSlices(t, ctx, client)
		for _, by := range []network.Dimension{network.DimensionTerm, network.DimensionYear} {
			for _, signals := range [][]network.Signal{nil, {network.SignalOutcome, network.SignalSession, network.SignalSeminar, network.SignalDocument}} {
				t.Run(fmt.Sprintf("%s %v", by, signals), func(t *testing.T) {
					s, err := network.BuildSeries(ctx, client, network.SeriesRequest{By: by, Request: network.Request{Signals: signals, MinWeight: 1}})
					if err != nil {
						t.Fatal(err)
					}
					if len(s.Slices) < 2 {
						t.Fatalf("%d slices", len(s.Slices))
					}
					for _, sl := range s.Slices {
						filter := network.Filter{}
						if by == network.DimensionTerm {
							filter.TermIDs = []pulid.ID{sl.TermID}
						} else {
							filter.From, filter.To = &sl.Start, &sl.End
						}
						g, err := network.Build(ctx, client, filter, signals, 1)
						if err != nil {
							t.Fatal(err)
						}
						if !reflect.DeepEqual(g.Nodes, sl.Graph.Nodes) || !reflect.DeepEqual(g.Edges, sl.Graph.Edges) {
							t.Errorf("slice %s differs from Build with its filter", sl.Key)
						}
						if signals == nil {
							continue
						}
						key := string(sl.TermID)
						if by == network.DimensionYear {
							key = sl.Key
						}
						want := indep[key]
						got := map[[2]pulid.ID]float64{}
						for _, e := range sl.Graph.Edges {
							got[[2]pulid.ID{e.Source, e.Target}] = e.Weight
						}
						if !reflect.DeepEqual(got, want) {
							t.Errorf("slice %s: %d edges, the recomputation %d", sl.Key, len(got), len(want))
							for k, w := range want {
								if got[k] != w {
									t.Errorf("slice %s: edge %v weight %v, recomputed %v", sl.Key, k, got[k], w)
								}
							}
						}
					}
					t.Logf("%s: %d slices, %d themes", by, len(s.Slices), len(s.Themes))
				})
			}
		}
	})
}

// independentSlices recomputes, from the entities, the edge weights of the OUTCOME,
// SESSION, SEMINAR and DOCUMENT signals per term (keyed by the term's ID: documents have
// no term) and per year ("2017": documents by publication year).
func independentSlices(t *testing.T, ctx context.Context, client *ent.Client) map[string]map[[2]pulid.ID]float64 {
	t.Helper()
	out := map[string]map[[2]pulid.ID]float64{}
	add := func(key string, themes []*ent.Theme) {
		if out[key] == nil {
			out[key] = map[[2]pulid.ID]float64{}
		}
		ids := make([]pulid.ID, len(themes))
		for i, th := range themes {
			ids[i] = th.ID
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		for i := range ids {
			for j := i + 1; j < len(ids); j++ {
				out[key][[2]pulid.ID{ids[i], ids[j]}]++
			}
		}
	}
	bySeminar := func(s *ent.Seminar, themes []*ent.Theme) {
		if s == nil {
			return
		}
		if s.TermID != nil {
			add(string(*s.TermID), themes)
		}
		add(strconv.Itoa(s.Date.Year()), themes)
	}
	for _, o := range client.Outcome.Query().WithSeminar().WithThemes().AllX(ctx) {
		bySeminar(o.Edges.Seminar, o.Edges.Themes)
	}
	for _, s := range client.Session.Query().WithSeminar().WithThemes().AllX(ctx) {
		bySeminar(s.Edges.Seminar, s.Edges.Themes)
	}
	for _, s := range client.Seminar.Query().WithThemes().AllX(ctx) {
		bySeminar(s, s.Edges.Themes)
	}
	for _, d := range client.Document.Query().WithThemes().AllX(ctx) {
		if d.PublishedOn != nil {
			add(strconv.Itoa(d.PublishedOn.In(time.UTC).Year()), d.Edges.Themes)
		}
	}
	for _, m := range out {
		for k, w := range m {
			if w == 0 {
				delete(m, k)
			}
		}
	}
	return out
}

// TestSeriesTwoNetworks adds a second network whose term runs beside USO's 4th: by term,
// each network's terms are matched only with that network's previous term, and the
// slices overlap in time (which a dynamic GEXF refuses); by year they do not.
func TestSeriesTwoNetworks(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		client := db.Client()
		f := newFixture(t, client)
		kv := client.Network.Create().SetName("KV").SaveX(ctx)
		term := client.NetworkTerm.Create().SetNetwork(kv).SetNumber(1).SetStartYear(2017).SetEndYear(2018).SaveX(ctx)
		client.Seminar.Create().SetTitle("KV-seminaari").SetDate(day("2017-06-01")).SetTerm(term).AddThemes(f.A, f.B, f.C).SaveX(ctx)

		s, err := network.BuildSeries(ctx, client, network.SeriesRequest{By: network.DimensionTerm})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, sl := range s.Slices {
			got = append(got, fmt.Sprintf("%s:%d", sl.Label, sl.Previous))
		}
		want := []string{"KV 1 (2017–2018):-1", "USO 4 (2017–2018):-1", "USO 5 (2019–2020):1"}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("slices = %v, want %v", got, want)
		}
		if !s.Overlapping() {
			t.Error("KV 1 and USO 4 do not overlap")
		}
		if c := s.Slices[1].Communities[0]; c.Event != network.EventAppear || len(s.Slices[1].Vanished) != 0 {
			t.Errorf("USO 4 was matched with KV 1: %+v", c)
		}
		y, err := network.BuildSeries(ctx, client, network.SeriesRequest{By: network.DimensionYear})
		if err != nil {
			t.Fatal(err)
		}
		if y.Overlapping() {
			t.Error("years overlap")
		}
		for i, sl := range y.Slices {
			if sl.Previous != i-1 {
				t.Errorf("year %s: previous %d", sl.Key, sl.Previous)
			}
		}
	})
}
