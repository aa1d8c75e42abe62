// Package export writes a theme network (network.Graph) in the formats network tools
// read: GraphML (networkx, igraph, yEd, Cytoscape), GEXF 1.3 (Gephi) and two CSV tables,
// nodes and edges (pandas, networkx.from_pandas_edgelist, R igraph::graph_from_data_frame,
// Gephi's spreadsheet import).
//
// Every format carries the same facts. A node is a theme: its ID, its name as the label,
// its slug, its count of items per signal, its weighted degree, betweenness and
// community. An edge is undirected: the two theme IDs, the weight (the number of shared
// items), the Jaccard strength and the number of shared items per signal
// (shared_outcomes, …). The signal columns are those of the signals the graph was built with, in the network package's
// canonical order. Numbers are written in Go's shortest round-tripping form, so that
// parsing them back gives exactly the values of the graph.
//
// Labels are given in Finnish (label) and English (label_en: the theme's English name,
// or the Finnish one when it has none). Exports cite: every edge carries the IDs of its
// evidence items per signal (outcome_ids, …: all of them with
// Citations.WithFullEvidence, otherwise the first network.EvidenceCap of each) and the
// documents behind them
// (source_document_ids, _titles, _urls; see Citations), and the evidence table
// (EvidenceCSV) lists every item with each of its documents: title, URL and date at its
// precision.
//
// Beside the theme network there are a dynamic GEXF of a network.Series (DynamicGEXF),
// which Gephi's timeline plays, and the mixed graph (Mixed): themes with
// municipalities, experts, seminars, sessions, outcomes and documents as typed nodes.
//
// The XML formats are written with encoding/xml from structs, so every name and label is
// escaped; nothing is assembled from strings.
package export

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/teemaverkko/teemaverkko/internal/network"
)

// Format is an export format.
type Format string

// The formats.
const (
	// FormatGraphML is GraphML (http://graphml.graphdrawing.org/).
	FormatGraphML Format = "GRAPHML"
	// FormatGEXF is GEXF 1.3, Gephi's format (https://gexf.net/).
	FormatGEXF Format = "GEXF"
	// FormatNodesCSV is the node table as CSV.
	FormatNodesCSV Format = "NODES_CSV"
	// FormatEdgesCSV is the edge table as CSV.
	FormatEdgesCSV Format = "EDGES_CSV"
	// FormatEvidenceCSV is the edge table's companion: every edge's evidence items and
	// the documents behind them, as CSV.
	FormatEvidenceCSV Format = "EVIDENCE_CSV"
	// FormatDynamicGEXF is the network per term or year as one dynamic GEXF 1.3 graph,
	// which Gephi's timeline plays.
	FormatDynamicGEXF Format = "DYNAMIC_GEXF"
	// FormatMixedGraphML and FormatMixedGEXF are the mixed graph: themes,
	// municipalities, experts, seminars and documents as typed nodes.
	FormatMixedGraphML Format = "MIXED_GRAPHML"
	FormatMixedGEXF    Format = "MIXED_GEXF"
)

// Formats lists every format.
var Formats = []Format{FormatGraphML, FormatGEXF, FormatNodesCSV, FormatEdgesCSV, FormatEvidenceCSV,
	FormatDynamicGEXF, FormatMixedGraphML, FormatMixedGEXF}

// Input is what the formats write: the network (with the citations of its evidence), the
// series of a dynamic export, or the mixed graph. Each format reads what Needs says.
type Input struct {
	Graph     *network.Graph
	Citations *Citations
	Series    *network.Series
	Mixed     *Mixed
}

// Needs says what a format reads.
type Needs struct {
	// Graph and Citations: the network and its citations (GraphML, GEXF, CSV tables).
	Graph, Citations bool
	// Series: the network per term or year (dynamic GEXF).
	Series bool
	// Mixed: the mixed graph.
	Mixed bool
}

// Needs returns what the format reads.
func (f Format) Needs() Needs {
	switch f {
	case FormatDynamicGEXF:
		return Needs{Series: true}
	case FormatMixedGraphML, FormatMixedGEXF:
		return Needs{Mixed: true}
	default:
		return Needs{Graph: true, Citations: f != FormatNodesCSV}
	}
}

// ParseFormat reads a format name, case-insensitively, with "-" or "." for "_"
// ("graphml", "gexf", "nodes-csv", "edges.csv").
func ParseFormat(s string) (Format, error) {
	f := Format(strings.NewReplacer("-", "_", ".", "_").Replace(strings.ToUpper(strings.TrimSpace(s))))
	for _, known := range Formats {
		if f == known {
			return f, nil
		}
	}
	names := make([]string, len(Formats))
	for i, known := range Formats {
		names[i] = known.Name()
	}
	return "", fmt.Errorf("export: unknown format %q (want one of %s)", s, strings.Join(names, ", "))
}

