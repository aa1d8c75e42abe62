package network_test

import (
	"context"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/network"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// Items tied to each theme in the fixture, with no filter (see fixture):
//
//	     OUTCOME     SESSION SEMINAR EXPERT MUNICIPALITY DOCUMENT  total
//	A    O1 O2       SS1     S1      X      M1 M2        Doc       8
//	B    O1 O2 O3    SS1     S1      X      M1 M2        -         8
//	C    O3 O4 O5    SS2     S2      Y      M2 M3        -         8
//	D    O4 O5       SS2     S2      Y      M2 M3        Doc       8
//	E    O6          -       -       -      M3           -         2
//
// X counts for A by expertise, talk (SS1) and statement (O1), for B by talk and
// statement; X only moderates SS2, which does not tie X to C or D. M1 comes to A and B
// from O1 and S1, M2 from O2 (A, B) and from O4 and S2 (C, D), M3 from O5 (C, D) and O6
// (E).
//
// Shared items, weight w and Jaccard strength w / (n(a) + n(b) − w):
//
//	A–B  O1 O2, SS1, S1, X, M1 M2   w 7  7/(8+8−7) = 7/9
//	A–C  M2                          w 1  1/15
//	A–D  M2, Doc                     w 2  2/14 = 1/7
//	B–C  O3, M2                      w 2  1/7
//	B–D  M2                          w 1  1/15
//	C–D  O4 O5, SS2, S2, Y, M2 M3   w 7  7/9
//	C–E  M3                          w 1  1/(8+2−1) = 1/9
//	D–E  M3                          w 1  1/9
//
// Weighted degrees: A 7+1+2 = 10, B 7+2+1 = 10, C 1+2+7+1 = 11, D 2+1+7+1 = 11, E 2.

type wantEdge struct {
	weight, strength float64
}

// edgeMap keys the graph's edges by the fixture labels ("A-B").
func edgeMap(f *fixture, g *network.Graph) map[string]wantEdge {
	out := map[string]wantEdge{}
	for _, e := range g.Edges {
		out[f.labels[e.Source]+"-"+f.labels[e.Target]] = wantEdge{e.Weight, e.Strength}
	}
	return out
}

func nodeLabels(f *fixture, g *network.Graph) []string {
	var out []string
	for _, n := range g.Nodes {
		out = append(out, f.labels[n.ThemeID])
	}
	return out
}

func checkEdges(t *testing.T, f *fixture, g *network.Graph, want map[string]wantEdge) {
	t.Helper()
	got := edgeMap(f, g)
	if len(got) != len(want) {
		t.Errorf("edges = %v, want %v", got, want)
	}
	for k, w := range want {
		e, ok := got[k]
		if !ok {
			t.Errorf("edge %s missing (got %v)", k, got)
			continue
		}
		if e.weight != w.weight || !near(e.strength, w.strength) {
			t.Errorf("edge %s = weight %v strength %v, want %v, %v", k, e.weight, e.strength, w.weight, w.strength)
		}
	}
}

func TestBuildWeightsStrengthsEvidence(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		client := db.Client()
		f := newFixture(t, client)
		g, err := network.Build(ctx, client, network.Filter{}, network.AllSignals, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := nodeLabels(f, g), []string{"A", "B", "C", "D", "E"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("nodes = %v, want %v", got, want)
		}
		checkEdges(t, f, g, map[string]wantEdge{
			"A-B": {7, 7.0 / 9}, "A-C": {1, 1.0 / 15}, "A-D": {2, 1.0 / 7}, "B-C": {2, 1.0 / 7},
			"B-D": {1, 1.0 / 15}, "C-D": {7, 7.0 / 9}, "C-E": {1, 1.0 / 9}, "D-E": {1, 1.0 / 9},
		})
		wantCounts := map[string][6]int{
			"A": {2, 1, 1, 1, 2, 1}, "B": {3, 1, 1, 1, 2, 0}, "C": {3, 1, 1, 1, 2, 0},
			"D": {2, 1, 1, 1, 2, 1}, "E": {1, 0, 0, 0, 1, 0},
		}
		wantDegree := map[string]float64{"A": 10, "B": 10, "C": 11, "D": 11, "E": 2}
		for _, n := range g.Nodes {
			l := f.labels[n.ThemeID]
			if n.Slug != f.slugs[n.ThemeID] || n.Name == "" {
				t.Errorf("%s: slug %q name %q", l, n.Slug, n.Name)
			}
			for i, s := range network.AllSignals {
				if got := n.Counts[s]; got != wantCounts[l][i] {
					t.Errorf("%s: count %s = %d, want %d", l, s, got, wantCounts[l][i])
				}
			}
			if n.WeightedDegree != wantDegree[l] {
				t.Errorf("%s: weighted degree = %v, want %v", l, n.WeightedDegree, wantDegree[l])
			}
		}
		// The A–B evidence, signal by signal, IDs in order.
		ab := g.Edges[0]
		if ab.Source != f.A.ID || ab.Target != f.B.ID {
			t.Fatalf("first edge = %s–%s, want A–B", f.labels[ab.Source], f.labels[ab.Target])
		}
		want := []network.Evidence{
			{Signal: network.SignalOutcome, Count: 2, IDs: []pulid.ID{f.O1.ID, f.O2.ID}},
			{Signal: network.SignalSession, Count: 1, IDs: []pulid.ID{f.SS1.ID}},
			{Signal: network.SignalSeminar, Count: 1, IDs: []pulid.ID{f.S1.ID}},
			{Signal: network.SignalExpert, Count: 1, IDs: []pulid.ID{f.X.ID}},
			{Signal: network.SignalMunicipality, Count: 2, IDs: []pulid.ID{f.M1.ID, f.M2.ID}},
		}
		if !reflect.DeepEqual(ab.Evidence, want) {
			t.Errorf("A–B evidence = %+v, want %+v", ab.Evidence, want)
		}
		// Edges are sorted and Source < Target.
		for i, e := range g.Edges {
			if e.Source >= e.Target {
				t.Errorf("edge %d: source %s ≥ target %s", i, e.Source, e.Target)
			}
			if i > 0 && !(g.Edges[i-1].Source < e.Source || g.Edges[i-1].Source == e.Source && g.Edges[i-1].Target < e.Target) {
				t.Errorf("edges not sorted at %d", i)
			}
		}
	})
}

