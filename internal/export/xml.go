package export

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"

	"github.com/teemaverkko/teemaverkko/internal/network"
)

// GraphML structures (http://graphml.graphdrawing.org/specification.html).
type (
	gmlDoc struct {
		XMLName xml.Name `xml:"graphml"`
		XMLNS   string   `xml:"xmlns,attr"`
		Keys    []gmlKey `xml:"key"`
		Graph   gmlGraph `xml:"graph"`
	}
	gmlKey struct {
		ID   string `xml:"id,attr"`
		For  string `xml:"for,attr"`
		Name string `xml:"attr.name,attr"`
		Type string `xml:"attr.type,attr"`
	}
	gmlGraph struct {
		ID          string    `xml:"id,attr"`
		EdgeDefault string    `xml:"edgedefault,attr"`
		Nodes       []gmlNode `xml:"node"`
		Edges       []gmlEdge `xml:"edge"`
	}
	gmlNode struct {
		ID   string    `xml:"id,attr"`
		Data []gmlData `xml:"data"`
	}
	gmlEdge struct {
		ID     string    `xml:"id,attr"`
		Source string    `xml:"source,attr"`
		Target string    `xml:"target,attr"`
		Data   []gmlData `xml:"data"`
	}
	gmlData struct {
		Key   string `xml:"key,attr"`
		Value string `xml:",chardata"`
	}
)

// GraphML writes g as an undirected GraphML graph. Node data: label, slug, one count
// per signal, weighted_degree, betweenness, community; edge data: weight, strength and
// the shared items per signal (shared_outcomes, …). Key IDs are the attribute names prefixed with "n_" or
// "e_"; attr.name is the plain name.
func GraphML(w io.Writer, g *network.Graph, c *Citations) error {
	if err := checkGraph(g); err != nil {
		return err
	}
	signals := signalsOf(g)
	doc := gmlDoc{XMLNS: "http://graphml.graphdrawing.org/xmlns"}
	key := func(domain, name, typ string) {
		doc.Keys = append(doc.Keys, gmlKey{ID: domain[:1] + "_" + name, For: domain, Name: name, Type: typ})
	}
	key("node", "label", "string")
	key("node", "label_en", "string")
	key("node", "slug", "string")
	for _, s := range signals {
		key("node", column(s), "int")
	}
	key("node", "weighted_degree", "double")
	key("node", "betweenness", "double")
	key("node", "community", "int")
	key("edge", "weight", "double")
	key("edge", "strength", "double")
	for _, s := range signals {
		key("edge", sharedColumn(s), "int")
	}
	for _, s := range signals {
		key("edge", idsColumn(s), "string")
	}
	for _, col := range sourceColumns {
		key("edge", col, "string")
	}

	doc.Graph = gmlGraph{ID: "themes", EdgeDefault: "undirected", Nodes: []gmlNode{}, Edges: []gmlEdge{}}
	for _, n := range g.Nodes {
		data := []gmlData{{"n_label", label(n)}, {"n_label_en", labelEn(n)}, {"n_slug", n.Slug}}
		for _, s := range signals {
			data = append(data, gmlData{"n_" + column(s), strconv.Itoa(n.Counts[s])})
		}
		data = append(data,
			gmlData{"n_weighted_degree", num(n.WeightedDegree)},
			gmlData{"n_betweenness", num(n.Betweenness)},
			gmlData{"n_community", strconv.Itoa(n.Community)})
		doc.Graph.Nodes = append(doc.Graph.Nodes, gmlNode{ID: string(n.ThemeID), Data: data})
	}
	for i, e := range g.Edges {
		data := []gmlData{{"e_weight", num(e.Weight)}, {"e_strength", num(e.Strength)}}
		for _, s := range signals {
			data = append(data, gmlData{"e_" + sharedColumn(s), strconv.Itoa(shared(e, s))})
		}
		for _, s := range signals {
			data = append(data, gmlData{"e_" + idsColumn(s), c.evidenceIDs(e, s)})
		}
		for i, v := range c.sourceValues(e) {
			data = append(data, gmlData{"e_" + sourceColumns[i], v})
		}
		doc.Graph.Edges = append(doc.Graph.Edges, gmlEdge{
			ID: "e" + strconv.Itoa(i), Source: string(e.Source), Target: string(e.Target), Data: data,
		})
	}
	return writeXML(w, doc, "GraphML")
}

