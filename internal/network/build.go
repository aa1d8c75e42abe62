package network

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"

	"gonum.org/v1/gonum/graph/community"
	"gonum.org/v1/gonum/graph/simple"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
)

// EvidenceCap is the most item IDs an Evidence lists; Count is always the full count.
const EvidenceCap = 20

// communitySeed seeds the Louvain algorithm, so that communities are reproducible.
const communitySeed = 20170314

// Graph is the theme network.
type Graph struct {
	// Nodes are the themes with evidence, sorted by ThemeID.
	Nodes []Node
	// Edges are the co-occurrences of at least the minimum weight, sorted by Source
	// then Target, with Source < Target.
	Edges []Edge

	// rank is the indexes of Edges from the heaviest, computed once (Heaviest).
	rankOnce sync.Once
	rank     []int
}

// Heaviest returns the n heaviest edges (by weight, then strength, then the themes' IDs)
// in the order they have in Edges, or Edges itself when there are no more than n. The
// ranking is computed on the first call and kept: a built network is cached and asked
// again and again (82,179 edges at synthetic scale 10). Edges must not change after the
// first call; the result shares nothing that the caller may change.
func (g *Graph) Heaviest(n int) []Edge {
	if len(g.Edges) <= n {
		return g.Edges
	}
	g.rankOnce.Do(func() {
		g.rank = make([]int, len(g.Edges))
		for i := range g.rank {
			g.rank[i] = i
		}
		slices.SortFunc(g.rank, func(i, j int) int {
			a, b := g.Edges[i], g.Edges[j]
			return cmp.Or(cmp.Compare(b.Weight, a.Weight), cmp.Compare(b.Strength, a.Strength),
				cmp.Compare(a.Source, b.Source), cmp.Compare(a.Target, b.Target))
		})
	})
	kept := slices.Clone(g.rank[:n])
	slices.Sort(kept)
	out := make([]Edge, n)
	for k, i := range kept {
		out[k] = g.Edges[i]
	}
	return out
}

// Node is a theme in the network.
type Node struct {
	// ThemeID is the theme's ID.
	ThemeID pulid.ID
	// Slug and Name are the theme's slug and Finnish name; NameEn its English name
	// ("" when it has none).
	Slug, Name, NameEn string
	// Counts is the number of items of each chosen signal tied to the theme.
	Counts map[Signal]int
	// WeightedDegree is the sum of the weights of the theme's edges.
	WeightedDegree float64
	// Betweenness is the theme's betweenness centrality (see the package documentation).
	Betweenness float64
	// Community is the theme's Louvain community, numbered from 0.
	Community int
}

// Edge is the co-occurrence of two themes.
type Edge struct {
	// Source and Target are the two themes' IDs.
	Source, Target pulid.ID
	// Weight is the number of items the two themes share, over the chosen signals.
	Weight float64
	// Strength is the Jaccard index of the two themes' items over the chosen signals,
	// in [0, 1].
	Strength float64
	// Evidence lists the shared items of each signal that has any, in signal order.
	Evidence []Evidence
}

// Evidence is the shared items of one signal.
type Evidence struct {
	// Signal is the kind of item.
	Signal Signal
	// Count is the number of shared items.
	Count int
	// IDs are the shared items in ID order, at most EvidenceCap of them.
	IDs []pulid.ID
}

// Build computes the theme network from the evidence the filter keeps, over the chosen
// signals (nil or empty: DefaultSignals), keeping the edges whose weight is at least minWeight.
// It issues at most five SELECT statements, whatever the size of the data. It holds every
// link row it reads while it runs and touches no process-wide state; a server asks a
// Service, which shares, bounds and caches builds.
func Build(ctx context.Context, client *ent.Client, f Filter, signals []Signal, minWeight float64) (*Graph, error) {
	signals, err := normalizeSignals(signals)
	if err != nil {
		return nil, err
	}
	ds, err := load(ctx, client, needFor(f, signals))
	if err != nil {
		return nil, fmt.Errorf("build network: %w", err)
	}
	g := cooccurrence(ds, newScope(ds, f).evidence(signals), signals, minWeight, EvidenceCap)
	g.measure()
	return g, nil
}

// BuildFullEvidence computes the edges of the network Build computes, with every shared
// item listed in their Evidence (no EvidenceCap), for exports that cite all of them. Its
// nodes carry counts but no measures (WeightedDegree, Betweenness and Community are
// zero): the network's measures come from Build. It issues the statements Build does.
func BuildFullEvidence(ctx context.Context, client *ent.Client, f Filter, signals []Signal, minWeight float64) (*Graph, error) {
	signals, err := normalizeSignals(signals)
	if err != nil {
		return nil, err
	}
	ds, err := load(ctx, client, needFor(f, signals))
	if err != nil {
		return nil, fmt.Errorf("build full evidence: %w", err)
	}
	return cooccurrence(ds, newScope(ds, f).evidence(signals), signals, minWeight, 0), nil
}

// pairKey is an unordered pair of theme indexes, a < b.
type pairKey struct{ a, b int }

// pairAcc accumulates the shared items of a pair.
type pairAcc struct {
	counts [numSignals]int
	ids    [numSignals][]pulid.ID
}