// TestBuildMeasures checks weighted degree, betweenness and communities against values
// worked out by hand.
//
// Path — signals OUTCOME, SESSION, SEMINAR, EXPERT: totals A 5, B 6, C 6, D 5, E 1
// (O6). Edges A–B 5 (O1 O2 SS1 S1 X; 5/(5+6−5) = 5/6), B–C 1 (O3; 1/11), C–D 5 (5/6):
// the path A–B–C–D, with E alone. Degrees A 5, B 6, C 6, D 5, E 0. Every shortest path
// is unique; B lies on A–C and A–D (betweenness 2), C on A–D and B–D (2). Louvain
// (m = 11): {A,B},{C,D} has Q = 2·(5/11 − (11/22)²) ≈ 0.41, one community 0, singletons
// < 0; so communities {A,B} = 0, {C,D} = 1, {E} = 2.
//
// Cycle — all signals, minWeight 2: A–B 7, B–C 2, C–D 7, A–D 2 (the weight-1 edges
// go). Degrees 9 each, E 0. Distances 1/7 and 1/2: A to C goes A–B–C or A–D–C, both
// 1/7 + 1/2, so B and D each get 1/2; likewise B to D through A or C: every node 0.5.
// Adjacent pairs are direct (1/7, or 1/2 < 1/7 + 1/2 + 1/7). Louvain (m = 18):
// {A,B},{C,D} has Q = 2·(7/18 − 1/4) ≈ 0.28; {A,D},{B,C} is negative.
//
// Strong — all signals, minWeight 7: A–B and C–D only; no node lies between others.
func TestBuildMeasures(t *testing.T) {
	type want struct {
		nodes       []string
		edges       map[string]wantEdge
		degree      map[string]float64
		betweenness map[string]float64
		community   map[string]int
	}
	tests := []struct {
		name      string
		signals   []network.Signal
		minWeight float64
		want      want
	}{
		{
			name:    "path",
			signals: []network.Signal{network.SignalOutcome, network.SignalSession, network.SignalSeminar, network.SignalExpert},
			want: want{
				nodes:       []string{"A", "B", "C", "D", "E"},
				edges:       map[string]wantEdge{"A-B": {5, 5.0 / 6}, "B-C": {1, 1.0 / 11}, "C-D": {5, 5.0 / 6}},
				degree:      map[string]float64{"A": 5, "B": 6, "C": 6, "D": 5, "E": 0},
				betweenness: map[string]float64{"A": 0, "B": 2, "C": 2, "D": 0, "E": 0},
				community:   map[string]int{"A": 0, "B": 0, "C": 1, "D": 1, "E": 2},
			},
		},
		{
			name:      "cycle",
			minWeight: 2,
			want: want{
				nodes:       []string{"A", "B", "C", "D", "E"},
				edges:       map[string]wantEdge{"A-B": {7, 7.0 / 9}, "A-D": {2, 1.0 / 7}, "B-C": {2, 1.0 / 7}, "C-D": {7, 7.0 / 9}},
				degree:      map[string]float64{"A": 9, "B": 9, "C": 9, "D": 9, "E": 0},
				betweenness: map[string]float64{"A": 0.5, "B": 0.5, "C": 0.5, "D": 0.5, "E": 0},
				community:   map[string]int{"A": 0, "B": 0, "C": 1, "D": 1, "E": 2},
			},
		},
		{
			name:      "strong",
			minWeight: 7,
			want: want{
				nodes:       []string{"A", "B", "C", "D", "E"},
				edges:       map[string]wantEdge{"A-B": {7, 7.0 / 9}, "C-D": {7, 7.0 / 9}},
				degree:      map[string]float64{"A": 7, "B": 7, "C": 7, "D": 7, "E": 0},
				betweenness: map[string]float64{"A": 0, "B": 0, "C": 0, "D": 0, "E": 0},
				community:   map[string]int{"A": 0, "B": 0, "C": 1, "D": 1, "E": 2},
			},
		},
		{
			// DOCUMENT alone: only A and D discuss a document (Doc): 1/(1+1−1) = 1.
			name:    "documents only",
			signals: []network.Signal{network.SignalDocument},
			want: want{
				nodes:       []string{"A", "D"},
				edges:       map[string]wantEdge{"A-D": {1, 1}},
				degree:      map[string]float64{"A": 1, "D": 1},
				betweenness: map[string]float64{"A": 0, "D": 0},
				community:   map[string]int{"A": 0, "D": 0},
			},
		},
		{
			// MUNICIPALITY alone: A {M1 M2}, B {M1 M2}, C {M2 M3}, D {M2 M3}, E {M3}.
			// A–B 2/(2+2−2) = 1, C–D 1, pairs sharing only M2 1/3, C–E and D–E 1/(2+1−1).
			// With minWeight 2 only A–B and C–D remain.
			name:      "municipalities only, minWeight 2",
			signals:   []network.Signal{network.SignalMunicipality},
			minWeight: 2,
			want: want{
				nodes:       []string{"A", "B", "C", "D", "E"},
				edges:       map[string]wantEdge{"A-B": {2, 1}, "C-D": {2, 1}},
				degree:      map[string]float64{"A": 2, "B": 2, "C": 2, "D": 2, "E": 0},
				betweenness: map[string]float64{"A": 0, "B": 0, "C": 0, "D": 0, "E": 0},
				community:   map[string]int{"A": 0, "B": 0, "C": 1, "D": 1, "E": 2},
			},
		},
	}
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		client := db.Client()
		f := newFixture(t, client)
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				g, err := network.Build(ctx, client, network.Filter{}, signalsOr(tc.signals), tc.minWeight)
				if err != nil {
					t.Fatal(err)
				}
				if got := nodeLabels(f, g); !reflect.DeepEqual(got, tc.want.nodes) {
					t.Fatalf("nodes = %v, want %v", got, tc.want.nodes)
				}
				checkEdges(t, f, g, tc.want.edges)
				for _, n := range g.Nodes {
					l := f.labels[n.ThemeID]
					if n.WeightedDegree != tc.want.degree[l] {
						t.Errorf("%s: weighted degree = %v, want %v", l, n.WeightedDegree, tc.want.degree[l])
					}
					if !near(n.Betweenness, tc.want.betweenness[l]) {
						t.Errorf("%s: betweenness = %v, want %v", l, n.Betweenness, tc.want.betweenness[l])
					}
					if n.Community != tc.want.community[l] {
						t.Errorf("%s: community = %d, want %d", l, n.Community, tc.want.community[l])
					}
					if len(n.Counts) != len(signalsOr(tc.signals)) {
						t.Errorf("%s: counts %v, want one per chosen signal", l, n.Counts)
					}
				}
				// The same data gives the same graph.
				for i := 0; i < 5; i++ {
					again, err := network.Build(ctx, client, network.Filter{}, signalsOr(tc.signals), tc.minWeight)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(g, again) {
						t.Fatalf("build %d differs from the first", i+2)
					}
				}
			})
		}
	})
}

