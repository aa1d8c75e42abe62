package network

// SignalShare is how much of a network one signal accounts for: the edges it appears
// on, the edges it alone makes, and its part of the total weight.
type SignalShare struct {
	// Signal is the kind of item.
	Signal Signal
	// Edges is the number of edges with at least one shared item of this signal.
	Edges int
	// OnlyEdges is the number of edges whose every shared item is of this signal: the
	// edges the network would lose without it.
	OnlyEdges int
	// Weight is the sum over the edges of the items of this signal they share.
	Weight float64
	// WeightShare is Weight over the total weight of the edges, from 0 to 1 (0 for a
	// network without edges).
	WeightShare float64
}

// Shares returns the share of each of the given signals (in canonical order; nil or
// empty: the signals of the graph's evidence) in the edges of g. Every edge counts, the
// ones a view leaves out too: the shares describe the network, not a drawing of it.
// An edge's weight is the sum of its evidence counts, so the weight shares add up to 1.
func Shares(g *Graph, signals []Signal) []SignalShare {
	var per [numSignals]SignalShare
	var seen [numSignals]bool
	total := 0.0
	for _, e := range g.Edges {
		for _, ev := range e.Evidence {
			i := ev.Signal.index()
			if i < 0 || ev.Count == 0 {
				continue
			}
			seen[i] = true
			per[i].Edges++
			per[i].Weight += float64(ev.Count)
			total += float64(ev.Count)
			if len(e.Evidence) == 1 {
				per[i].OnlyEdges++
			}
		}
	}
	var chosen [numSignals]bool
	if len(signals) == 0 {
		chosen = seen
	}
	for _, s := range signals {
		if i := s.index(); i >= 0 {
			chosen[i] = true
		}
	}
	var out []SignalShare
	for i, s := range AllSignals {
		if !chosen[i] {
			continue
		}
		sh := per[i]
		sh.Signal = s
		if total > 0 {
			sh.WeightShare = sh.Weight / total
		}
		out = append(out, sh)
	}
	return out
}
