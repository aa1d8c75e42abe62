package graph_test

import (
	"math"
	"reflect"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/internal/database"
)

// TestThemeNetworkSignalShares asks the seed knowledge's network through the API with
// the default signals and with all of them, and checks signals and signalShares against
// a recomputation from the edges' own evidence (every edge: maxEdges 20000), against the
// figures the README quotes, and that maxEdges does not change them.
func TestThemeNetworkSignalShares(t *testing.T) {
	type share struct {
		Signal      string
		Edges       int
		OnlyEdges   int
		Weight      float64
		WeightShare float64
	}
	type result struct {
		ThemeNetwork struct {
			EdgeCount    int
			Signals      []string
			SignalShares []share
			Edges        []struct {
				Weight   float64
				Evidence []struct {
					Signal string
					Count  int
				}
			}
		}
	}
	const q = `query($signals: [NetworkSignal!], $max: Int) { themeNetwork(signals: $signals, maxEdges: $max) {
	  edgeCount signals signalShares { signal edges onlyEdges weight weightShare }
	  edges { weight evidence { signal count } } } }`
	all := []string{"OUTCOME", "SESSION", "SEMINAR", "EXPERT", "MUNICIPALITY", "DOCUMENT"}
	tests := []struct {
		name        string
		signals     any
		wantSignals []string
		wantEdges   int
		// check holds figures the README quotes: signal -> {onlyEdges, weight}.
		check map[string][2]float64
	}{
		{"default", nil, []string{"OUTCOME", "SESSION", "SEMINAR"}, 73,
			map[string][2]float64{"SESSION": {47, 82}, "OUTCOME": {1, 18}, "SEMINAR": {10, 16}}},
		{"all", all, all, 356, map[string][2]float64{"DOCUMENT": {279, 453}, "EXPERT": {4, 91}}},
		{"documents", []string{"DOCUMENT"}, []string{"DOCUMENT"}, 352, map[string][2]float64{"DOCUMENT": {352, 453}}},
	}
	eachSeeded(t, func(t *testing.T, db *database.DB, client *ent.Client) {
		srv := apiServer(t, client)
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				var full, capped result
				mustPost(t, srv, q, map[string]any{"signals": tc.signals, "max": 20000}, &full)
				mustPost(t, srv, q, map[string]any{"signals": tc.signals, "max": 5}, &capped)
				n := full.ThemeNetwork
				if !reflect.DeepEqual(n.Signals, tc.wantSignals) {
					t.Errorf("signals = %v, want %v", n.Signals, tc.wantSignals)
				}
				if n.EdgeCount != tc.wantEdges || len(n.Edges) != n.EdgeCount {
					t.Errorf("edgeCount %d, %d edges returned, want %d", n.EdgeCount, len(n.Edges), tc.wantEdges)
				}
				// Recompute from the evidence.
				want := map[string]*share{}
				total := 0.0
				for _, e := range n.Edges {
					sum := 0
					for _, ev := range e.Evidence {
						s := want[ev.Signal]
						if s == nil {
							s = &share{Signal: ev.Signal}
							want[ev.Signal] = s
						}
						s.Edges++
						s.Weight += float64(ev.Count)
						if len(e.Evidence) == 1 {
							s.OnlyEdges++
						}
						sum += ev.Count
					}
					if float64(sum) != e.Weight {
						t.Fatalf("an edge weighs %v but its evidence counts %d", e.Weight, sum)
					}
					total += e.Weight
				}
				if len(n.SignalShares) != len(tc.wantSignals) {
					t.Fatalf("signalShares = %+v, want one per signal of %v", n.SignalShares, tc.wantSignals)
				}
				sumShares := 0.0
				for i, got := range n.SignalShares {
					w := share{Signal: tc.wantSignals[i]}
					if p := want[w.Signal]; p != nil {
						w = *p
						w.WeightShare = w.Weight / total
					}
					if got.Signal != w.Signal || got.Edges != w.Edges || got.OnlyEdges != w.OnlyEdges || got.Weight != w.Weight ||
						math.Abs(got.WeightShare-w.WeightShare) > 1e-12 {
						t.Errorf("share %d = %+v, recomputed %+v", i, got, w)
					}
					if c, ok := tc.check[got.Signal]; ok && (float64(got.OnlyEdges) != c[0] || got.Weight != c[1]) {
						t.Errorf("%s: %d edges of its own, weight %v; the README says %v, %v", got.Signal, got.OnlyEdges, got.Weight, c[0], c[1])
					}
					sumShares += got.WeightShare
				}
				if math.Abs(sumShares-1) > 1e-9 {
					t.Errorf("weight shares add up to %v", sumShares)
				}
				if !reflect.DeepEqual(capped.ThemeNetwork.SignalShares, n.SignalShares) {
					t.Errorf("maxEdges 5 changed the shares: %+v, want %+v", capped.ThemeNetwork.SignalShares, n.SignalShares)
				}
			})
		}
	})
}