// signalsOr returns s, or all signals for nil: the cases of these tables were worked out
// by hand over every signal (the default, DefaultSignals, has its own test).
func signalsOr(s []network.Signal) []network.Signal {
	if len(s) == 0 {
		return network.AllSignals
	}
	return s
}

func TestBuildRejectsUnknownSignal(t *testing.T) {
	client := testdb.Client(t, "sqlite")
	_, err := network.Build(context.Background(), client, network.Filter{}, []network.Signal{"GOSSIP"}, 0)
	if err == nil || !strings.Contains(err.Error(), "GOSSIP") {
		t.Fatalf("err = %v, want an unknown-signal error", err)
	}
}

// TestBuildFilters checks the filters against the fixture, by hand:
//
//   - From 2018-01-01 (or seminar S2): only S2's evidence. C: O4 O5, SS2, S2, Y (talk;
//     expertise is undated and left out), M2 M3 = 7; D the same; E: O6, M3 = 2. C–D 7
//     (strength 7/7 = 1), C–E and D–E share M3: 1/(7+2−1) = 1/8. Doc (2016) is out.
//   - To 2017-12-31: S1's evidence and Doc (published 2016-05-01). A: O1 O2, SS1, S1,
//     X, M1 M2, Doc = 8; B: O1 O2 O3, SS1, S1, X, M1 M2 = 8; C: O3 = 1; D: Doc = 1.
//     A–B 7 (7/9), B–C O3 (1/8), A–D Doc (1/8).
//   - Term T1: as To 2017-12-31 but documents are left out by a term filter: A 7, B 8,
//     C 1. A–B 7 (7/8), B–C 1 (1/8).
//   - Region R1: M2 belonged to R1 on 2017-03-14, so O2 counts although M2 is in R2
//     today. Kept: O1 (M1), O2 (M2), S1 and SS1 (place M1, M2); O3 names nothing. A and
//     B: 2 outcomes, SS1, S1, X, M1 M2 = 7 each; A–B 7, strength 1. (With today's
//     region O2 would be out and A–B would weigh 5.)
//   - Region R2: O4 (M2 in R2 on 2019-05-01), O5, O6 (M3), S2, SS2 (place M2) — the
//     same as From 2018; O2 (M2 in R1 then) is out, so A and B are not nodes.
//   - Municipality M3: O5, O6 and S2 (its outcome O5 names M3); SS2 (place: O4 and S2
//     name M2) is out and with it Y. C: O5, S2, M3 = 3; D the same; E: O6, M3 = 2.
//     C–D 3 (3/3 = 1), C–E and D–E M3 1/(3+2−1) = 1/4.
//   - Term T2 and region R1 together: nothing.
func TestBuildFilters(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		client := db.Client()
		f := newFixture(t, client)
		tests := []struct {
			name   string
			filter network.Filter
			nodes  []string
			edges  map[string]wantEdge
		}{
			{"from 2018", network.Filter{From: ptr(day("2018-01-01"))}, []string{"C", "D", "E"},
				map[string]wantEdge{"C-D": {7, 1}, "C-E": {1, 1.0 / 8}, "D-E": {1, 1.0 / 8}}},
			{"seminar S2", network.Filter{SeminarIDs: []pulid.ID{f.S2.ID}}, []string{"C", "D", "E"},
				map[string]wantEdge{"C-D": {7, 1}, "C-E": {1, 1.0 / 8}, "D-E": {1, 1.0 / 8}}},
			{"to 2017", network.Filter{To: ptr(day("2017-12-31"))}, []string{"A", "B", "C", "D"},
				map[string]wantEdge{"A-B": {7, 7.0 / 9}, "B-C": {1, 1.0 / 8}, "A-D": {1, 1.0 / 8}}},
			{"from and to the kickoff day", network.Filter{From: ptr(day("2017-03-14")), To: ptr(day("2017-03-14"))}, []string{"A", "B", "C"},
				map[string]wantEdge{"A-B": {7, 7.0 / 8}, "B-C": {1, 1.0 / 8}}},
			{"term T1", network.Filter{TermIDs: []pulid.ID{f.T1.ID}}, []string{"A", "B", "C"},
				map[string]wantEdge{"A-B": {7, 7.0 / 8}, "B-C": {1, 1.0 / 8}}},
			{"region R1", network.Filter{RegionIDs: []pulid.ID{f.R1.ID}}, []string{"A", "B"},
				map[string]wantEdge{"A-B": {7, 1}}},
			{"region R2", network.Filter{RegionIDs: []pulid.ID{f.R2.ID}}, []string{"C", "D", "E"},
				map[string]wantEdge{"C-D": {7, 1}, "C-E": {1, 1.0 / 8}, "D-E": {1, 1.0 / 8}}},
			{"municipality M3", network.Filter{MunicipalityIDs: []pulid.ID{f.M3.ID}}, []string{"C", "D", "E"},
				map[string]wantEdge{"C-D": {3, 1}, "C-E": {1, 1.0 / 4}, "D-E": {1, 1.0 / 4}}},
			{"term T2 in region R1", network.Filter{TermIDs: []pulid.ID{f.T2.ID}, RegionIDs: []pulid.ID{f.R1.ID}}, nil,
				map[string]wantEdge{}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				g, err := network.Build(ctx, client, tc.filter, network.AllSignals, 0)
				if err != nil {
					t.Fatal(err)
				}
				if got := nodeLabels(f, g); !reflect.DeepEqual(got, tc.nodes) {
					t.Fatalf("nodes = %v, want %v", got, tc.nodes)
				}
				checkEdges(t, f, g, tc.edges)
			})
		}
	})
}