// GEXF 1.3 structures (https://gexf.net/schema.html).
type (
	gexfDoc struct {
		XMLName        xml.Name  `xml:"gexf"`
		XMLNS          string    `xml:"xmlns,attr"`
		XSI            string    `xml:"xmlns:xsi,attr"`
		SchemaLocation string    `xml:"xsi:schemaLocation,attr"`
		Version        string    `xml:"version,attr"`
		Meta           gexfMeta  `xml:"meta"`
		Graph          gexfGraph `xml:"graph"`
	}
	gexfMeta struct {
		Creator     string `xml:"creator"`
		Description string `xml:"description"`
	}
	gexfGraph struct {
		DefaultEdgeType string           `xml:"defaultedgetype,attr"`
		Mode            string           `xml:"mode,attr"`
		TimeFormat      string           `xml:"timeformat,attr,omitempty"`
		TimeRepr        string           `xml:"timerepresentation,attr,omitempty"`
		Attributes      []gexfAttributes `xml:"attributes"`
		Nodes           gexfNodes        `xml:"nodes"`
		Edges           gexfEdges        `xml:"edges"`
	}
	gexfAttributes struct {
		Class      string          `xml:"class,attr"`
		Mode       string          `xml:"mode,attr,omitempty"`
		Attributes []gexfAttribute `xml:"attribute"`
	}
	gexfAttribute struct {
		ID    string `xml:"id,attr"`
		Title string `xml:"title,attr"`
		Type  string `xml:"type,attr"`
	}
	gexfNodes struct {
		Count int        `xml:"count,attr"`
		Nodes []gexfNode `xml:"node"`
	}
	gexfNode struct {
		ID        string        `xml:"id,attr"`
		Label     string        `xml:"label,attr"`
		AttValues gexfAttValues `xml:"attvalues"`
		Spells    *gexfSpells   `xml:"spells,omitempty"`
	}
	gexfSpells struct {
		Spells []gexfSpell `xml:"spell"`
	}
	gexfSpell struct {
		Start string `xml:"start,attr"`
		End   string `xml:"end,attr"`
	}
	gexfEdges struct {
		Count int        `xml:"count,attr"`
		Edges []gexfEdge `xml:"edge"`
	}
	gexfEdge struct {
		ID        string        `xml:"id,attr"`
		Source    string        `xml:"source,attr"`
		Target    string        `xml:"target,attr"`
		Weight    string        `xml:"weight,attr,omitempty"`
		AttValues gexfAttValues `xml:"attvalues"`
		Spells    *gexfSpells   `xml:"spells,omitempty"`
	}
	gexfAttValues struct {
		Values []gexfAttValue `xml:"attvalue"`
	}
	gexfAttValue struct {
		For   string `xml:"for,attr"`
		Value string `xml:"value,attr"`
		// Start and End bound a dynamic value (dynamic GEXF only).
		Start string `xml:"start,attr,omitempty"`
		End   string `xml:"end,attr,omitempty"`
	}
)

