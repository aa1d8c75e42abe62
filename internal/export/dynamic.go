package export

import (
	"fmt"
	"io"
	"sort"
	"strconv"

	"github.com/teemaverkko/teemaverkko/ent/schema/calendar"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/internal/network"
)

// DynamicGEXF writes a series as one dynamic, undirected GEXF 1.3 graph
// (mode="dynamic", timeformat="date"), which Gephi's timeline plays. Every theme that
// is a node of some slice is a node, and every pair of themes with an edge in some
// slice an edge; each has a spell per slice it is in (the slice's first and last day).
// Static node attributes: label (Finnish, Gephi's label), label_en, slug. Dynamic node
// attributes, one value per slice: items, weighted_degree, betweenness, community,
// lineage (the community matched across slices). Dynamic edge attributes: weight (the
// edge's weight in the slice; an edge has no static weight) and strength. Slices must
// not overlap in time (Series.Overlapping): a theme would have two values at once.
func DynamicGEXF(w io.Writer, s *network.Series) error {
	if s == nil {
		return fmt.Errorf("export: nil series")
	}
	dyn := func(class string, attrs ...[2]string) gexfAttributes {
		a := gexfAttributes{Class: class, Mode: "dynamic"}
		for _, at := range attrs {
			a.Attributes = append(a.Attributes, gexfAttribute{ID: at[0], Title: at[0], Type: at[1]})
		}
		return a
	}
	doc := newGEXF("Co-occurrence network of development themes by " + string(s.By))
	doc.Graph.Mode, doc.Graph.TimeFormat, doc.Graph.TimeRepr = "dynamic", "date", "interval"
	doc.Graph.Attributes = []gexfAttributes{
		{Class: "node", Mode: "static", Attributes: []gexfAttribute{
			{ID: "label_en", Title: "label_en", Type: "string"}, {ID: "slug", Title: "slug", Type: "string"}}},
		dyn("node", [2]string{"items", "integer"}, [2]string{"weighted_degree", "double"}, [2]string{"betweenness", "double"},
			[2]string{"community", "integer"}, [2]string{"lineage", "integer"}),
		dyn("edge", [2]string{"weight", "double"}, [2]string{"strength", "double"}),
	}

	type nodeAcc struct {
		node   network.Node
		vals   []gexfAttValue
		spells []gexfSpell
	}
	type edgeAcc struct {
		vals   []gexfAttValue
		spells []gexfSpell
	}
	nodes := map[pulid.ID]*nodeAcc{}
	edges := map[[2]pulid.ID]*edgeAcc{}
	for _, sl := range s.Slices {
		start, end := calendar.Format(sl.Start, calendar.Day), calendar.Format(sl.End, calendar.Day)
		at := func(id, v string) gexfAttValue { return gexfAttValue{For: id, Value: v, Start: start, End: end} }
		for _, n := range sl.Graph.Nodes {
			a := nodes[n.ThemeID]
			if a == nil {
				a = &nodeAcc{node: n}
				nodes[n.ThemeID] = a
			}
			items := 0
			for _, c := range n.Counts {
				items += c
			}
			a.vals = append(a.vals, at("items", strconv.Itoa(items)), at("weighted_degree", num(n.WeightedDegree)),
				at("betweenness", num(n.Betweenness)), at("community", strconv.Itoa(n.Community)),
				at("lineage", strconv.Itoa(sl.Communities[n.Community].Lineage)))
			a.spells = append(a.spells, gexfSpell{Start: start, End: end})
		}
		for _, e := range sl.Graph.Edges {
			k := [2]pulid.ID{e.Source, e.Target}
			a := edges[k]
			if a == nil {
				a = &edgeAcc{}
				edges[k] = a
			}
			a.vals = append(a.vals, at("weight", num(e.Weight)), at("strength", num(e.Strength)))
			a.spells = append(a.spells, gexfSpell{Start: start, End: end})
		}
	}

	nodeIDs := sortedKeys(nodes)
	doc.Graph.Nodes = gexfNodes{Count: len(nodes), Nodes: make([]gexfNode, 0, len(nodes))}
	for _, id := range nodeIDs {
		a := nodes[id]
		vals := append([]gexfAttValue{{For: "label_en", Value: labelEn(a.node)}, {For: "slug", Value: a.node.Slug}}, a.vals...)
		doc.Graph.Nodes.Nodes = append(doc.Graph.Nodes.Nodes, gexfNode{ID: string(id), Label: label(a.node),
			AttValues: gexfAttValues{vals}, Spells: &gexfSpells{a.spells}})
	}
	keys := make([][2]pulid.ID, 0, len(edges))
	for k := range edges {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i][0] != keys[j][0] {
			return keys[i][0] < keys[j][0]
		}
		return keys[i][1] < keys[j][1]
	})
	doc.Graph.Edges = gexfEdges{Count: len(keys), Edges: make([]gexfEdge, 0, len(keys))}
	for i, k := range keys {
		a := edges[k]
		doc.Graph.Edges.Edges = append(doc.Graph.Edges.Edges, gexfEdge{ID: strconv.Itoa(i), Source: string(k[0]), Target: string(k[1]),
			AttValues: gexfAttValues{a.vals}, Spells: &gexfSpells{a.spells}})
	}
	return writeXML(w, doc, "dynamic GEXF")
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[pulid.ID]V) []pulid.ID {
	keys := make([]pulid.ID, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}