// Name is the format's name as URLs and command lines spell it: "graphml", "gexf",
// "nodes-csv", "edges-csv".
func (f Format) Name() string {
	return strings.ReplaceAll(strings.ToLower(string(f)), "_", "-")
}

// ContentType returns the media type of a format (named as ParseFormat reads it), or
// "application/octet-stream" for an unknown one.
func ContentType(format string) string {
	f, err := ParseFormat(format)
	if err != nil {
		return "application/octet-stream"
	}
	switch f {
	case FormatGraphML, FormatMixedGraphML:
		return "application/graphml+xml; charset=utf-8"
	case FormatGEXF, FormatDynamicGEXF, FormatMixedGEXF:
		return "application/gexf+xml; charset=utf-8"
	default:
		return "text/csv; charset=utf-8"
	}
}

// FileName returns the file name to save a format under (for Content-Disposition), or
// "" for an unknown format.
func FileName(format string) string {
	f, err := ParseFormat(format)
	if err != nil {
		return ""
	}
	switch f {
	case FormatGraphML:
		return "teemaverkko-themes.graphml"
	case FormatGEXF:
		return "teemaverkko-themes.gexf"
	case FormatNodesCSV:
		return "teemaverkko-themes-nodes.csv"
	case FormatEvidenceCSV:
		return "teemaverkko-themes-evidence.csv"
	case FormatDynamicGEXF:
		return "teemaverkko-themes-dynamic.gexf"
	case FormatMixedGraphML:
		return "teemaverkko-mixed.graphml"
	case FormatMixedGEXF:
		return "teemaverkko-mixed.gexf"
	default:
		return "teemaverkko-themes-edges.csv"
	}
}

// Write writes in to w in the format.
func Write(w io.Writer, format Format, in Input) error {
	switch format {
	case FormatGraphML:
		return GraphML(w, in.Graph, in.Citations)
	case FormatGEXF:
		return GEXF(w, in.Graph, in.Citations)
	case FormatNodesCSV:
		return NodesCSV(w, in.Graph)
	case FormatEdgesCSV:
		return EdgesCSV(w, in.Graph, in.Citations)
	case FormatEvidenceCSV:
		return EvidenceCSV(w, in.Graph, in.Citations)
	case FormatDynamicGEXF:
		return DynamicGEXF(w, in.Series)
	case FormatMixedGraphML:
		return MixedGraphML(w, in.Mixed)
	case FormatMixedGEXF:
		return MixedGEXF(w, in.Mixed)
	default:
		return fmt.Errorf("export: unknown format %q", string(format))
	}
}

// signalsOf returns the signals the graph carries, in canonical order.
func signalsOf(g *network.Graph) []network.Signal {
	present := map[network.Signal]bool{}
	for _, n := range g.Nodes {
		for s := range n.Counts {
			present[s] = true
		}
	}
	for _, e := range g.Edges {
		for _, ev := range e.Evidence {
			present[ev.Signal] = true
		}
	}
	var out []network.Signal
	for _, s := range network.AllSignals {
		if present[s] {
			out = append(out, s)
		}
	}
	return out
}

// column returns the column (attribute) name of a signal's counts: "outcomes".
func column(s network.Signal) string {
	switch s {
	case network.SignalMunicipality:
		return "municipalities"
	default:
		return strings.ToLower(string(s)) + "s"
	}
}

// sharedColumn returns the edge column (attribute) name of a signal's shared items:
// "shared_outcomes".
func sharedColumn(s network.Signal) string { return "shared_" + column(s) }

// shared returns the number of shared items of a signal on an edge.
func shared(e network.Edge, s network.Signal) int {
	for _, ev := range e.Evidence {
		if ev.Signal == s {
			return ev.Count
		}
	}
	return 0
}

// label returns a node's label: its name, or its slug when it has none.
func label(n network.Node) string {
	if n.Name != "" {
		return n.Name
	}
	return n.Slug
}

// labelEn returns a node's English label: its English name, or its Finnish label.
func labelEn(n network.Node) string {
	if n.NameEn != "" {
		return n.NameEn
	}
	return label(n)
}

// labelsEn maps theme IDs to English labels.
func labelsEn(g *network.Graph) map[string]string {
	m := make(map[string]string, len(g.Nodes))
	for _, n := range g.Nodes {
		m[string(n.ThemeID)] = labelEn(n)
	}
	return m
}

// labels maps theme IDs to labels.
func labels(g *network.Graph) map[string]string {
	m := make(map[string]string, len(g.Nodes))
	for _, n := range g.Nodes {
		m[string(n.ThemeID)] = label(n)
	}
	return m
}

// num formats a float in the shortest form that parses back to the same value.
func num(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// checkGraph refuses a nil graph.
func checkGraph(g *network.Graph) error {
	if g == nil {
		return fmt.Errorf("export: nil graph")
	}
	return nil
}