// GEXF writes g as a static, undirected GEXF 1.3 graph for Gephi. Nodes have the theme
// ID as id and the name as label, and the attributes slug, one count per signal,
// weighted_degree, betweenness and community; edges have the weight as Gephi's weight
// and the attributes strength and shared items per signal (shared_outcomes, …).
func GEXF(w io.Writer, g *network.Graph, c *Citations) error {
	if err := checkGraph(g); err != nil {
		return err
	}
	signals := signalsOf(g)
	nodeAttrs := gexfAttributes{Class: "node"}
	edgeAttrs := gexfAttributes{Class: "edge"}
	attr := func(a *gexfAttributes, id, typ string) {
		a.Attributes = append(a.Attributes, gexfAttribute{ID: id, Title: id, Type: typ})
	}
	attr(&nodeAttrs, "label_en", "string")
	attr(&nodeAttrs, "slug", "string")
	for _, s := range signals {
		attr(&nodeAttrs, column(s), "integer")
	}
	attr(&nodeAttrs, "weighted_degree", "double")
	attr(&nodeAttrs, "betweenness", "double")
	attr(&nodeAttrs, "community", "integer")
	attr(&edgeAttrs, "strength", "double")
	for _, s := range signals {
		attr(&edgeAttrs, sharedColumn(s), "integer")
	}
	for _, s := range signals {
		attr(&edgeAttrs, idsColumn(s), "string")
	}
	for _, col := range sourceColumns {
		attr(&edgeAttrs, col, "string")
	}

	doc := newGEXF("Co-occurrence network of development themes")
	doc.Graph.Attributes = []gexfAttributes{nodeAttrs, edgeAttrs}
	doc.Graph.Nodes = gexfNodes{Count: len(g.Nodes), Nodes: []gexfNode{}}
	doc.Graph.Edges = gexfEdges{Count: len(g.Edges), Edges: []gexfEdge{}}
	for _, n := range g.Nodes {
		vals := []gexfAttValue{{For: "label_en", Value: labelEn(n)}, {For: "slug", Value: n.Slug}}
		for _, s := range signals {
			vals = append(vals, gexfAttValue{For: column(s), Value: strconv.Itoa(n.Counts[s])})
		}
		vals = append(vals,
			gexfAttValue{For: "weighted_degree", Value: num(n.WeightedDegree)},
			gexfAttValue{For: "betweenness", Value: num(n.Betweenness)},
			gexfAttValue{For: "community", Value: strconv.Itoa(n.Community)})
		doc.Graph.Nodes.Nodes = append(doc.Graph.Nodes.Nodes, gexfNode{
			ID: string(n.ThemeID), Label: label(n), AttValues: gexfAttValues{vals},
		})
	}
	for i, e := range g.Edges {
		vals := []gexfAttValue{{For: "strength", Value: num(e.Strength)}}
		for _, s := range signals {
			vals = append(vals, gexfAttValue{For: sharedColumn(s), Value: strconv.Itoa(shared(e, s))})
		}
		for _, s := range signals {
			vals = append(vals, gexfAttValue{For: idsColumn(s), Value: c.evidenceIDs(e, s)})
		}
		for i, v := range c.sourceValues(e) {
			vals = append(vals, gexfAttValue{For: sourceColumns[i], Value: v})
		}
		doc.Graph.Edges.Edges = append(doc.Graph.Edges.Edges, gexfEdge{
			ID: strconv.Itoa(i), Source: string(e.Source), Target: string(e.Target),
			Weight: num(e.Weight), AttValues: gexfAttValues{vals},
		})
	}
	return writeXML(w, doc, "GEXF")
}

// newGEXF returns a static, undirected GEXF 1.3 document with its metadata.
func newGEXF(description string) gexfDoc {
	return gexfDoc{
		XMLNS:          "http://gexf.net/1.3",
		XSI:            "http://www.w3.org/2001/XMLSchema-instance",
		SchemaLocation: "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd",
		Version:        "1.3",
		Meta:           gexfMeta{Creator: "Teemaverkko", Description: description},
		Graph:          gexfGraph{DefaultEdgeType: "undirected", Mode: "static"},
	}
}

// writeXML writes the XML declaration and the document, indented.
func writeXML(w io.Writer, doc any, what string) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("export %s: %w", what, err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("export %s: %w", what, err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("export %s: %w", what, err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("export %s: %w", what, err)
	}
	return nil
}
