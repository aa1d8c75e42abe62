package network_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/network"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// TestDefaultSignals checks that no choice of signals means DefaultSignals (what the
// seminars discussed), in Build, Related and Chosen alike.
func TestDefaultSignals(t *testing.T) {
	want := []network.Signal{network.SignalOutcome, network.SignalSession, network.SignalSeminar}
	if !reflect.DeepEqual(network.DefaultSignals, want) {
		t.Fatalf("DefaultSignals = %v, want %v", network.DefaultSignals, want)
	}
	for _, in := range [][]network.Signal{nil, {}} {
		if got, err := network.Chosen(in); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("Chosen(%v) = %v, %v, want %v", in, got, err, want)
		}
	}
	if got, err := network.Chosen([]network.Signal{network.SignalDocument, network.SignalOutcome, network.SignalDocument}); err != nil ||
		!reflect.DeepEqual(got, []network.Signal{network.SignalOutcome, network.SignalDocument}) {
		t.Errorf("Chosen(DOCUMENT, OUTCOME, DOCUMENT) = %v, %v, want OUTCOME, DOCUMENT", got, err)
	}
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		client := db.Client()
		f := newFixture(t, client)
		def, err := network.Build(ctx, client, network.Filter{}, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		explicit, err := network.Build(ctx, client, network.Filter{}, want, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(def, explicit) {
			t.Error("the network without signals differs from the one over DefaultSignals")
		}
		// By hand (see the fixture): A–B and C–D share 2 outcomes, a session and a
		// seminar; B–C one outcome. The municipalities, the expert and the document no
		// longer tie anything.
		checkEdges(t, f, def, map[string]wantEdge{"A-B": {4, 4.0 / 5}, "B-C": {1, 1.0 / 9}, "C-D": {4, 4.0 / 5}})
		rel, err := network.Related(ctx, client, f.A.ID, nil, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(rel) != 1 || rel[0].Target != f.B.ID || rel[0].Weight != 4 {
			t.Errorf("A's related themes by default = %+v, want only B with weight 4", rel)
		}
	})
}

// TestShares checks each signal's share of the fixture's network against the evidence
// worked out by hand (see TestBuildWeightsStrengthsEvidence): over all signals the
// edges are A–B 7 (2 outcomes, a session, a seminar, an expert, 2 municipalities), C–D
// the same, A–C 1 (a municipality), A–D 2 (a municipality, a document), B–C 2 (an
// outcome, a municipality), B–D, C–E and D–E 1 (a municipality each).
func TestShares(t *testing.T) {
	type share = network.SignalShare
	O, S, SE, E, M, D := network.SignalOutcome, network.SignalSession, network.SignalSeminar, network.SignalExpert, network.SignalMunicipality, network.SignalDocument
	tests := []struct {
		name      string
		signals   []network.Signal
		minWeight float64
		want      []share
	}{
		{"default", nil, 0, []share{
			{O, 3, 1, 5, 5.0 / 9}, {S, 2, 0, 2, 2.0 / 9}, {SE, 2, 0, 2, 2.0 / 9},
		}},
		{"all", network.AllSignals, 0, []share{
			{O, 3, 0, 5, 5.0 / 22}, {S, 2, 0, 2, 2.0 / 22}, {SE, 2, 0, 2, 2.0 / 22},
			{E, 2, 0, 2, 2.0 / 22}, {M, 8, 4, 10, 10.0 / 22}, {D, 1, 0, 1, 1.0 / 22},
		}},
		{"all, minWeight 2", network.AllSignals, 2, []share{
			{O, 3, 0, 5, 5.0 / 18}, {S, 2, 0, 2, 2.0 / 18}, {SE, 2, 0, 2, 2.0 / 18},
			{E, 2, 0, 2, 2.0 / 18}, {M, 4, 0, 6, 6.0 / 18}, {D, 1, 0, 1, 1.0 / 18},
		}},
		{"documents", []network.Signal{D}, 0, []share{{D, 1, 1, 1, 1}}},
		// No edge at all: every share is zero, none is NaN.
		{"nothing heavy enough", []network.Signal{O, S}, 100, []share{{O, 0, 0, 0, 0}, {S, 0, 0, 0, 0}}},
	}
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		client := db.Client()
		newFixture(t, client)
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				chosen, err := network.Chosen(tc.signals)
				if err != nil {
					t.Fatal(err)
				}
				g, err := network.Build(ctx, client, network.Filter{}, chosen, tc.minWeight)
				if err != nil {
					t.Fatal(err)
				}
				got := network.Shares(g, chosen)
				if len(got) != len(tc.want) {
					t.Fatalf("shares = %+v, want %+v", got, tc.want)
				}
				sum := 0.0
				for i, w := range tc.want {
					g := got[i]
					sum += g.WeightShare
					if g.Signal != w.Signal || g.Edges != w.Edges || g.OnlyEdges != w.OnlyEdges || g.Weight != w.Weight || !near(g.WeightShare, w.WeightShare) {
						t.Errorf("share %d = %+v, want %+v", i, g, w)
					}
				}
				if len(g.Edges) > 0 && !near(sum, 1) {
					t.Errorf("weight shares add up to %v, want 1", sum)
				}
			})
		}
	})
}