// TestRelated ranks by strength, then weight, then slug.
//
//	A: B 7/9 (w 7), D 1/7 (w 2), C 1/15 (w 1)
//	C: D 7/9, B 1/7, E 1/9, A 1/15
//	B over MUNICIPALITY: A 2/2 = 1; C and D 1/(2+2−1) = 1/3 with weight 1: by slug, C then D
func TestRelated(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		client := db.Client()
		f := newFixture(t, client)
		tests := []struct {
			name    string
			theme   pulid.ID
			signals []network.Signal
			first   int
			want    []string
		}{
			{"A", f.A.ID, nil, 0, []string{"B", "D", "C"}},
			{"A first 2", f.A.ID, nil, 2, []string{"B", "D"}},
			{"C", f.C.ID, nil, 10, []string{"D", "B", "E", "A"}},
			{"B municipalities", f.B.ID, []network.Signal{network.SignalMunicipality}, 0, []string{"A", "C", "D"}},
			{"E outcomes", f.E.ID, []network.Signal{network.SignalOutcome}, 0, nil},
			{"unknown theme", pulid.MustNew("th"), nil, 0, nil},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				edges, err := network.Related(ctx, client, tc.theme, signalsOr(tc.signals), tc.first)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, e := range edges {
					if e.Source != tc.theme {
						t.Errorf("source = %s, want the theme", e.Source)
					}
					got = append(got, f.labels[e.Target])
				}
				if !reflect.DeepEqual(got, tc.want) {
					t.Errorf("related = %v, want %v", got, tc.want)
				}
			})
		}
		edges, err := network.Related(ctx, client, f.A.ID, network.AllSignals, 1)
		if err != nil {
			t.Fatal(err)
		}
		if e := edges[0]; e.Weight != 7 || !near(e.Strength, 7.0/9) {
			t.Errorf("A's strongest = %+v, want B with weight 7, strength 7/9", e)
		}
	})
}

