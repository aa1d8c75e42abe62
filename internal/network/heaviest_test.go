package network

import (
	"slices"
	"testing"
)

// TestHeaviest checks the bound on a network's edges: the heaviest, ties broken by
// strength and then the themes' IDs, kept in the network's order, the same on every call.
func TestHeaviest(t *testing.T) {
	g := &Graph{Edges: []Edge{
		{Source: "a", Target: "b", Weight: 1, Strength: 0.5},
		{Source: "a", Target: "c", Weight: 3, Strength: 0.1},
		{Source: "b", Target: "c", Weight: 2, Strength: 0.2},
		{Source: "b", Target: "d", Weight: 2, Strength: 0.9},
		{Source: "c", Target: "d", Weight: 2, Strength: 0.9},
	}}
	pairs := func(es []Edge) (out []string) {
		for _, e := range es {
			out = append(out, string(e.Source)+string(e.Target))
		}
		return out
	}
	for range 2 {
		if got := pairs(g.Heaviest(3)); !slices.Equal(got, []string{"ac", "bd", "cd"}) {
			t.Fatalf("Heaviest(3) = %v", got)
		}
	}
	if got := pairs(g.Heaviest(2)); !slices.Equal(got, []string{"ac", "bd"}) {
		t.Fatalf("Heaviest(2) = %v", got)
	}
	if got := g.Heaviest(5); len(got) != 5 || &got[0] != &g.Edges[0] {
		t.Fatal("Heaviest(len) should return the edges themselves")
	}
}
