package network

import (
	"context"
	"fmt"
	"sort"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
)

// Limits of Paths.
const (
	// DefaultMaxHops is the path length Paths searches to when maxHops is not positive.
	DefaultMaxHops = 4
	// MaxHops is the longest path Paths searches for, whatever maxHops asks.
	MaxHops = 6
	// DefaultMaxPaths is the number of paths Paths returns when maxPaths is not positive.
	DefaultMaxPaths = 10
	// MaxPaths is the most paths Paths returns, whatever maxPaths asks.
	MaxPaths = 100
)

// Path is a chain of links from one entity to another.
type Path struct {
	// Steps are the links in order; the first starts at the path's origin and each
	// next one starts where the previous one ended.
	Steps []Step
}

// Step is one link of a path.
type Step struct {
	// From and To are the IDs of the entities the link joins, in the path's direction.
	From, To pulid.ID
	// Edge names the link as the field of From's type that leads to To, as in the
	// GraphQL API ("Outcome.themes", "Theme.outcomes", "Expert.organization").
	Edge string
}

// neighbor is one entry of the adjacency.
type neighbor struct {
	to   pulid.ID
	edge string
}

// Paths returns the shortest chains that link two entities of any type through the
// knowledge graph: outcomes, sessions, seminars, themes (and their parents), experts
// (talks, moderation, statements, expertise, authorship, organisation, municipality),
// municipalities, organisations, networks, network terms and documents (authors,
// themes, publisher). Citations of sources are not links: nearly every fact cites the
// same article, which would make everything two steps apart. Region membership is
// reference data, not knowledge, and is not a link either.
//
// All shortest paths of at most maxHops steps are enumerated (maxHops: DefaultMaxHops
// when not positive, at most MaxHops), at most maxPaths of them (DefaultMaxPaths when
// not positive, at most MaxPaths), in a deterministic order: lexicographic by the IDs
// of the entities along the path, then by edge name. Unreachable entities, and IDs
// that name nothing, give no paths; from == to gives one path of no steps.
//
// The whole link graph is loaded in one SELECT (a UNION ALL over the join tables and
// foreign keys) and searched in memory by breadth-first search: O(L) memory and time for
// L links. The knowledge base is small (thousands of links); for millions, the search
// would instead expand the frontier from both ends with one query per level (at most
// 2·maxHops statements), reading only the links of the frontier.
func Paths(ctx context.Context, client *ent.Client, from, to pulid.ID, maxHops int, maxPaths int) ([]Path, error) {
	if maxHops <= 0 {
		maxHops = DefaultMaxHops
	}
	maxHops = min(maxHops, MaxHops)
	if maxPaths <= 0 {
		maxPaths = DefaultMaxPaths
	}
	maxPaths = min(maxPaths, MaxPaths)
	if from == to {
		return []Path{{Steps: []Step{}}}, nil
	}
	ls, err := loadLinks(ctx, client, allLinks())
	if err != nil {
		return nil, fmt.Errorf("find paths: %w", err)
	}
	adj := adjacency(ls)
	return shortestPaths(adj, from, to, maxHops, maxPaths), nil
}

// adjacency builds the undirected adjacency of the link graph, each list sorted by
// neighbour ID then edge name.
func adjacency(ls *links) map[pulid.ID][]neighbor {
	adj := map[pulid.ID][]neighbor{}
	for k, pairs := range ls {
		d := linkDefs[k]
		for _, p := range pairs {
			if p[0] == p[1] {
				continue
			}
			adj[p[0]] = append(adj[p[0]], neighbor{to: p[1], edge: d.fwd})
			adj[p[1]] = append(adj[p[1]], neighbor{to: p[0], edge: d.inv})
		}
	}
	for id, ns := range adj {
		sort.Slice(ns, func(i, j int) bool {
			if ns[i].to != ns[j].to {
				return ns[i].to < ns[j].to
			}
			return ns[i].edge < ns[j].edge
		})
		adj[id] = ns
	}
	return adj
}

// shortestPaths enumerates the shortest paths from one node to another.
func shortestPaths(adj map[pulid.ID][]neighbor, from, to pulid.ID, maxHops, maxPaths int) []Path {
	out := []Path{}
	if _, ok := adj[from]; !ok {
		return out
	}
	if _, ok := adj[to]; !ok {
		return out
	}
	// Breadth-first search from `from`, level by level, until `to` is reached.
	dist := map[pulid.ID]int{from: 0}
	levels := [][]pulid.ID{{from}}
	found := false
	for depth := 1; depth <= maxHops && !found; depth++ {
		var next []pulid.ID
		for _, u := range levels[depth-1] {
			for _, n := range adj[u] {
				if _, seen := dist[n.to]; seen {
					continue
				}
				dist[n.to] = depth
				next = append(next, n.to)
				if n.to == to {
					found = true
				}
			}
		}
		if len(next) == 0 {
			break
		}
		levels = append(levels, next)
	}
	if !found {
		return out
	}
	hops := dist[to]
	// Mark the nodes on some shortest path: walk back from `to` level by level.
	useful := map[pulid.ID]bool{to: true}
	for depth := hops; depth > 0; depth-- {
		for _, v := range levels[depth] {
			if !useful[v] {
				continue
			}
			for _, n := range adj[v] {
				if d, ok := dist[n.to]; ok && d == depth-1 {
					useful[n.to] = true
				}
			}
		}
	}
	// Enumerate forward in adjacency order: every branch reaches `to`.
	steps := make([]Step, 0, hops)
	var walk func(u pulid.ID, depth int) bool
	walk = func(u pulid.ID, depth int) bool {
		if u == to {
			out = append(out, Path{Steps: append([]Step(nil), steps...)})
			return len(out) >= maxPaths
		}
		for _, n := range adj[u] {
			if d, ok := dist[n.to]; !ok || d != depth+1 || !useful[n.to] {
				continue
			}
			steps = append(steps, Step{From: u, To: n.to, Edge: n.edge})
			done := walk(n.to, depth+1)
			steps = steps[:len(steps)-1]
			if done {
				return true
			}
		}
		return false
	}
	walk(from, 0)
	return out
}