// cooccurrence builds the nodes and edges (without measures) from the evidence, listing
// at most idCap IDs per signal on an edge (0: all).
func cooccurrence(ds *dataset, ev *evidence, signals []Signal, minWeight float64, idCap int) *Graph {
	g := &Graph{Nodes: []Node{}, Edges: []Edge{}}
	totals := make([]int, len(ds.themes))
	for t, th := range ds.themes {
		counts := make(map[Signal]int, len(signals))
		for _, s := range signals {
			n := ev.count(s, t)
			counts[s] = n
			totals[t] += n
		}
		if totals[t] > 0 {
			g.Nodes = append(g.Nodes, Node{ThemeID: th.id, Slug: th.slug, Name: th.name, NameEn: th.nameEn, Counts: counts})
		}
	}

	pairs := map[pairKey]*pairAcc{}
	for _, s := range signals {
		si := s.index()
		// Invert theme → items into item → themes, then visit items in ID order so that
		// the capped ID lists are the first IDs.
		themesOf := map[pulid.ID][]int{}
		for t, items := range ev.items[si] {
			for item := range items {
				themesOf[item] = append(themesOf[item], t)
			}
		}
		for _, item := range sortedKeys(themesOf) {
			ts := themesOf[item]
			sort.Ints(ts)
			for i := 0; i < len(ts); i++ {
				for j := i + 1; j < len(ts); j++ {
					k := pairKey{ts[i], ts[j]}
					acc := pairs[k]
					if acc == nil {
						acc = &pairAcc{}
						pairs[k] = acc
					}
					acc.counts[si]++
					if idCap == 0 || len(acc.ids[si]) < idCap {
						acc.ids[si] = append(acc.ids[si], item)
					}
				}
			}
		}
	}

	// The edges' evidence lists and (capped) ID lists are cut from two arrays for the
	// whole network, so that a kept network is a few large objects, not four small ones
	// per edge for the collector to visit (20,386 edges at synthetic scale 10). Uncapped
	// lists (full evidence, for an export) are kept as they are: copying them would
	// double what the build holds.
	weight := func(acc *pairAcc) int {
		w := 0
		for _, s := range signals {
			w += acc.counts[s.index()]
		}
		return w
	}
	var nEdges, nEvidence, nIDs int
	for _, acc := range pairs {
		if w := weight(acc); w == 0 || float64(w) < minWeight {
			continue
		}
		nEdges++
		for _, s := range signals {
			if si := s.index(); acc.counts[si] > 0 {
				nEvidence++
				if idCap > 0 {
					nIDs += len(acc.ids[si])
				}
			}
		}
	}
	g.Edges = make([]Edge, 0, nEdges)
	evBuf := make([]Evidence, 0, nEvidence)
	idBuf := make([]pulid.ID, 0, nIDs)
	for k, acc := range pairs {
		w := weight(acc)
		if w == 0 || float64(w) < minWeight {
			continue
		}
		first := len(evBuf)
		for _, s := range signals {
			si := s.index()
			if acc.counts[si] == 0 {
				continue
			}
			ids := acc.ids[si]
			if idCap > 0 {
				from := len(idBuf)
				idBuf = append(idBuf, ids...)
				ids = idBuf[from:len(idBuf):len(idBuf)]
			}
			evBuf = append(evBuf, Evidence{Signal: s, Count: acc.counts[si], IDs: ids})
		}
		union := totals[k.a] + totals[k.b] - w
		g.Edges = append(g.Edges, Edge{
			Source:   ds.themes[k.a].id,
			Target:   ds.themes[k.b].id,
			Weight:   float64(w),
			Strength: float64(w) / float64(union),
			Evidence: evBuf[first:len(evBuf):len(evBuf)],
		})
	}
	sort.Slice(g.Edges, func(i, j int) bool {
		a, b := g.Edges[i], g.Edges[j]
		if a.Source != b.Source {
			return a.Source < b.Source
		}
		return a.Target < b.Target
	})
	return g
}

// measure computes the weighted degree, betweenness and community of every node.
func (g *Graph) measure() {
	if len(g.Nodes) == 0 {
		return
	}
	index := make(map[pulid.ID]int64, len(g.Nodes))
	// weights: edge weight for Louvain; dist: 1/weight for shortest paths.
	weights := simple.NewWeightedUndirectedGraph(0, 0)
	dist := make([][]arc, len(g.Nodes))
	for i, n := range g.Nodes {
		index[n.ThemeID] = int64(i)
		weights.AddNode(simple.Node(i))
		g.Nodes[i].WeightedDegree = 0
	}
	for _, e := range g.Edges {
		u, v := index[e.Source], index[e.Target]
		g.Nodes[u].WeightedDegree += e.Weight
		g.Nodes[v].WeightedDegree += e.Weight
		weights.SetWeightedEdge(simple.WeightedEdge{F: simple.Node(u), T: simple.Node(v), W: e.Weight})
		dist[u] = append(dist[u], arc{int(v), 1 / e.Weight})
		dist[v] = append(dist[v], arc{int(u), 1 / e.Weight})
	}

	// Betweenness counts each undirected pair in both directions; halve it.
	bc := betweenness(dist)
	for i := range g.Nodes {
		g.Nodes[i].Betweenness = round9(bc[i] / 2)
	}

	// Communities: Louvain with a fixed seed, numbered by their smallest member.
	comms := community.Modularize(weights, 1, rand.NewPCG(communitySeed, communitySeed)).Communities()
	members := make([][]int, 0, len(comms))
	for _, c := range comms {
		if len(c) == 0 {
			continue
		}
		ids := make([]int, len(c))
		for j, n := range c {
			ids[j] = int(n.ID())
		}
		sort.Ints(ids)
		members = append(members, ids)
	}
	sort.Slice(members, func(i, j int) bool { return members[i][0] < members[j][0] })
	for label, ids := range members {
		for _, i := range ids {
			g.Nodes[i].Community = label
		}
	}
}

// round9 rounds to nine decimals, hiding floating-point summation order.
func round9(x float64) float64 { return math.Round(x*1e9) / 1e9 }
