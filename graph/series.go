package graph

import (
	"context"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/networkterm"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/graph/model"
	"github.com/teemaverkko/teemaverkko/internal/network"
)

// themeNetworkSeries resolves Query.themeNetworkSeries: the series comes from the
// network service (one read of the data, kept until the next write), and the themes,
// terms and evidence items of every slice are loaded once for all slices, one query per
// type.
func themeNetworkSeries(ctx context.Context, c *ent.Client, networks *network.Service, by model.SeriesDimension, f *model.NetworkFilter,
	signals []model.NetworkSignal, minWeight *float64, maxEdges *int, matchThreshold *float64) (*model.ThemeNetworkSeries, error) {
	req, limit, err := networkRequest(f, signals, minWeight, maxEdges)
	if err != nil {
		return nil, err
	}
	chosen := req.Signals
	threshold := network.DefaultMatchThreshold
	if matchThreshold != nil {
		if err := network.CheckMatchThreshold(*matchThreshold); err != nil {
			return nil, badNetworkParam(err)
		}
		threshold = *matchThreshold
	}
	s, err := networks.Series(ctx, network.SeriesRequest{
		By:             network.Dimension(by),
		Request:        req,
		MatchThreshold: threshold,
	})
	if err != nil {
		return nil, err
	}

	var themeIDs, termIDs []pulid.ID
	edges := make([][]network.Edge, len(s.Slices))
	var allEdges []network.Edge
	for i, sl := range s.Slices {
		for _, n := range sl.Graph.Nodes {
			themeIDs = append(themeIDs, n.ThemeID)
		}
		if sl.TermID != "" {
			termIDs = append(termIDs, sl.TermID)
		}
		edges[i] = sl.Graph.Heaviest(limit)
		allEdges = append(allEdges, edges[i]...)
	}
	themes, err := themesByID(ctx, c, themeIDs)
	if err != nil {
		return nil, err
	}
	terms := map[pulid.ID]*ent.NetworkTerm{}
	if len(termIDs) > 0 && requested(ctx, "slices", "term") {
		ts, err := c.NetworkTerm.Query().Where(networkterm.IDIn(termIDs...)).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			terms[t.ID] = t
		}
	}
	items := map[pulid.ID]ent.Noder{}
	if requested(ctx, "slices", "network", "edges", "evidence", "items") {
		if items, err = nodesByID(ctx, c, evidenceIDs(allEdges)); err != nil {
			return nil, err
		}
	}
	themeList := func(ids []pulid.ID) []*ent.Theme {
		out := make([]*ent.Theme, len(ids))
		for i, id := range ids {
			out[i] = themes[id]
		}
		return out
	}

	out := &model.ThemeNetworkSeries{By: by, MatchThreshold: s.MatchThreshold,
		Slices: make([]*model.NetworkSlice, len(s.Slices)), Themes: make([]*model.ThemeTimeline, len(s.Themes))}
	for i, sl := range s.Slices {
		ms := &model.NetworkSlice{Index: i, Key: sl.Key, Label: sl.Label, Term: terms[sl.TermID], Start: sl.Start, End: sl.End,
			Network:     sliceNetwork(sl.Graph, chosen, edges[i], themes, items),
			Communities: make([]*model.SliceCommunity, len(sl.Communities)), Vanished: []*model.VanishedCommunity{}}
		if sl.Previous >= 0 {
			ms.Previous = &s.Slices[i].Previous
		}
		for j, cm := range sl.Communities {
			mc := &model.SliceCommunity{Community: cm.Community, Lineage: cm.Lineage, Themes: themeList(cm.Themes),
				Event: model.CommunityEvent(cm.Event), Predecessors: []*model.CommunityMatch{}}
			for _, p := range cm.Predecessors {
				mc.Predecessors = append(mc.Predecessors, &model.CommunityMatch{Community: p.Community, Lineage: p.Lineage, Overlap: p.Overlap})
			}
			ms.Communities[j] = mc
		}
		for _, v := range sl.Vanished {
			// A vanished community's themes were nodes of the previous slice, so loaded.
			ms.Vanished = append(ms.Vanished, &model.VanishedCommunity{Community: v.Community, Lineage: v.Lineage, Themes: themeList(v.Themes)})
		}
		out.Slices[i] = ms
	}
	for i, ts := range s.Themes {
		mt := &model.ThemeTimeline{Theme: themes[ts.ThemeID], Points: make([]*model.ThemeSlicePoint, len(ts.Points))}
		for j, p := range ts.Points {
			mp := &model.ThemeSlicePoint{SliceIndex: j, SliceKey: s.Slices[j].Key, Present: p.Present, Items: p.Items, Degree: p.Degree,
				WeightedDegree: p.WeightedDegree, Betweenness: p.Betweenness}
			if p.Present {
				mp.Community, mp.Lineage = &p.Community, &p.Lineage
			}
			mt.Points[j] = mp
		}
		out.Themes[i] = mt
	}
	return out, nil
}

// sliceNetwork converts one slice's network (with the edges kept under maxEdges).
func sliceNetwork(g *network.Graph, chosen []network.Signal, edges []network.Edge, themes map[pulid.ID]*ent.Theme, items map[pulid.ID]ent.Noder) *model.ThemeNetwork {
	out := &model.ThemeNetwork{
		Nodes: make([]*model.ThemeNetworkNode, 0, len(g.Nodes)), Edges: make([]*model.ThemeNetworkEdge, 0, len(edges)),
		EdgeCount: len(g.Edges), Truncated: len(edges) < len(g.Edges), StrengthMeasure: "JACCARD",
	}
	setSignals(out, g, chosen)
	for _, n := range g.Nodes {
		mn := &model.ThemeNetworkNode{Theme: themes[n.ThemeID], WeightedDegree: n.WeightedDegree, Betweenness: n.Betweenness,
			Community: n.Community, Counts: []*model.SignalCount{}}
		for _, s := range network.AllSignals {
			if c, ok := n.Counts[s]; ok {
				mn.Counts = append(mn.Counts, &model.SignalCount{Signal: model.NetworkSignal(s), Count: c})
			}
		}
		out.Nodes = append(out.Nodes, mn)
	}
	for _, e := range edges {
		out.Edges = append(out.Edges, &model.ThemeNetworkEdge{
			Source: themes[e.Source], Target: themes[e.Target], Weight: e.Weight, Strength: e.Strength,
			Evidence: evidenceOf(e.Evidence, items),
		})
	}
	return out
}