// TestEvidenceCap checks that an edge lists at most EvidenceCap IDs of a signal, the
// first ones, and counts them all.
func TestEvidenceCap(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		client := db.Client()
		f := newFixture(t, client)
		f.grow(t, client, 25) // extra themes x-extra-000 … 024, 25 outcomes on each pair
		g, err := network.Build(ctx, client, network.Filter{}, []network.Signal{network.SignalOutcome}, 0)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range g.Edges {
			if len(e.Evidence) != 1 || e.Evidence[0].Count != 25 {
				continue
			}
			found = true
			ids := e.Evidence[0].IDs
			if len(ids) != network.EvidenceCap {
				t.Fatalf("listed %d IDs, want %d", len(ids), network.EvidenceCap)
			}
			if !sort.SliceIsSorted(ids, func(i, j int) bool { return ids[i] < ids[j] }) {
				t.Errorf("IDs not sorted")
			}
		}
		if !found {
			t.Fatal("no edge with 25 shared outcomes")
		}
		// BuildFullEvidence lists every shared item, on the same edges.
		full, err := network.BuildFullEvidence(ctx, client, network.Filter{}, []network.Signal{network.SignalOutcome}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(full.Edges) != len(g.Edges) {
			t.Fatalf("%d edges with full evidence, %d without", len(full.Edges), len(g.Edges))
		}
		for i, e := range full.Edges {
			c := g.Edges[i]
			if e.Source != c.Source || e.Target != c.Target || e.Weight != c.Weight || e.Strength != c.Strength {
				t.Fatalf("edge %d: %+v, capped %+v", i, e, c)
			}
			for j, ev := range e.Evidence {
				if len(ev.IDs) != ev.Count || !slices.Equal(ev.IDs[:len(c.Evidence[j].IDs)], c.Evidence[j].IDs) {
					t.Errorf("edge %d: %d IDs of %d, capped %v", i, len(ev.IDs), ev.Count, c.Evidence[j].IDs)
				}
			}
		}
	})
}
