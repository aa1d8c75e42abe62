package network

import (
	"math"
	"math/rand/v2"
	"testing"

	gnetwork "gonum.org/v1/gonum/graph/network"
	"gonum.org/v1/gonum/graph/path"
	"gonum.org/v1/gonum/graph/simple"
)

// TestBetweennessMatchesGonum compares betweenness with gonum's BetweennessWeighted (what
// the network used before) on random graphs whose distances are 1/weight of small whole
// weights, so that many pairs have several shortest paths of equal length.
func TestBetweennessMatchesGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 40 {
		n := 2 + rng.IntN(30)
		density := rng.Float64()
		adj := make([][]arc, n)
		g := simple.NewWeightedUndirectedGraph(0, math.Inf(1))
		for i := range n {
			g.AddNode(simple.Node(i))
		}
		for u := range n {
			for v := u + 1; v < n; v++ {
				if rng.Float64() > density {
					continue
				}
				d := 1 / float64(1+rng.IntN(3))
				adj[u] = append(adj[u], arc{v, d})
				adj[v] = append(adj[v], arc{u, d})
				g.SetWeightedEdge(simple.WeightedEdge{F: simple.Node(u), T: simple.Node(v), W: d})
			}
		}
		want := gnetwork.BetweennessWeighted(g, path.DijkstraAllPaths(g))
		got := betweenness(adj)
		for i := range n {
			if math.Abs(got[i]-want[int64(i)]) > 1e-9 {
				t.Fatalf("trial %d (%d nodes): node %d betweenness %v, gonum %v", trial, n, i, got[i], want[int64(i)])
			}
		}
	}
}
